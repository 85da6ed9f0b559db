import {
  memoryDestination,
  silentLogger,
  type BatchReport,
  type KinesisHandler,
} from '../../../../scripts/poller';
import type { ShardRecord } from '../../../../scripts/poller/event';
import { resolveMappingOptions } from '../../../../scripts/poller/options';
import { ShardConsumer } from '../../../../scripts/poller/shard-consumer';
import type { ShardReader } from '../../../../scripts/poller/shard-reader';
import { waitFor } from '../../../helpers/waitFor';

const record = (sequenceNumber: string): ShardRecord => ({
  sequenceNumber,
  partitionKey: 'k',
  data: Buffer.from('{}'),
  approximateArrivalTimestamp: new Date(),
});

/** A shard that yields two batches of two records, then ends. */
function twoBatchShard(): ShardReader {
  const reads = [
    { records: [record('1'), record('2')], ended: false, millisBehindLatest: 0 },
    { records: [record('3'), record('4')], ended: true, millisBehindLatest: 0 },
  ];
  return {
    shardId: 'shardId-000000000000',
    prime: () => Promise.resolve(),
    read: () => Promise.resolve(reads.shift() ?? { records: [], ended: true, millisBehindLatest: 0 }),
  } as unknown as ShardReader;
}

describe('a mapping that invokes an alias', () => {
  it('resolves it before every batch: the batch in flight finishes on the old version, the next runs the new one', async () => {
    // Prepare
    const seen: Record<string, string[]> = { '1': [], '2': [] };
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const version1: KinesisHandler = async (event) => {
      seen['1']?.push(...event.Records.map((r) => r.kinesis.sequenceNumber));
      await held;
      return { batchItemFailures: [] };
    };
    const version2: KinesisHandler = (event) => {
      seen['2']?.push(...event.Records.map((r) => r.kinesis.sequenceNumber));
      return Promise.resolve({ batchItemFailures: [] });
    };
    let alias = { version: '1', runId: 'run-a', handler: version1 };
    const reports: BatchReport[] = [];
    const consumer = new ShardConsumer({
      reader: twoBatchShard(),
      target: () => alias,
      options: {
        ...resolveMappingOptions({
          streamName: 'wine-input',
          startingPosition: 'TRIM_HORIZON',
          batchSize: 2,
          maximumRetryAttempts: 0,
          pollIntervalMs: 1,
          reportBatchItemFailures: true,
        }),
        mappingId: 'm',
      },
      source: {
        shardId: 'shardId-000000000000',
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/wine-input',
        awsRegion: 'us-east-1',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/r',
      },
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      destination: memoryDestination(),
      logger: silentLogger,
      observer: { onBatch: (report) => reports.push(report) },
    });

    // Act
    const running = consumer.run(new AbortController().signal);
    await waitFor(() => seen['1']?.length === 2, 'the first batch to reach version 1');
    alias = { version: '2', runId: 'run-b', handler: version2 };
    release();
    await running;

    // Assess
    expect(seen).toEqual({ '1': ['1', '2'], '2': ['3', '4'] });
    expect(reports.map((r) => [r.sequenceNumbers, r.executed])).toEqual([
      [['1', '2'], { version: '1', runId: 'run-a' }],
      [['3', '4'], { version: '2', runId: 'run-b' }],
    ]);
  });
});
