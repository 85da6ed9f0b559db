import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_RUN_ID, runDir } from '../../../model/src/artifacts';
import { resetModelCache } from '../../../functions/adapters/modelLoader';
import { parseConfig } from '../../../functions/config';
import { createKinesisPredictionSink } from '../../../functions/adapters/kinesisPredictionSink';
import { createTelemetry } from '../../../functions/adapters/observability';
import { createS3QuarantineSink } from '../../../functions/adapters/s3QuarantineSink';
import { createDefaultHandler, createHandler } from '../../../functions/handler';
import { fakeScorer, kinesisEvent, sequenceNumber, signatureFor, winePayload } from '../../helpers/factories';

jest.setTimeout(30_000);

const kinesis = mockClient(KinesisClient);
const s3 = mockClient(S3Client);
const event = kinesisEvent([
  { payload: winePayload({ features: ['alcohol', 'volatile acidity', 'sulphates'] }) },
  { payload: { wine_features: { alcohol: 'high' } } },
]);

beforeAll(() => {
  process.env.AWS_REGION ??= 'us-east-1';
  // Powertools writes JSON logs and EMF to stdout/stderr; other tests assert on them, here they are noise.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => jest.restoreAllMocks());
beforeEach(() => {
  kinesis.reset();
  s3.reset();
  resetModelCache();
});

describe('default wiring', () => {
  it('with TEST_RUN=True makes no AWS write at all and returns the results', async () => {
    // Prepare
    const handle = createDefaultHandler(
      parseConfig({ MODEL_LOCATION: runDir(DEFAULT_RUN_ID), TEST_RUN: 'True' }),
    );

    // Act
    const response = await handle(event);

    // Assess
    expect(kinesis.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(response.batchItemFailures).toEqual([]);
    expect(response.predictions?.map((p) => [p.version, p.source.sequence_number])).toEqual([
      [DEFAULT_RUN_ID, sequenceNumber(1)],
    ]);
    expect(response.rejected?.map((r) => r.reason)).toEqual(['invalid_value']);
  });

  it('writes predictions to the configured stream and rejections to the configured quarantine', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    s3.on(PutObjectCommand).resolves({});
    const handle = createDefaultHandler(
      parseConfig({
        MODEL_LOCATION: runDir(DEFAULT_RUN_ID),
        PREDICTIONS_STREAM_NAME: 'wine-predictions',
        QUARANTINE_LOCATION: 's3://wine-quarantine/bad',
      }),
    );

    // Act
    const response = await handle(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.StreamName)).toEqual([
      'wine-predictions',
    ]);
    expect(
      s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key]),
    ).toEqual([
      [
        'wine-quarantine',
        expect.stringMatching(
          new RegExp(`^bad/\\d{4}/\\d{2}/\\d{2}/shardId-000000000000/${sequenceNumber(2)}\\.json$`),
        ),
      ],
    ]);
  });
});

describe('real sinks behind the handler', () => {
  it('reports exactly the records whose predictions stay throttled, and quarantines the bad one', async () => {
    // Prepare
    const hot = new Set(['1', '4']);
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: { PartitionKey: string }[] }) =>
      Promise.resolve({
        FailedRecordCount: input.Records.filter((r) => hot.has(r.PartitionKey)).length,
        Records: input.Records.map((r) =>
          hot.has(r.PartitionKey)
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
            : { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
        ),
      }),
    );
    s3.on(PutObjectCommand).resolves({});
    const signature = signatureFor('seed3');
    const logger = { warn: jest.fn(), error: jest.fn() };
    const handle = createHandler({
      loadModel: () =>
        Promise.resolve({ signature, scorer: fakeScorer(signature.classes), location: 'test', loadMs: 0 }),
      output: {
        kind: 'write',
        predictions: createKinesisPredictionSink({
          client: new KinesisClient({ region: 'us-east-1' }),
          streamName: 'wine-predictions',
          logger,
          sleep: () => Promise.resolve(),
        }),
        quarantine: createS3QuarantineSink({
          client: new S3Client({ region: 'us-east-1' }),
          location: { bucket: 'wine-models', prefix: 'quarantine' },
          logger,
        }),
      },
      telemetry: createTelemetry(),
    });
    const valid = { payload: winePayload({ features: signature.features }) };
    const event = kinesisEvent([valid, valid, { data: '!!' }, valid, valid]); // partition keys '0'…'4', sequence numbers 1…5

    // Act
    const response = await handle(event);

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceNumber(2) },
      { itemIdentifier: sequenceNumber(5) },
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(kinesis.commandCalls(PutRecordsCommand).length).toBeGreaterThan(1);
  });
});
