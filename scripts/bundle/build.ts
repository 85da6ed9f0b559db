/**
 * Room `scripts/bundle/` — one job: the function as the container runs it. This esbuild bundle and `invoke.ts`, which
 * runs the built bundle on an event file.
 *
 * `npm run build`: bundles the function (`functions/handler.ts`) into `dist/handler.js`, the file the container's
 * `CMD ["handler.handler"]` loads from `${LAMBDA_TASK_ROOT}`, and the batch handler (`functions/batch.ts`) into
 * `dist/batch.js` beside it, which the batch function selects with the image command override `batch.handler`. CommonJS for Node 22 (the Lambda base image);
 * onnxruntime-node stays external because it ships a native addon the image installs next to the bundle.
 */
import { build, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

// Its own root, not model/index's REPO_ROOT: it also runs inside the image's build context, which holds no model/.
const ROOT = path.resolve(__dirname, '../..');
// `--outfile` exists for tests; keep it inside the repository so the external onnxruntime-node still resolves.
const { values: args } = parseArgs({ options: { outfile: { type: 'string' } } });
const OUTFILE = path.resolve(args.outfile ?? path.join(ROOT, 'dist/handler.js'));

/** Bundles of the image: the stream handler at `OUTFILE`, the batch handler beside it (same image, another command). */
const BUNDLES = [
  { entry: 'functions/handler.ts', outfile: OUTFILE },
  { entry: 'functions/batch.ts', outfile: path.join(path.dirname(OUTFILE), 'batch.js') },
] as const;

/** Packages resolved at run time from the image's node_modules instead of being bundled. */
export const EXTERNAL_PACKAGES = ['onnxruntime-node'] as const;

/**
 * zod 4 re-exports all its ≈50 locales as a namespace (`export * as locales`), which esbuild cannot tree-shake
 * (colinhacks/zod#6050): ≈250 KiB of error messages in other languages. The function only uses English, which zod
 * imports directly, so the namespace module is replaced by one that exports `en` alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(context) {
    context.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

async function main(): Promise<void> {
  for (const bundle of BUNDLES) await bundleOne(bundle.entry, bundle.outfile);
}

async function bundleOne(entry: string, outfile: string): Promise<void> {
  const started = performance.now();
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: [...EXTERNAL_PACKAGES],
    // ESM-first entry points let esbuild drop unused AWS SDK and Powertools code.
    mainFields: ['module', 'main'],
    minify: true,
    // Error classes take their `name` from the class (`new.target.name`): minification must keep class names.
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [zodEnglishOnly],
  });

  const bytes = fs.statSync(outfile).size;
  const map = fs.statSync(`${outfile}.map`).size;
  const inputs = Object.entries(result.metafile.outputs[path.relative(process.cwd(), outfile)]?.inputs ?? {});
  const byPackage = new Map<string, number>();
  for (const [file, info] of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match?.[1] ?? '(project sources)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `built ${path.relative(ROOT, outfile)}: ${kib(bytes)} (${bytes} bytes; source map ${kib(map)}) ` +
      `in ${Math.round(performance.now() - started)} ms; external: ${EXTERNAL_PACKAGES.join(', ')}`,
  );
  console.log(`largest parts: ${top.map(([name, size]) => `${name} ${kib(size)}`).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
