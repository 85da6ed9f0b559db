import { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { GetObjectCommand, NoSuchKey, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACT_FILES, DEFAULT_RUN_ID, readRuns, runDir } from '../../../../model';
import { compareRuns } from '../../../../scripts/lifecycle/comparison';
import { EXIT_CODES } from '../../../../scripts/lifecycle/errors';
import { openRun, resolveRun } from '../../../../scripts/lifecycle/runs';
import type { Target } from '../../../../scripts/lifecycle/target';
import { signatureFor } from '../../../helpers/factories';

jest.setTimeout(30_000);

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
const STRANGER = 'abcdefabcdefabcdefabcdefabcdef01';
const ELEVEN = readRuns().runs.all!;
/** A bucket name of its own, so the downloads of this test never meet another's. */
const BUCKET = `lookup-${process.pid}`;
const downloads = path.join(os.tmpdir(), 'wine-lifecycle-runs', BUCKET);

function body(bytes: Uint8Array | string): GetObjectCommandOutput['Body'] {
  const data = new Uint8Array(Buffer.from(bytes));
  return { transformToByteArray: () => Promise.resolve(data) } as unknown as GetObjectCommandOutput['Body'];
}

/** Serves `files` as the run's folder in the bucket; every other key is missing. */
function serveRun(runId: string, files: Record<string, Uint8Array | string>): void {
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  for (const [name, content] of Object.entries(files)) {
    s3.on(GetObjectCommand, { Key: `1/${runId}/artifacts/model/${name}` }).resolves({ Body: body(content) });
  }
}

const target: Target = {
  label: 'stage',
  functionName: 'wine-quality-stage-scorer',
  alias: 'live',
  inputStream: 'in',
  predictionsStream: 'out',
  lambda: new LambdaClient({ region: 'eu-west-1' }),
  kinesis: new KinesisClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
  who: () => Promise.resolve('ci'),
  destroy: () => undefined,
};
const store = { target, store: { bucket: BUCKET, experimentId: '1' } };

beforeEach(() => {
  lambda.reset();
  s3.reset();
});
afterAll(() => fs.rmSync(downloads, { recursive: true, force: true }));

describe('finding a run', () => {
  it('names both places it looked for an unknown run', async () => {
    // Prepare
    serveRun(STRANGER, {});

    // Act
    const attempt = resolveRun(STRANGER, store);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', exitCode: EXIT_CODES.usage });
    await expect(attempt).rejects.toThrow(
      `run ${STRANGER} is neither in model/artifacts/ nor in s3://${BUCKET}/1/${STRANGER}/artifacts/model/`,
    );
  });

  it('says there is no bucket to look in without --local or --env', async () => {
    // Act / Assess
    await expect(resolveRun(STRANGER, undefined)).rejects.toThrow(
      `run ${STRANGER} is not in model/artifacts/ (and without --local or --env there is no model bucket to look in)`,
    );
  });

  it('names the missing file of a malformed run folder', async () => {
    // Prepare
    serveRun(STRANGER, {
      [ARTIFACT_FILES.signature]: JSON.stringify(signatureFor('seed3', { run_id: STRANGER })),
    });

    // Act / Assess
    await expect(resolveRun(STRANGER, store)).rejects.toThrow(
      `run ${STRANGER} in s3://${BUCKET}/1/${STRANGER}/artifacts/model/ lacks model.onnx`,
    );
  });

  it('names the file and the problem of an invalid signature.json', async () => {
    // Prepare
    serveRun(STRANGER, { [ARTIFACT_FILES.signature]: '{"run_id": 1', [ARTIFACT_FILES.model]: 'x' });

    // Act
    const attempt = resolveRun(STRANGER, store);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'RUN_INVALID' });
    await expect(attempt).rejects.toThrow(/^run abcdef.*signature\.json is not valid JSON/);
  });

  it("refuses a model whose graph disagrees with its signature, with the function's own check", async () => {
    // Prepare: the 11-feature graph under a 3-feature signature
    serveRun(STRANGER, {
      [ARTIFACT_FILES.signature]: JSON.stringify(signatureFor('seed3', { run_id: STRANGER })),
      [ARTIFACT_FILES.model]: fs.readFileSync(path.join(runDir(ELEVEN), ARTIFACT_FILES.model)),
    });
    const run = await resolveRun(STRANGER, store);

    // Act
    const attempt = openRun(run);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'RUN_INVALID' });
    await expect(attempt).rejects.toThrow(
      /signature\.json does not match the ONNX graph: input "input" takes 11 features; signature lists 3/,
    );
  });

  it('refuses to compare runs whose classes differ, before scoring anything', async () => {
    // Prepare
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolves({ Environment: { Variables: { MODEL_BUCKET: BUCKET, EXPERIMENT_ID: '1' } } })
      .on(GetAliasCommand)
      .resolves({ FunctionVersion: '1' })
      .on(ListVersionsByFunctionCommand)
      .resolves({ Versions: [{ Version: '1', Environment: { Variables: { RUN_ID: DEFAULT_RUN_ID } } }] });
    serveRun(STRANGER, {
      [ARTIFACT_FILES.signature]: JSON.stringify(
        signatureFor('seed3', { run_id: STRANGER, classes: [4, 5, 6, 7, 8] }),
      ),
      [ARTIFACT_FILES.model]: 'not read',
    });

    // Act
    const attempt = compareRuns({ candidate: STRANGER, target, windowMinutes: 60 });

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'RUNS_INCOMPATIBLE', exitCode: EXIT_CODES.usage });
    await expect(attempt).rejects.toThrow(
      `signature mismatch: candidate ${STRANGER} predicts classes [4, 5, 6, 7, 8], baseline ${DEFAULT_RUN_ID} [3, 4, 5, 6, 7, 8, 9]`,
    );
  });
});
