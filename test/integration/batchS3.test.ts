/**
 * Batch inference against S3 (s3rver): `npm run predict` reading and writing s3:// locations (streamed GetObject,
 * multipart Upload), and the S3-triggered batch handler with the committed model: outputs at the derived keys, and
 * refusals (too large, bad file, out of time) that leave no output behind, with their log line and metric.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createS3Client } from '../../functions/adapters/aws-clients';
import { loadModel, type LoadedModel } from '../../functions/adapters/modelLoader';
import type { Telemetry } from '../../functions/adapters/observability';
import { createBatchHandler } from '../../functions/batch';
import type { FilePredictionEvent, RejectLine } from '../../functions/batch/outputs';
import { BatchMetricName } from '../../functions/contract/metrics';
import { DEFAULT_RUN_ID, REPO_ROOT, runDir } from '../../model';
import { parsePredictArgs, type PredictOptions } from '../../scripts/batch/options';
import type { PredictReport } from '../../scripts/batch/report';
import { runPredict } from '../../scripts/batch/run';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startS3rver,
  type Emulator,
} from '../../scripts/emulators/emulators';
import { objectCreatedEvent } from '../../scripts/local-stack/batchTrigger';

jest.setTimeout(60_000);

const BUCKET = 'wine-models';
const RED = fs.readFileSync(path.join(REPO_ROOT, 'model/data/winequality-red.csv'));

/** Telemetry that records what the handler logs and which metrics it adds. */
function recordingTelemetry() {
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const metrics: { name: string; value: number; dimension?: [string, string] }[] = [];
  const log =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      logs.push({ level, message, extra });
  const telemetry = {
    logger: { info: log('INFO'), warn: log('WARN'), error: log('ERROR'), addContext: () => undefined },
    metrics: {
      addMetric: (name: string, _unit: string, value: number) => metrics.push({ name, value }),
      singleMetric: () => {
        let dimension: [string, string] | undefined;
        const single = {
          addDimension: (key: string, value: string) => {
            dimension = [key, value];
            return single;
          },
          addMetric: (name: string, _unit: string, value: number) => {
            metrics.push({ name, value, ...(dimension ? { dimension } : {}) });
            return single;
          },
        };
        return single;
      },
      publishStoredMetrics: () => undefined,
    },
  } as unknown as Telemetry;
  return { telemetry, logs, metrics };
}

describe('batch inference on S3 (s3rver)', () => {
  let emulator: Emulator;
  let dir: string;
  let s3: S3Client;
  let model: LoadedModel;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-s3-'));
    emulator = await startS3rver({ directory: path.join(dir, 's3'), buckets: [BUCKET] });
    s3 = createS3Client({
      endpoint: emulator.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    model = await loadModel({ kind: 'local', directory: runDir(DEFAULT_RUN_ID) }, { intraOpNumThreads: 1 });
  });

  afterAll(async () => {
    await model.scorer.session.release();
    s3.destroy();
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const put = (key: string, body: Buffer | string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const read = async (key: string) =>
    (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ??
    '';
  const keys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
      (c) => c.Key,
    );
  const lines = (text: string) => text.split('\n').filter((l) => l !== '');

  it('npm run predict streams an s3:// input to s3:// outputs, the rejects beside the output', async () => {
    // Prepare: the red-wine file 8 times over (≈ 12,800 rows, > one 5 MiB upload part as JSON Lines).
    const big = Buffer.concat([RED, ...Array.from({ length: 7 }, () => RED.subarray(RED.indexOf(10) + 1))]);
    await put('in/red8.csv', big);
    const options = parsePredictArgs(
      [
        '--input',
        `s3://${BUCKET}/in/red8.csv`,
        '--output',
        `s3://${BUCKET}/out/red8.jsonl`,
        '--json',
        '--no-progress',
      ],
      {},
    ) as PredictOptions;
    let stdout = '';
    let stderr = '';

    // Act
    const code = await runPredict(options, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      s3,
    });

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as PredictReport;
    expect(report).toMatchObject({ rows: 1599 * 8, predicted: 1599 * 8, rejected: 0 });
    const events = lines(await read('out/red8.jsonl')).map((l) => JSON.parse(l) as FilePredictionEvent);
    expect(events.map((e) => e.source.line)).toEqual(Array.from({ length: 1599 * 8 }, (_, i) => i + 2));
    expect(events[0]?.source.file).toBe(`s3://${BUCKET}/in/red8.csv`);
    expect(await read('out/red8.rejects.jsonl')).toBe('');
  });

  it('the batch handler scores a dropped file into batch/output/ and batch/rejects/ and reports it', async () => {
    // Prepare
    const csv = 'alcohol;volatile acidity;sulphates\n9.4;0.7;0.56\n9.4;-0.7;0.56\n11;0.3;0.6\n';
    await put('batch/input/2024/mixed.csv', csv);
    const { telemetry, logs, metrics } = recordingTelemetry();
    const handle = createBatchHandler({
      config: { maxObjectBytes: 1024 * 1024, batchSize: 2, timeMarginMs: 1_000 },
      loadModel: () => Promise.resolve(model),
      s3,
      telemetry,
    });

    // Act
    const { files } = await handle(objectCreatedEvent(BUCKET, 'batch/input/2024/mixed.csv', csv.length));

    // Assess
    expect(files).toEqual([
      expect.objectContaining({
        status: 'scored',
        output: `s3://${BUCKET}/batch/output/2024/mixed.csv.predictions.jsonl`,
        rejects: `s3://${BUCKET}/batch/rejects/2024/mixed.csv.jsonl`,
        rows: 3,
        predicted: 2,
        rejected: 1,
      }),
    ]);
    const events = lines(await read('batch/output/2024/mixed.csv.predictions.jsonl')).map(
      (l) => JSON.parse(l) as FilePredictionEvent,
    );
    expect(events.map((e) => e.source.line)).toEqual([2, 4]);
    const [reject] = lines(await read('batch/rejects/2024/mixed.csv.jsonl')).map(
      (l) => JSON.parse(l) as RejectLine,
    );
    expect(reject).toMatchObject({ source: { line: 3 }, reason: 'invalid_value' });
    expect(logs.map((l) => l.message)).toEqual(['batch file scored']);
    expect(metrics).toEqual(
      expect.arrayContaining([
        { name: BatchMetricName.filesScored, value: 1 },
        { name: BatchMetricName.rowsPredicted, value: 2 },
        { name: BatchMetricName.rowsRejected, value: 1 },
      ]),
    );
  });

  it.each([
    [
      'too large for one invocation',
      'big.csv',
      { maxObjectBytes: 10, timeMarginMs: 0 },
      'too_large',
      /is \d+ bytes, more than the 10-byte limit of one invocation \(BATCH_MAX_OBJECT_BYTES\): split it/,
    ],
    [
      'not valid CSV for the model',
      'bad.csv',
      { maxObjectBytes: 1024 * 1024, timeMarginMs: 0 },
      'invalid_file',
      /bad\.csv:1:3: the header has no column "volatile acidity"/,
    ],
    [
      'out of time',
      'late.csv',
      { maxObjectBytes: 1024 * 1024, timeMarginMs: 60_000 },
      'out_of_time',
      /ms of the invocation left, less than the 60000 ms margin \(BATCH_TIME_MARGIN_MS\): nothing was written/,
    ],
  ])(
    'refuses a file %s: one error line, a metric with the reason, no output',
    async (_name, file, limits, reason, message) => {
      // Prepare
      const body =
        file === 'bad.csv'
          ? 'alcohol,sulphates\n9.4,0.5\n'
          : 'alcohol;volatile acidity;sulphates\n9.4;0.7;0.56\n';
      await put(`batch/input/${file}`, body);
      const { telemetry, logs, metrics } = recordingTelemetry();
      const handle = createBatchHandler({
        config: { ...limits, batchSize: 1000 },
        loadModel: () => Promise.resolve(model),
        s3,
        telemetry,
      });

      // Act
      const { files } = await handle(objectCreatedEvent(BUCKET, `batch/input/${file}`, body.length), {
        getRemainingTimeInMillis: () => 30_000,
      });

      // Assess
      expect(files).toEqual([expect.objectContaining({ status: 'refused', reason })]);
      expect(logs).toEqual([
        {
          level: 'ERROR',
          message: 'batch file refused',
          extra: {
            input: `s3://${BUCKET}/batch/input/${file}`,
            reason,
            problem: expect.stringMatching(message) as unknown,
          },
        },
      ]);
      expect(metrics).toEqual([
        { name: BatchMetricName.filesRefused, value: 1 },
        { name: BatchMetricName.filesRefused, value: 1, dimension: ['reason', reason] },
      ]);
      expect(await keys(`batch/output/${file}`)).toEqual([]);
      expect(await keys(`batch/rejects/${file}`)).toEqual([]);
    },
  );
});
