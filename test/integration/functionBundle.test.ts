/**
 * The esbuild bundle the container runs: `scripts/bundle/build.ts` builds it, `scripts/bundle/invoke.ts` runs its exported handler
 * on a sample event the way `npm run invoke` does. Catches what only the bundle can break (externals, minified class
 * names, bundler-specific zod loading) and keeps stdout clean for the response.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_ID, runDir } from '../../model/src/artifacts';
import type { FunctionResponse } from '../../functions/handler';
import { REPO_ROOT, TSX_CLI } from '../helpers/paths';

jest.setTimeout(60_000);

// Inside the repository, so the bundle's external onnxruntime-node resolves from node_modules as in the image.
const OUT_DIR = path.join(REPO_ROOT, 'dist', `.test-${process.pid}`);
const BUNDLE = path.join(OUT_DIR, 'handler.js');

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [TSX_CLI, path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
}

describe('the built bundle', () => {
  beforeAll(() => {
    const build = run('scripts/bundle/build.ts', ['--outfile', BUNDLE]);
    if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
  });

  afterAll(() => fs.rmSync(OUT_DIR, { recursive: true, force: true }));

  it('bundles the batch handler beside it (batch.js, for the image command batch.handler)', () => {
    // Prepare
    const batch = path.join(OUT_DIR, 'batch.js');

    // Act
    const loaded = spawnSync(
      process.execPath,
      ['-e', `process.stdout.write(typeof require(${JSON.stringify(batch)}).handler)`],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );

    // Assess
    expect(loaded.stdout).toBe('function');
  });

  it('answers the mixed sample event on stdout, with its logs and metrics on stderr', () => {
    // Prepare
    const env = { TEST_RUN: 'True', MODEL_LOCATION: runDir(DEFAULT_RUN_ID) };

    // Act
    const invoke = run(
      'scripts/bundle/invoke.ts',
      ['--bundle', BUNDLE, 'docker/events/kinesis-mixed.json'],
      env,
    );

    // Assess
    expect(invoke.status).toBe(0);
    const response = JSON.parse(invoke.stdout) as FunctionResponse;
    expect(response.batchItemFailures).toEqual([]);
    expect(response.predictions?.map((p) => p.version)).toEqual([
      DEFAULT_RUN_ID,
      DEFAULT_RUN_ID,
      DEFAULT_RUN_ID,
    ]);
    expect(response.rejected).toHaveLength(11);
    const stderr = invoke.stderr.split('\n').filter((line) => line.startsWith('{'));
    const messages = stderr.map((line) => (JSON.parse(line) as { message?: string }).message);
    expect(messages).toContain('model loaded');
    expect(messages).toContain('batch processed');
    expect(stderr.some((line) => line.includes('"RecordsReceived":14'))).toBe(true);
  });

  it('fails with the configuration error naming every bad variable, and exit code 1', () => {
    // Prepare
    const env = { RUN_ID: 'abc', TEST_RUN: 'maybe' };

    // Act
    const invoke = run(
      'scripts/bundle/invoke.ts',
      ['--bundle', BUNDLE, 'docker/events/kinesis-valid.json'],
      env,
    );

    // Assess
    expect(invoke.status).toBe(1);
    expect(invoke.stdout).toBe('');
    expect(invoke.stderr).toContain('ConfigError (CONFIG_INVALID): Invalid function configuration (5):');
    for (const variable of [
      'RUN_ID',
      'TEST_RUN',
      'MODEL_BUCKET',
      'PREDICTIONS_STREAM_NAME',
      'QUARANTINE_LOCATION',
    ]) {
      expect(invoke.stderr).toContain(`  - ${variable}`);
    }
  });
});
