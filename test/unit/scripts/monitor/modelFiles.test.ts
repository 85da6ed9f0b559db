import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RUN_ID, runDir } from '../../../../model/src/artifacts';
import { ARTIFACT_FILES } from '../../../../model/src/contract';
import { loadReportModel, ReportModelError } from '../../../../scripts/monitor/modelFiles';

const s3 = mockClient(S3Client);

describe('report model files', () => {
  let dir: string;

  beforeEach(() => {
    s3.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-model-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads signature, reference and the held-out predictions of a committed run folder', async () => {
    // Act
    const model = await loadReportModel({ kind: 'local', directory: runDir(DEFAULT_RUN_ID) }, undefined);

    // Assess
    expect(model.signature.run_id).toBe(DEFAULT_RUN_ID);
    expect(model.referenceLocation).toBe(path.join(runDir(DEFAULT_RUN_ID), ARTIFACT_FILES.reference));
    expect([...(model.heldOutPredictions?.values() ?? [])].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('names the missing reference and why the report needs it', async () => {
    // Prepare
    fs.copyFileSync(
      path.join(runDir(DEFAULT_RUN_ID), ARTIFACT_FILES.signature),
      path.join(dir, ARTIFACT_FILES.signature),
    );

    // Act
    const loading = loadReportModel({ kind: 'local', directory: dir }, undefined);

    // Assess
    await expect(loading).rejects.toThrow(ReportModelError);
    await expect(loading).rejects.toThrow(
      `${dir}${path.sep}${ARTIFACT_FILES.reference} does not exist: the report compares live traffic with it`,
    );
  });

  it('reads an S3 folder through the function’s reader, treating a missing metrics.json as absent', async () => {
    // Prepare
    const body = (file: string) => ({
      Body: {
        transformToByteArray: () => Promise.resolve(fs.readFileSync(path.join(runDir(DEFAULT_RUN_ID), file))),
      },
    });
    s3.on(GetObjectCommand, { Key: `m/${ARTIFACT_FILES.signature}` }).resolves(
      body(ARTIFACT_FILES.signature) as never,
    );
    s3.on(GetObjectCommand, { Key: `m/${ARTIFACT_FILES.reference}` }).resolves(
      body(ARTIFACT_FILES.reference) as never,
    );
    s3.on(GetObjectCommand, { Key: `m/${ARTIFACT_FILES.metrics}` }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );

    // Act
    const model = await loadReportModel(
      { kind: 's3', bucket: 'wine-models', prefix: 'm' },
      new S3Client({ region: 'us-east-1' }),
    );

    // Assess
    expect(model.referenceLocation).toBe(`s3://wine-models/m/${ARTIFACT_FILES.reference}`);
    expect(model.heldOutPredictions).toBeUndefined();
  });
});
