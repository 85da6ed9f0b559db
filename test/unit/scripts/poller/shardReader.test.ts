import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { silentLogger } from '../../../../scripts/poller/logger';
import { ShardReader } from '../../../../scripts/poller/shard-reader';

const kinesis = mockClient(KinesisClient);
const record = (sequenceNumber: string) => ({
  SequenceNumber: sequenceNumber,
  PartitionKey: 'k',
  Data: new Uint8Array([1]),
  ApproximateArrivalTimestamp: new Date(),
});

/** A reader of `stream`/`shardId-0` from TRIM_HORIZON on the mocked client. */
function trimHorizonReader(): ShardReader {
  return new ShardReader(new KinesisClient({}), 'stream', 'shardId-0', 'TRIM_HORIZON', silentLogger);
}

describe('shard reader', () => {
  beforeEach(() => kinesis.reset());

  it('re-acquires an expired iterator after the last record it returned, without losing or repeating records', async () => {
    // Prepare
    kinesis
      .on(GetShardIteratorCommand, { ShardIteratorType: 'TRIM_HORIZON' })
      .resolves({ ShardIterator: 'it-1' })
      .on(GetShardIteratorCommand, {
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: '11',
      })
      .resolves({ ShardIterator: 'it-3' });
    kinesis
      .on(GetRecordsCommand, { ShardIterator: 'it-1' })
      .resolves({ Records: [record('10'), record('11')], NextShardIterator: 'it-2', MillisBehindLatest: 0 })
      .on(GetRecordsCommand, { ShardIterator: 'it-2' })
      .rejects(new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} }))
      .on(GetRecordsCommand, { ShardIterator: 'it-3' })
      .resolves({ Records: [record('12')], NextShardIterator: 'it-4', MillisBehindLatest: 0 });
    const reader = trimHorizonReader();
    const signal = new AbortController().signal;

    // Act
    const reads = [
      await reader.read(10, signal),
      await reader.read(10, signal),
      await reader.read(10, signal),
    ];

    // Assess
    expect(reads.map((r) => r.records.map((x) => x.sequenceNumber))).toEqual([['10', '11'], [], ['12']]);
    expect(reads[1]?.unavailable).toBeUndefined();
  });

  it('backs off and reports the shard unavailable while Kinesis cannot be reached, then resumes from its position', async () => {
    // Prepare
    kinesis
      .on(GetShardIteratorCommand)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4568'), { code: 'ECONNREFUSED' }))
      .resolves({ ShardIterator: 'it-1' });
    kinesis
      .on(GetRecordsCommand)
      .resolves({ Records: [record('20')], NextShardIterator: 'it-2', MillisBehindLatest: 0 });
    const messages: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (m: string) => messages.push(m),
      info: (m: string) => messages.push(m),
    };
    const reader = new ShardReader(new KinesisClient({}), 'stream', 'shardId-0', 'LATEST', logger);
    const signal = new AbortController().signal;

    // Act
    const down = await reader.read(10, signal);
    const up = await reader.read(10, signal);

    // Assess
    expect(down).toMatchObject({ records: [], unavailable: true });
    expect(up.records.map((r) => r.sequenceNumber)).toEqual(['20']);
    expect(messages[0]).toMatch(
      /reading stream\/shardId-0 failed \(.*ECONNREFUSED.*\); retrying with backoff/,
    );
    expect(messages[1]).toMatch(/reading stream\/shardId-0 again after [\d.]+ s \(from LATEST\)/);
  });

  it('reports the end of a closed shard', async () => {
    // Prepare
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    kinesis.on(GetRecordsCommand).resolves({ Records: [record('30')], MillisBehindLatest: 0 });
    const reader = trimHorizonReader();

    // Act
    const result = await reader.read(10, new AbortController().signal);

    // Assess
    expect(result).toMatchObject({ ended: true, records: [{ sequenceNumber: '30' }] });
  });
});
