import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ReadyModel } from '../../../functions/adapters/modelLoader';
import type { PredictionSink, QuarantineSink } from '../../../functions/core/sinks';
import type { Scorer } from '../../../functions/core/scorer';
import { InvalidEventError, ModelNotFoundError, ScoringError } from '../../../functions/errors';
import { createHandler, type HandlerDependencies } from '../../../functions/handler';
import {
  fakeScorer,
  kinesisEvent,
  RUN_ID,
  sequenceNumber,
  SHARD_ID,
  signatureFor,
  winePayload,
  type RecordOptions,
} from '../../helpers/factories';

const signature = signatureFor('seed3');
const valid = (alcohol = 9): RecordOptions => ({
  payload: winePayload({ features: signature.features, overrides: { alcohol } }),
});

/** Powertools' JSON log lines and EMF blobs, parsed from what they write to stdout and stderr during `act`. */
async function captureOutput<T>(
  act: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const collect = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n'))
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  try {
    return { result: await act(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function model(scorer: Scorer = fakeScorer(signature.classes)): ReadyModel {
  return { signature, scorer, location: 's3://wine-models/x/', loadMs: 123 };
}

function telemetry() {
  return {
    logger: new Logger({ serviceName: 'test' }),
    metrics: new Metrics({ serviceName: 'test', namespace: 'Test' }),
  };
}

function sinks(failures: { predictions?: string[]; quarantine?: string[] } = {}) {
  const written = { predictions: [] as string[], quarantine: [] as string[] };
  const predictions: PredictionSink = {
    write: (items) => {
      written.predictions.push(...items.map((p) => p.source.sequence_number));
      const failed = items.filter((p) => failures.predictions?.includes(p.source.sequence_number));
      return Promise.resolve({ failed: failed.map((p) => p.source), retries: failed.length });
    },
  };
  const quarantine: QuarantineSink = {
    write: (documents) => {
      written.quarantine.push(...documents.map((d) => d.source.sequence_number));
      const failed = documents.filter((d) => failures.quarantine?.includes(d.source.sequence_number));
      return Promise.resolve({ failed: failed.map((d) => d.source), retries: 0 });
    },
  };
  return { written, output: { kind: 'write' as const, predictions, quarantine } };
}

function handlerWith(overrides: Partial<HandlerDependencies> = {}) {
  const loaded = model();
  return createHandler({
    loadModel: () => Promise.resolve(loaded),
    output: { kind: 'dry-run' },
    telemetry: telemetry(),
    ...overrides,
  });
}

describe('handler', () => {
  it('in a dry run returns the predictions and rejections in input order that it would otherwise write', async () => {
    // Prepare
    const { written, output } = sinks();
    const dryRun = handlerWith();
    const writing = handlerWith({ output });
    const event = kinesisEvent([valid(), { data: '@@@' }, valid()]);

    // Act
    const { result: response } = await captureOutput(() => dryRun(event));
    await captureOutput(() => writing(event));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(response.predictions?.map((p) => p.source.sequence_number)).toEqual([
      sequenceNumber(1),
      sequenceNumber(3),
    ]);
    expect(response.predictions?.every((p) => p.version === RUN_ID)).toBe(true);
    expect(response.rejected).toEqual([
      {
        reason: 'invalid_base64',
        detail: 'record data is not valid base64',
        source: { shard_id: SHARD_ID, sequence_number: sequenceNumber(2), partition_key: '1' },
      },
    ]);
    // The same event through writing sinks: the dry run's results are exactly what would have been written.
    expect(written.predictions).toEqual([sequenceNumber(1), sequenceNumber(3)]);
    expect(written.quarantine).toEqual([sequenceNumber(2)]);
  });

  it('quarantines poison records without reporting them, so they never block the shard', async () => {
    // Prepare
    const { written, output } = sinks();
    const handle = handlerWith({ output });

    // Act
    const { result: response } = await captureOutput(() =>
      handle(kinesisEvent([{ payload: 'nope' }, valid()])),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(written.quarantine).toEqual([sequenceNumber(1)]);
  });

  it('reports exactly the records whose prediction or quarantine write failed, in input order', async () => {
    // Prepare
    const { output } = sinks({
      predictions: [sequenceNumber(4), sequenceNumber(1)],
      quarantine: [sequenceNumber(2)],
    });
    const handle = handlerWith({ output });
    const event = kinesisEvent([valid(), { payload: '[]' }, valid(), valid(), { payload: 'x' }]);

    // Act
    const { result: response } = await captureOutput(() => handle(event));

    // Assess
    expect(response).toEqual({
      batchItemFailures: [sequenceNumber(1), sequenceNumber(2), sequenceNumber(4)].map((itemIdentifier) => ({
        itemIdentifier,
      })),
    });
  });

  it('fails the whole batch when the model cannot be loaded', async () => {
    // Prepare
    const handle = handlerWith({
      loadModel: () =>
        Promise.reject(new ModelNotFoundError('s3://wine-models/1/x/artifacts/model/model.onnx')),
    });

    // Act
    const { result: outcome } = await captureOutput(() =>
      handle(kinesisEvent([valid()])).catch((e: unknown) => e),
    );

    // Assess
    expect(outcome).toBeInstanceOf(ModelNotFoundError);
  });

  it('fails the whole batch when scoring throws, and writes nothing', async () => {
    // Prepare
    const { written, output } = sinks();
    const broken: Scorer = { score: () => Promise.reject(new ScoringError('session.run failed')) };
    const handle = handlerWith({ loadModel: () => Promise.resolve(model(broken)), output });

    // Act
    const { result: outcome, lines } = await captureOutput(() =>
      handle(kinesisEvent([valid(), { data: '!' }])).catch((e: unknown) => e),
    );

    // Assess
    expect(outcome).toBeInstanceOf(ScoringError);
    expect(written).toEqual({ predictions: [], quarantine: [] });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'batch failed; Lambda will retry it' }),
    );
  });

  it('refuses an event that is not a Kinesis event', async () => {
    // Prepare
    const handle = handlerWith();

    // Act
    const outcome = handle({ Records: [{ body: 'sqs?' }] } as never);

    // Assess
    await expect(outcome).rejects.toThrow(InvalidEventError);
    await expect(outcome).rejects.toThrow(/Records\[0\] is not a Kinesis record/);
  });

  it('logs the cold start once, one line per rejected record and one summary per batch, with EMF metrics', async () => {
    // Prepare
    const handle = handlerWith();
    const event = kinesisEvent([valid(), { payload: '{"wine_features": 1}' }, { data: '=' }]);

    // Act
    const { lines } = await captureOutput(async () => {
      await handle(event);
      await handle(event);
    });

    // Assess
    const messages = lines.filter((l) => 'message' in l).map((l) => l.message);
    expect(messages).toEqual([
      'model loaded',
      'record rejected',
      'record rejected',
      'batch processed',
      'record rejected',
      'record rejected',
      'batch processed',
    ]);
    expect(lines.find((l) => l.message === 'model loaded')).toMatchObject({ run_id: RUN_ID, load_ms: 123 });
    expect(lines.find((l) => l.message === 'batch processed')).toMatchObject({
      received: 3,
      predicted: 1,
      rejected: 2,
      rejected_by_reason: { not_object: 1, invalid_base64: 1 },
      batch_item_failures: 0,
    });
    const emf = lines.filter((l) => '_aws' in l);
    const batchMetrics = emf.find((l) => 'RecordsReceived' in l);
    expect(batchMetrics).toMatchObject({
      RecordsReceived: 3,
      RecordsPredicted: 1,
      RecordsRejected: 2,
      BatchSize: 3,
      PutRecordsRetries: 0,
      ModelLoadTime: 123,
    });
    expect(batchMetrics).toHaveProperty('InferenceLatency');
    expect(emf.filter((l) => l.reason !== undefined).map((l) => [l.reason, l.RecordsRejected])).toEqual(
      expect.arrayContaining([
        ['not_object', 1],
        ['invalid_base64', 1],
      ]),
    );
  });
});
