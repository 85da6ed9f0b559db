import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeContextHash } from '../../infra/image/context-hash';
import { BuildContextError } from '../../infra/image/errors';
import { imageTagFor } from '../../infra/image/tags';

/** A small repository-shaped build context with a .dockerignore in the style of the project's. */
const FILES: Record<string, string> = {
  Dockerfile: 'FROM public.ecr.aws/lambda/nodejs:22\nCOPY dist/ ./\n',
  '.dockerignore': [
    '# allowlist',
    '*',
    '!package.json',
    '!package-lock.json',
    '!.npmrc',
    '!tsconfig.json',
    '!functions',
    '!model/src',
    '!scripts/bundle/build.ts',
    'functions/**/*.test.ts',
    '**/*.md',
  ].join('\n'),
  'package.json': '{"name":"fixture"}',
  'package-lock.json': '{"lockfileVersion":3}',
  '.npmrc': 'save-exact=true\n',
  'tsconfig.json': '{}',
  'functions/handler.ts': 'export const handler = 1;\n',
  'functions/core/decode.ts': 'export const decode = 1;\n',
  'functions/core/decode.test.ts': 'test("x", () => {});\n',
  'functions/README.md': '# notes\n',
  'model/src/contract.ts': 'export const C = 1;\n',
  'model/data/winequality-white.csv': 'a;b\n1;2\n',
  'scripts/bundle/build.ts': 'console.log("build");\n',
  'scripts/local-stack/demo.ts': 'console.log("demo");\n',
  'README.md': '# readme\n',
  'node_modules/left-pad/index.js': 'module.exports = 1;\n',
  'infra/cdktf.out/stacks/stage/cdk.tf.json': '{}',
};

/** Files the image is built from: every one must move the hash. */
const INCLUDED = [
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  '.npmrc',
  'tsconfig.json',
  'functions/handler.ts',
  'functions/core/decode.ts',
  'model/src/contract.ts',
  'scripts/bundle/build.ts',
];
/** Files docker never sends: none may move the hash. */
const EXCLUDED = [
  'functions/core/decode.test.ts',
  'functions/README.md',
  'model/data/winequality-white.csv',
  'scripts/local-stack/demo.ts',
  'README.md',
  'node_modules/left-pad/index.js',
  'infra/cdktf.out/stacks/stage/cdk.tf.json',
];

function writeContext(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'image-context-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('image content hash', () => {
  let root: string;

  beforeEach(() => {
    root = writeContext(FILES);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('covers exactly the files docker would send, honouring .dockerignore', () => {
    // Prepare / Act
    const { files } = computeContextHash(root);

    // Assess
    expect(files).toEqual([...INCLUDED].sort());
  });

  it('is stable when nothing changes', () => {
    // Prepare / Act
    const first = computeContextHash(root).hash;
    const second = computeContextHash(root).hash;

    // Assess
    expect(second).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(INCLUDED)('changes when %s changes', (rel) => {
    // Prepare
    const before = computeContextHash(root).hash;

    // Act
    writeFileSync(path.join(root, rel), `${FILES[rel] ?? ''}\n// edited`);

    // Assess
    expect(computeContextHash(root).hash).not.toBe(before);
  });

  it.each(EXCLUDED)('does not change when ignored %s changes', (rel) => {
    // Prepare
    const before = computeContextHash(root).hash;

    // Act
    writeFileSync(path.join(root, rel), 'edited');

    // Assess
    expect(computeContextHash(root).hash).toBe(before);
  });

  it('changes when a source file is added, removed or renamed', () => {
    // Prepare
    const original = computeContextHash(root).hash;

    // Act
    writeFileSync(path.join(root, 'functions/core/new.ts'), 'export {};\n');
    const added = computeContextHash(root).hash;
    unlinkSync(path.join(root, 'functions/core/new.ts'));
    const removedAgain = computeContextHash(root).hash;
    renameSync(path.join(root, 'functions/core/decode.ts'), path.join(root, 'functions/core/decoder.ts'));
    const renamed = computeContextHash(root).hash;

    // Assess
    expect(added).not.toBe(original);
    expect(removedAgain).toBe(original);
    expect(renamed).not.toBe(original);
  });

  it('changes when a file becomes executable', () => {
    // Prepare
    const before = computeContextHash(root).hash;

    // Act
    chmodSync(path.join(root, 'scripts/bundle/build.ts'), 0o755);

    // Assess
    expect(computeContextHash(root).hash).not.toBe(before);
  });

  it('covers the Dockerfile and .dockerignore even when .dockerignore excludes them', () => {
    // Prepare
    writeFileSync(
      path.join(root, '.dockerignore'),
      `${FILES['.dockerignore'] ?? ''}\nDockerfile\n.dockerignore\n`,
    );
    const before = computeContextHash(root).hash;

    // Act
    writeFileSync(path.join(root, 'Dockerfile'), 'FROM scratch\n');

    // Assess
    expect(computeContextHash(root).files).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore']));
    expect(computeContextHash(root).hash).not.toBe(before);
  });

  it('re-includes a file below an excluded directory when a later pattern says so', () => {
    // Prepare
    writeFileSync(
      path.join(root, '.dockerignore'),
      `${FILES['.dockerignore'] ?? ''}\n!model/data/winequality-white.csv\n`,
    );

    // Act
    const { files } = computeContextHash(root);

    // Assess
    expect(files).toContain('model/data/winequality-white.csv');
  });

  it('hashes everything when there is no .dockerignore, and then refuses node_modules in the context', () => {
    // Prepare
    unlinkSync(path.join(root, '.dockerignore'));

    // Act
    const attempt = (): unknown => computeContextHash(root);

    // Assess
    expect(attempt).toThrow(BuildContextError);
    expect(attempt).toThrow(/node_modules\/.*exclude it in .*\.dockerignore/);
  });

  it('refuses a context that would contain the synthesized stack that embeds its own hash', () => {
    // Prepare
    writeFileSync(path.join(root, '.dockerignore'), 'node_modules\n');

    // Act
    const attempt = (): unknown => computeContextHash(root);

    // Assess
    expect(attempt).toThrow(/infra\/cdktf\.out\//);
  });

  it('fails with the expected path when there is no Dockerfile', () => {
    // Prepare
    unlinkSync(path.join(root, 'Dockerfile'));

    // Act / Assess
    expect(() => computeContextHash(root)).toThrow(`no Dockerfile at ${path.join(root, 'Dockerfile')}`);
  });

  it('tags images with src-, the first 32 hex characters of the hash and the architecture', () => {
    // Prepare
    const { hash } = computeContextHash(root);

    // Act
    const amd64 = imageTagFor(hash, 'linux/amd64');
    const arm64 = imageTagFor(hash, 'linux/arm64');

    // Assess
    expect(amd64).toBe(`src-${hash.slice(0, 32)}-amd64`);
    expect(arm64).toBe(`src-${hash.slice(0, 32)}-arm64`);
    expect(() => imageTagFor('not-a-hash', 'linux/amd64')).toThrow(BuildContextError);
  });
});
