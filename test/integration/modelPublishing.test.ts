import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readRuns, runDir } from '../../model/src/artifacts';
import { ARTIFACT_FILES, modelPrefix } from '../../model/src/contract';
import { ArtifactError } from '../../model/src/errors';
import { listRuns, publishRun } from '../../model/src/publish';
import { LOCAL_REGION, startS3rver, type Emulator } from '../../scripts/emulators/emulators';
import { REPO_ROOT } from '../helpers/paths';
import { emulatorS3Client } from '../../scripts/emulators/clients';

jest.setTimeout(60_000);

const run = promisify(execFile);
const BUCKET = 'models';

describe('model publishing (s3rver)', () => {
  let s3: Emulator;
  let dir: string;
  const runs = readRuns();
  const seed3 = runs.runs.seed3!;
  const all = runs.runs.all!;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-publish-'));
    s3 = await startS3rver({ directory: path.join(dir, 's3'), buckets: [BUCKET] });
  });

  afterAll(async () => {
    await s3.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = () => emulatorS3Client(s3.endpoint);

  it('uploads a run folder to the MLflow layout, byte for byte', async () => {
    // Prepare
    const s3Client = client();

    // Act
    const published = await publishRun({
      client: s3Client,
      bucket: BUCKET,
      experimentId: '1',
      runId: seed3,
      dir: runDir(seed3),
    });

    // Assess
    expect(published.uri).toBe(`s3://${BUCKET}/1/${seed3}/artifacts/model/`);
    expect([...published.keys].sort()).toEqual(
      Object.values(ARTIFACT_FILES)
        .map((name) => `${modelPrefix('1', seed3)}${name}`)
        .sort(),
    );
    const object = await s3Client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${modelPrefix('1', seed3)}${ARTIFACT_FILES.model}` }),
    );
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(bytes.equals(fs.readFileSync(path.join(runDir(seed3), ARTIFACT_FILES.model)))).toBe(true);
  });

  it('lists published runs with their accuracy and flags incomplete folders', async () => {
    // Prepare: a second experiment holding the 11-feature run, whose model card then goes missing
    const s3Client = client();
    await publishRun({ client: s3Client, bucket: BUCKET, experimentId: '2', runId: all, dir: runDir(all) });
    const metrics = JSON.parse(fs.readFileSync(path.join(runDir(all), ARTIFACT_FILES.metrics), 'utf8')) as {
      test: { accuracy: number; macro_f1: number };
    };
    await s3Client.send(
      new DeleteObjectCommand({
        Bucket: BUCKET,
        Key: `${modelPrefix('2', all)}${ARTIFACT_FILES.card}`,
      }),
    );

    // Act
    const listed = await listRuns({ client: s3Client, bucket: BUCKET });
    const onlyTwo = await listRuns({ client: s3Client, bucket: BUCKET, experimentId: '2' });

    // Assess
    expect(listed.map((r) => [r.experimentId, r.runId, r.complete])).toEqual(
      expect.arrayContaining([
        ['1', seed3, true],
        ['2', all, false],
      ]),
    );
    expect(onlyTwo).toEqual([
      {
        experimentId: '2',
        runId: all,
        featureSet: 'all',
        accuracy: metrics.test.accuracy,
        macroF1: metrics.test.macro_f1,
        complete: false,
      },
    ]);
  });

  it('refuses a folder whose signature names another run', async () => {
    // Act
    const attempt = publishRun({
      client: client(),
      bucket: BUCKET,
      experimentId: '1',
      runId: all,
      dir: runDir(seed3),
    });

    // Assess
    await expect(attempt).rejects.toThrow(ArtifactError);
    await expect(attempt).rejects.toThrow(`holds run ${seed3}, not ${all}`);
  });

  it('publishes and lists through the npm CLIs', async () => {
    // Prepare
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: LOCAL_REGION,
    };
    const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
    const flags = ['--bucket', BUCKET, '--endpoint-url', s3.endpoint];

    // Act
    const published = await run(
      tsx,
      ['scripts/models/publish.ts', '--run-id', all, '--experiment', '7', ...flags],
      {
        cwd: REPO_ROOT,
        env,
      },
    );
    const listed = await run(tsx, ['scripts/models/list.ts', '--experiment', '7', ...flags], {
      cwd: REPO_ROOT,
      env,
    });

    // Assess
    expect(published.stdout).toContain(`published 5 files to s3://${BUCKET}/7/${all}/artifacts/model/`);
    expect(listed.stdout).toMatch(new RegExp(`7\\s+${all}\\s+all\\s+0\\.\\d{3}\\s+0\\.\\d{3}\\s+yes`));
  });
});
