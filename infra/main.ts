/**
 * `npm run synth`: synthesizes `infra/cdktf.out/stacks/<environment>/cdk.tf.json` for every environment by running
 * the app directly (no cdktf-cli needed). Prints what it resolved; exits 1 with every problem listed on bad config.
 */
import './checkpoint-off';
import { ImagePipelineError } from './image/errors';
import { buildApp } from './app';
import { InfraError } from './errors';
import { CONFIG_DIR, REPO_ROOT, RUNS_FILE, SYNTH_OUTDIR, relativePosix, stackDirectory } from './paths';

function main(): number {
  const started = performance.now();
  try {
    const { app, configs, context } = buildApp({
      outdir: SYNTH_OUTDIR,
      repoRoot: REPO_ROOT,
      configDir: CONFIG_DIR,
      runsFile: RUNS_FILE,
    });
    app.synth();
    if (context !== undefined) {
      console.log(`image build context: ${context.files.length} files, content hash ${context.hash}`);
    }
    for (const config of configs) {
      const dir = relativePosix(REPO_ROOT, stackDirectory(SYNTH_OUTDIR, config.environment));
      const image = config.image.uri ?? 'built from this checkout';
      console.log(
        `${config.environment}: ${dir}/cdk.tf.json  (region ${config.region}, run ${config.model.runId}, image ${image})`,
      );
    }
    console.log(`synthesized in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return 0;
  } catch (error) {
    if (error instanceof InfraError || error instanceof ImagePipelineError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
