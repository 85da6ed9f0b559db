import dockerignore from '@balena/dockerignore';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../../functions/config';
import { QUARANTINE_PREFIX } from '../../../functions/contract/names';
import { parseS3Folder } from '../../../functions/contract/s3Folder';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../scripts/emulators/emulators';
import { LOCAL_DEFAULTS } from '../../../scripts/local-stack/config';
import { DEFAULT_RUN_ID, runDir } from '../../../model/src/artifacts';
import { ARTIFACT_FILES } from '../../../model/src/contract';
import { REPO_ROOT } from '../../helpers/paths';
import { instructions } from '../../helpers/dockerfile';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };

/** Replaces `${VAR:-default}`, `${VAR-default}` and `${VAR}` as docker compose does, from `env`. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(
    /\$\{(\w+)(?:(:?-)([^}]*))?\}/g,
    (_, name: string, op: string | undefined, fallback: string | undefined) => {
      const set = env[name];
      if (op === ':-') return set === undefined || set === '' ? (fallback ?? '') : set;
      if (op === '-') return set ?? fallback ?? '';
      return set ?? '';
    },
  );
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
}

// Compose resolves YAML merge keys (`<<: *local-aws`); YAML 1.2 parsers need them switched on.
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const lambda = services.lambda!;

function lambdaEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(lambda.environment ?? {}).map(([name, value]) => [name, interpolate(value, overrides)]),
  );
}

describe('docker-compose.yml', () => {
  it('builds every service from a context and Dockerfile that exist', () => {
    // Act
    const builds = Object.values(services).flatMap((s) => (s.build ? [s.build] : []));

    // Assess
    expect(builds.length).toBeGreaterThanOrEqual(2);
    for (const build of builds) {
      expect(fs.existsSync(path.join(REPO_ROOT, build.context, build.dockerfile ?? 'Dockerfile'))).toBe(true);
    }
  });

  it('mounts the committed default run, complete, where MODEL_LOCATION points', () => {
    // Prepare
    const [volume] = (lambda.volumes ?? []).map((v) => interpolate(v));
    const [hostPath = '', containerPath] = volume!.split(':');

    // Act
    const env = lambdaEnvironment();

    // Assess
    expect(path.resolve(REPO_ROOT, hostPath)).toBe(runDir(DEFAULT_RUN_ID));
    for (const file of Object.values(ARTIFACT_FILES)) {
      expect(fs.existsSync(path.join(REPO_ROOT, hostPath, file))).toBe(true);
    }
    expect(env.MODEL_LOCATION).toBe(containerPath);
    expect(env.RUN_ID).toBe(DEFAULT_RUN_ID);
  });

  it('gives the function a configuration its own parser accepts, with TEST_RUN=True and with TEST_RUN=False', () => {
    // Act
    const dryRun = parseConfig(lambdaEnvironment());
    const writing = parseConfig(lambdaEnvironment({ TEST_RUN: 'False' }));
    const fromS3 = parseConfig(lambdaEnvironment({ MODEL_LOCATION: '' }));

    // Assess
    expect(dryRun.output).toEqual({ kind: 'dry-run' });
    expect(dryRun.model).toEqual({ kind: 'local', directory: '/opt/model' });
    expect(writing.output).toMatchObject({
      kind: 'write',
      predictionsStreamName: LOCAL_DEFAULTS.predictionsStream,
      quarantine: { bucket: LOCAL_DEFAULTS.bucket, prefix: QUARANTINE_PREFIX },
    });
    expect(fromS3.model).toMatchObject({ kind: 's3', bucket: LOCAL_DEFAULTS.bucket });
  });

  it('points the function at the compose emulators, which create the stream and bucket it writes to', () => {
    // Prepare
    const env = lambdaEnvironment();
    const kinesis = services.kinesis!;
    const s3Dockerfile = read(path.join(services.s3!.build!.context, 'Dockerfile'));

    // Act
    const streams = (kinesis.environment?.INITIALIZE_STREAMS ?? '').split(',').map((s) => s.split(':')[0]);

    // Assess
    expect(env.AWS_ENDPOINT_URL_KINESIS).toBe(`http://kinesis:${LOCAL_DEFAULTS.kinesisPort}`);
    expect(env.AWS_ENDPOINT_URL_S3).toBe(`http://s3:${LOCAL_DEFAULTS.s3Port}`);
    expect(streams).toEqual(
      expect.arrayContaining([LOCAL_DEFAULTS.inputStream, env.PREDICTIONS_STREAM_NAME]),
    );
    expect(s3Dockerfile).toContain(`"--configure-bucket", "${env.MODEL_BUCKET}"`);
    expect(s3Dockerfile).toContain(`"--port", "${LOCAL_DEFAULTS.s3Port}"`);
    expect(parseS3Folder(env.QUARANTINE_LOCATION ?? '')).toEqual({
      bucket: env.MODEL_BUCKET,
      prefix: QUARANTINE_PREFIX,
    });
    expect(Object.keys(lambda.depends_on ?? {}).sort()).toEqual(['kinesis', 's3']);
  });

  it('runs the emulator releases the local stack runs, with health checks', () => {
    // Act
    const kinesisTag = services.kinesis!.image!.split(':')[1];
    const s3rverVersion = /s3rver@([\d.]+)/.exec(read('docker/s3rver/Dockerfile'))?.[1];

    // Assess
    expect(services.kinesis!.image).toMatch(/^ghcr\.io\/etspaceman\/kinesis-mock:/);
    expect(kinesisTag).toBe(packageJson.devDependencies['kinesis-local']);
    expect(s3rverVersion).toBe(packageJson.devDependencies.s3rver);
    expect(services.kinesis!.healthcheck).toBeDefined();
    expect(services.s3!.healthcheck).toBeDefined();
  });

  it('publishes the ports of docs/contract.md §7 and the emulator on 8080', () => {
    // Act
    const ports = Object.values(services).flatMap((s) => s.ports ?? []);

    // Assess
    expect(ports.sort()).toEqual(
      [LOCAL_DEFAULTS.kinesisPort, LOCAL_DEFAULTS.s3Port, 8080].map((port) => `${port}:${port}`).sort(),
    );
  });

  it('carries only the dummy credentials the emulators accept, and the local stack’s region', () => {
    // Act
    const env = lambdaEnvironment();

    // Assess
    expect(env.AWS_ACCESS_KEY_ID).toBe(LOCAL_CREDENTIALS.accessKeyId);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe(LOCAL_CREDENTIALS.secretAccessKey);
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_REGION).toBe(LOCAL_REGION);
  });
});

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const stages = steps.reduce<{ name: string; steps: typeof steps }[]>((acc, step) => {
    if (step.op === 'FROM')
      acc.push({ name: /\bAS\s+(\S+)/i.exec(step.args)?.[1] ?? `stage${acc.length}`, steps: [] });
    else acc.at(-1)?.steps.push(step);
    return acc;
  }, []);
  const argDefaults = Object.fromEntries(
    steps
      .filter((s) => s.op === 'ARG' && s.args.includes('='))
      .map((s) => s.args.split('=') as [string, string]),
  );
  const runtime = stages.at(-1)!;
  const build = stages[0]!;

  it('runs on the Lambda Node.js 22 base image with the bundle handler as CMD', () => {
    // Act
    const from = steps
      .filter((s) => s.op === 'FROM')
      .map((s) => interpolate(s.args.split(/\s+/)[0]!, argDefaults));

    // Assess
    expect(from.at(-1)).toBe('public.ecr.aws/lambda/nodejs:22');
    expect(from[0]).toMatch(/^node:22/);
    expect(runtime.steps.find((s) => s.op === 'CMD')?.args).toBe('["handler.handler"]');
  });

  it('copies into the runtime image only what the build stage produced (no sources, no dev dependencies)', () => {
    // Act
    const copies = runtime.steps.filter((s) => s.op === 'COPY' || s.op === 'ADD');

    // Assess
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).toMatch(/^--from=build\s/);
    expect(runtime.steps.some((s) => s.op === 'RUN')).toBe(false);
  });

  it('copies build inputs that exist and that .dockerignore lets into the context', () => {
    // Prepare
    const ignore = dockerignore().add(
      read('.dockerignore')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
    const sources = build.steps
      .filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))
      .flatMap((s) => s.args.split(/\s+/).slice(0, -1));

    // Act
    const missing = sources.filter((source) => !fs.existsSync(path.join(REPO_ROOT, source)));
    const excluded = sources.filter((source) => {
      const stat = fs.statSync(path.join(REPO_ROOT, source));
      const files = stat.isDirectory()
        ? fs
            .readdirSync(path.join(REPO_ROOT, source), { recursive: true, encoding: 'utf8' })
            .map((f) => path.posix.join(source, f))
        : [source];
      return files.every((file) => ignore.ignores(file.replace(/\/$/, '')));
    });

    // Assess
    expect(sources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', '.npmrc', 'functions']),
    );
    expect(missing).toEqual([]);
    expect(excluded).toEqual([]);
  });

  it("skips onnxruntime-node's CUDA download in npm ci whatever the npm version, with .npmrc in place", () => {
    // Act
    const npmrcAt = build.steps.findIndex((s) => s.op === 'COPY' && s.args.split(/\s+/).includes('.npmrc'));
    const ciAt = build.steps.findIndex((s) => s.op === 'RUN' && /\bnpm ci\b/.test(s.args));
    const ci = build.steps[ciAt];

    // Assess: npm >= 11.16 honours package.json's allowScripts denial; the image's npm may be older, so the script's
    // own variable must be set on the npm ci command itself (docs/development.md).
    expect(ci?.args).toMatch(/^ONNXRUNTIME_NODE_INSTALL=skip npm ci\b/);
    expect(npmrcAt).toBeGreaterThanOrEqual(0);
    expect(npmrcAt).toBeLessThan(ciAt);
  });

  it('keeps secrets, tests, data and build output out of the build context', () => {
    // Prepare
    const ignore = dockerignore().add(
      read('.dockerignore')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );

    // Act
    const leaked = [
      '.git/HEAD',
      'node_modules/zod/package.json',
      'dist/handler.js',
      'infra/cdktf.out/manifest.json',
      '.env',
      '.env.local',
      'functions/.env',
      'functions/credentials',
      'model/data/winequality-white.csv',
      `model/artifacts/${DEFAULT_RUN_ID}/model.onnx`,
      'test/unit/docker/containerContract.test.ts',
      'README.md',
    ].filter((file) => !ignore.ignores(file));

    // Assess
    expect(leaked).toEqual([]);
  });
});
