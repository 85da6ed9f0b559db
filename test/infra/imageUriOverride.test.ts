/**
 * CI builds the image once and deploys that digest: `npm run deploy -- <env> --image-uri <uri>` replaces the
 * configuration's `image.uri`, validated by the same schema as the file, and nothing else reaches terraform.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../infra/app';
import { loadInfraConfig } from '../../infra/config/load';
import { InfraConfigError } from '../../infra/errors';
import { CONFIG_DIR, REPO_ROOT, RUNS_FILE, stackDirectory } from '../../infra/paths';
import { PINNED_IMAGE } from './support/stackFixtures';

const LOCATIONS = { configDir: CONFIG_DIR, runsFile: RUNS_FILE };

/** Runs `tsx infra/terraform.ts …` with a terraform that cannot start, so nothing outside the test runs. */
function terraformCli(args: readonly string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'infra/terraform.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, TERRAFORM_BINARY: path.join(tmpdir(), 'no-terraform-here') },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('image URI given on the command line', () => {
  it('replaces image.uri and keeps the rest of the image settings from the file', () => {
    // Prepare
    const fromFile = loadInfraConfig('prod', LOCATIONS);

    // Act
    const config = loadInfraConfig('prod', LOCATIONS, { imageUri: PINNED_IMAGE });

    // Assess
    expect(fromFile.image.uri).toBeUndefined();
    expect(config.image).toEqual({ ...fromFile.image, uri: PINNED_IMAGE });
  });

  it('is validated by the configuration schema and named in the error', () => {
    // Prepare
    const byTag = PINNED_IMAGE.replace(/@sha256:.*$/, ':latest');

    // Act
    let problems: readonly string[] = [];
    try {
      loadInfraConfig('stage', LOCATIONS, { imageUri: byTag });
    } catch (error) {
      if (!(error instanceof InfraConfigError)) throw error;
      problems = error.problems;
    }

    // Assess
    expect(problems).toEqual([
      'stage.json + --image-uri: image.uri: must be an ECR image pinned by digest: <registry>/<repository>@sha256:<64 hex>',
    ]);
  });

  it('reaches the synthesized function, which then builds nothing', () => {
    // Prepare
    const outdir = mkdtempSync(path.join(tmpdir(), 'image-override-'));

    try {
      // Act
      const { app, context } = buildApp({
        outdir,
        repoRoot: REPO_ROOT,
        configDir: CONFIG_DIR,
        runsFile: RUNS_FILE,
        environments: ['stage'],
        overrides: { stage: { imageUri: PINNED_IMAGE } },
      });
      app.synth();

      // Assess
      const tf = JSON.parse(
        readFileSync(path.join(stackDirectory(outdir, 'stage'), 'cdk.tf.json'), 'utf8'),
      ) as {
        resource: Record<string, Record<string, Record<string, unknown>> | undefined>;
      };
      const functions = Object.values(tf.resource.aws_lambda_function ?? {});
      // Every function of the stack (the scorer, and the batch function where enabled) runs that one image.
      expect(functions.length).toBeGreaterThan(0);
      expect(new Set(functions.map((f) => f.image_uri))).toEqual(new Set([PINNED_IMAGE]));
      expect(tf.resource.terraform_data).toBeUndefined();
      expect(context).toBeUndefined();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('stops `npm run deploy` before terraform when the URI is not pinned by digest', () => {
    // Prepare
    const byTag = PINNED_IMAGE.replace(/@sha256:.*$/, ':latest');

    // Act
    const result = terraformCli(['apply', 'stage', '-auto-approve', '--image-uri', byTag]);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'stage.json + --image-uri: image.uri: must be an ECR image pinned by digest',
    );
    expect(result.stderr).not.toContain('cannot run');
  });

  it('refuses --image-uri without a value', () => {
    // Prepare / Act
    const result = terraformCli(['plan', 'stage', '--image-uri', '-no-color']);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('--image-uri needs a value');
  });
});
