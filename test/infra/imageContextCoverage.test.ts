/**
 * The repository's real build context: every source the Dockerfile copies from the context must be inside the
 * content hash (else a change to it would not rebuild the image), and the hash must not pull in what never goes
 * into the image.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { computeContextHash } from '../../infra/image/context-hash';
import { REPO_ROOT } from '../../infra/paths';

/** Sources of every COPY/ADD that reads the build context (not `--from=<stage>`), continuation lines joined. */
function contextSources(dockerfile: string): string[] {
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(COPY|ADD)\s/i.test(line));
  const sources: string[] = [];
  for (const instruction of instructions) {
    const rest = instruction.replace(/^(COPY|ADD)\s+/i, '');
    const words = rest.trim().startsWith('[')
      ? (JSON.parse(rest) as string[])
      : rest.split(/\s+/).filter((w) => w !== '');
    if (words.some((w) => w.startsWith('--from='))) continue;
    const args = words.filter((w) => !w.startsWith('--'));
    sources.push(...args.slice(0, -1));
  }
  return sources;
}

/** Whether a COPY source (file, directory, or glob) names at least one file of the hashed set. */
function covered(source: string, files: readonly string[]): boolean {
  const cleaned = source.replace(/^\.\//, '').replace(/\/$/, '');
  if (cleaned === '.' || cleaned === '') return files.length > 0;
  const pattern = new RegExp(
    `^${cleaned
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/|$)`,
  );
  return files.some((file) => pattern.test(file));
}

describe('the repository build context', () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const { files } = computeContextHash(REPO_ROOT);

  it('hashes every source the Dockerfile copies from the context', () => {
    // Prepare
    const sources = contextSources(dockerfile);

    // Act
    const uncovered = sources.filter((source) => !covered(source, files));

    // Assess
    expect(sources.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
  });

  it('includes the lockfile, the build script and the function sources', () => {
    // Prepare / Act / Assess
    expect(files).toEqual(
      expect.arrayContaining(['Dockerfile', 'package.json', 'package-lock.json', 'scripts/bundle/build.ts']),
    );
    expect(files.some((f) => f.startsWith('functions/'))).toBe(true);
  });

  it('leaves out tests, infra, model artifacts and data, documentation and local files', () => {
    // Prepare / Act
    const outside = files.filter(
      (f) =>
        /^(test|infra|model\/artifacts|model\/data|coverage|\.git|\.local-stack|node_modules)\//.test(f) ||
        f === 'README.md',
    );

    // Assess
    expect(outside).toEqual([]);
  });
});
