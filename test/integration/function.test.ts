/**
 * The inference function against real emulators (kinesis-local and s3rver on free ports) with the committed default
 * model published to S3: records go onto an input stream, the exported `handler` is called with the Lambda events
 * built from what the stream returns (one per shard, as Lambda invokes), and the output stream and quarantine are read.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { DEFAULT_RUN_ID, runDir } from '../../model/src/artifacts';
import { DEFAULT_EXPERIMENT_ID, FEATURE_SETS } from '../../model/src/contract';
import { publishRun } from '../../model/src/publish';
import type { PredictionEvent } from '../../functions/core/types';
import type { QuarantineDocument } from '../../functions/core/quarantine';
// Importing reads no configuration: the exported handler parses the environment on its first call.
import { createDefaultHandler, handler, type FunctionResponse } from '../../functions/handler';
import { parseConfig } from '../../functions/config';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type Emulator,
  type KinesisMock,
} from '../../scripts/emulators/emulators';
import { ensureStream } from '../../scripts/emulators/streams';
import { winePayload } from '../helpers/factories';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators';

jest.setTimeout(60_000);

const INPUT = 'wine-input';
const OUTPUT = 'wine-predictions';
const BUCKET = 'wine-models';

/** Every valid record's customer id, and the bad payloads by the reason they must be quarantined with. */
const VALID = Array.from({ length: 24 }, (_, i) => i);
const INVALID: Record<string, Buffer> = {
  invalid_utf8: Buffer.from([0x7b, 0xff, 0x7d]),
  invalid_json: Buffer.from('{"wine_features":'),
  not_object: Buffer.from('[1,2,3]'),
  missing_feature: Buffer.from(JSON.stringify({ wine_features: { alcohol: 9 }, customer_id: 'm' })),
  invalid_value: Buffer.from(
    JSON.stringify(
      winePayload({ features: FEATURE_SETS.seed3, overrides: { alcohol: -1 }, customerId: 'v' }),
    ),
  ),
};

async function readStream(client: KinesisClient, stream: string): Promise<Map<string, _Record[]>> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  const byShard = new Map<string, _Record[]>();
  for (const { ShardId } of Shards) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    byShard.set(ShardId!, Records);
  }
  return byShard;
}

/** The Lambda event Lambda would deliver for these records of one shard. */
function lambdaEvent(shardId: string, records: _Record[]): KinesisStreamEvent {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey!,
        sequenceNumber: r.SequenceNumber!,
        data: Buffer.from(r.Data!).toString('base64'),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${r.SequenceNumber!}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
      awsRegion: LOCAL_REGION,
      eventSourceARN: `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${INPUT}`,
    })),
  };
}

describe('inference function on kinesis-local and s3rver', () => {
  let emulators: TestEmulators;
  let kinesisMock: KinesisMock;
  let s3rver: Emulator;
  let kinesis: KinesisClient;
  let s3: S3Client;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    emulators = await startTestEmulators('function-it', [BUCKET]);
    ({ kinesisMock, s3rver, kinesis, s3 } = emulators);
    await Promise.all([
      ensureStream(kinesis, INPUT, 2),
      ensureStream(kinesis, OUTPUT, 1),
      publishRun({
        client: s3,
        bucket: BUCKET,
        experimentId: DEFAULT_EXPERIMENT_ID,
        runId: DEFAULT_RUN_ID,
        dir: runDir(DEFAULT_RUN_ID),
      }),
    ]);
    // What the local stack's poller and the container set: the exported handler reads them on first call.
    Object.assign(process.env, {
      PREDICTIONS_STREAM_NAME: OUTPUT,
      MODEL_BUCKET: BUCKET,
      RUN_ID: DEFAULT_RUN_ID,
      AWS_ENDPOINT_URL_KINESIS: kinesisMock.endpoint,
      AWS_ENDPOINT_URL_S3: s3rver.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT', // the second test logs the quarantine failure it provokes
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });

  afterAll(async () => {
    process.env = savedEnv;
    await emulators.stop();
  });

  it('predicts every valid record exactly once and quarantines every invalid one', async () => {
    // Prepare
    const entries = [
      ...VALID.map((id) => ({
        PartitionKey: `customer-${id}`,
        Data: Buffer.from(JSON.stringify(winePayload({ features: FEATURE_SETS.seed3, customerId: id }))),
      })),
      ...Object.entries(INVALID).map(([reason, Data]) => ({ PartitionKey: `bad-${reason}`, Data })),
    ];
    const put = await kinesis.send(new PutRecordsCommand({ StreamName: INPUT, Records: entries }));
    expect(put.FailedRecordCount).toBe(0);
    const input = await readStream(kinesis, INPUT);

    // Act
    const responses: FunctionResponse[] = [];
    for (const [shardId, records] of input) {
      if (records.length > 0) responses.push(await handler(lambdaEvent(shardId, records)));
    }

    // Assess
    expect(responses).toHaveLength(2); // the fixed partition keys hash onto both input shards
    expect(responses.flatMap((r) => r.batchItemFailures)).toEqual([]);

    const inputBySequence = new Map(
      [...input].flatMap(([shardId, records]) =>
        records.map((r) => [r.SequenceNumber!, { shardId, record: r }]),
      ),
    );
    const output = [...(await readStream(kinesis, OUTPUT)).values()].flat();
    const predictions = output.map((r) => ({
      partitionKey: r.PartitionKey ?? '',
      event: JSON.parse(Buffer.from(r.Data!).toString('utf8')) as PredictionEvent,
    }));
    expect(predictions).toHaveLength(VALID.length);
    expect(new Set(predictions.map((p) => p.event.source.sequence_number)).size).toBe(VALID.length);
    for (const { partitionKey, event } of predictions) {
      const source = inputBySequence.get(event.source.sequence_number);
      expect(source).toBeDefined();
      expect(event.source).toEqual({
        shard_id: source!.shardId,
        sequence_number: source!.record.SequenceNumber,
        partition_key: source!.record.PartitionKey,
      });
      expect(partitionKey).toBe(source!.record.PartitionKey);
      expect(event.prediction.customer_id).toBe(Number(partitionKey.replace('customer-', '')));
      expect(event.version).toBe(DEFAULT_RUN_ID);
      const sum = Object.values(event.prediction.probabilities).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 4);
    }

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'quarantine/' }));
    const documents = await Promise.all(
      (listed.Contents ?? []).map(async ({ Key }) => {
        const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        return {
          key: Key!,
          document: JSON.parse(await object.Body!.transformToString()) as QuarantineDocument,
        };
      }),
    );
    expect(documents.map((d) => d.document.reason).sort()).toEqual(Object.keys(INVALID).sort());
    for (const { key, document } of documents) {
      const source = inputBySequence.get(document.source.sequence_number)!;
      expect(document.source.partition_key).toBe(`bad-${document.reason}`);
      expect(key).toMatch(
        new RegExp(
          `^quarantine/\\d{4}/\\d{2}/\\d{2}/${source.shardId}/${document.source.sequence_number}\\.json$`,
        ),
      );
      expect(Buffer.from(document.data_base64, 'base64').equals(INVALID[document.reason]!)).toBe(true);
      expect(document.run_id).toBe(DEFAULT_RUN_ID);
    }
  });

  it('reports exactly the rejected records whose quarantine write failed, and none of the predicted ones', async () => {
    // Prepare
    const entries = [
      {
        PartitionKey: 'ok',
        Data: Buffer.from(JSON.stringify(winePayload({ features: FEATURE_SETS.seed3 }))),
      },
      { PartitionKey: 'ok', Data: INVALID.invalid_json! },
    ];
    await kinesis.send(new PutRecordsCommand({ StreamName: INPUT, Records: entries }));
    const [shardId, records] = [...(await readStream(kinesis, INPUT))].find(([, r]) =>
      r.some(
        (record) => Buffer.from(record.Data!).equals(INVALID.invalid_json!) && record.PartitionKey === 'ok',
      ),
    )!;
    const batch = records.filter((r) => r.PartitionKey === 'ok');
    const handle = createDefaultHandler(
      parseConfig({ ...process.env, QUARANTINE_LOCATION: 's3://no-such-bucket/q' }),
    );

    // Act
    const response = await handle(lambdaEvent(shardId, batch));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch[1]!.SequenceNumber }]);
  });
});
