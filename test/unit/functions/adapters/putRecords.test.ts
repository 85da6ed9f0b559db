import { KinesisClient, PutRecordsCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import {
  chunkPutRecords,
  EntryTooLargeError,
  PUT_RECORDS_LIMITS,
  putRecordsWithRetry,
  type PutRecordsEntry,
} from '../../../../functions/adapters/putRecords';

const kinesis = mockClient(KinesisClient);
const entry = (key: string, bytes = 10): PutRecordsEntry => ({
  data: new Uint8Array(bytes),
  partitionKey: key,
});
const placedAt = (sequenceNumber: string) => ({
  ShardId: 'shardId-000000000000',
  SequenceNumber: sequenceNumber,
});
const throttled = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };

beforeEach(() => kinesis.reset());

/** A clock that advances 5 ms per reading and by every sleep. */
function fakeTime() {
  let clock = 1_000;
  return {
    now: () => (clock += 5),
    sleep: (ms: number) => ((clock += ms), Promise.resolve()),
  };
}

describe('PutRecords writer', () => {
  it('chunks at 500 entries and at 5 MiB of data and partition keys, keeping order', () => {
    // Prepare
    const small = Array.from({ length: 1_001 }, () => entry('k'));
    const mebibyte = Array.from({ length: 6 }, () => entry('k', PUT_RECORDS_LIMITS.maxEntryBytes - 1));

    // Act
    const smallChunks = chunkPutRecords(small);
    const bigChunks = chunkPutRecords(mebibyte);

    // Assess
    expect(smallChunks.map((c) => c.length)).toEqual([PUT_RECORDS_LIMITS.maxEntries, 500, 1]);
    expect(smallChunks.flat()).toEqual(small.map((_, i) => i));
    expect(bigChunks.map((c) => c.length)).toEqual([5, 1]);
  });

  it('refuses an entry over 1 MiB, naming its position and size', () => {
    // Prepare
    const entries = [entry('a'), entry('bb', PUT_RECORDS_LIMITS.maxEntryBytes - 1)];

    // Act
    const chunk = () => chunkPutRecords(entries);

    // Assess
    expect(chunk).toThrow(EntryTooLargeError);
    expect(chunk).toThrow(`entry 1 is ${PUT_RECORDS_LIMITS.maxEntryBytes + 1} bytes`);
  });

  it('returns where each entry landed, how many requests it took and when it was first sent', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 1, Records: [placedAt('11'), throttled, placedAt('13')] })
      .resolvesOnce({ FailedRecordCount: 0, Records: [placedAt('14')] });
    const time = fakeTime();
    const entries = [entry('a'), { ...entry('b'), explicitHashKey: '42' }, entry('c')];

    // Act
    const outcome = await putRecordsWithRetry(
      { client: new KinesisClient({ region: 'us-east-1' }), streamName: 'in', random: () => 0.5, ...time },
      entries,
    );

    // Assess
    expect(outcome.retries).toBe(1);
    expect(outcome.results).toEqual([
      {
        status: 'placed',
        shardId: 'shardId-000000000000',
        sequenceNumber: '11',
        attempts: 1,
        firstSentAtMs: 1_010,
      },
      {
        status: 'placed',
        shardId: 'shardId-000000000000',
        sequenceNumber: '14',
        attempts: 2,
        firstSentAtMs: 1_010,
      },
      {
        status: 'placed',
        shardId: 'shardId-000000000000',
        sequenceNumber: '13',
        attempts: 1,
        firstSentAtMs: 1_010,
      },
    ]);
    expect(kinesis.commandCalls(PutRecordsCommand)[1]!.args[0].input.Records).toEqual([
      { Data: entries[1]!.data, PartitionKey: 'b', ExplicitHashKey: '42' },
    ]);
  });

  it('reports each entry given up on with its last error, and a permanent request failure with its error', async () => {
    // Prepare
    const missing = new ResourceNotFoundException({ message: 'Stream in not found', $metadata: {} });
    let call = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: { Records?: unknown[] }) => {
      call += 1;
      if (call === 3) throw missing; // the second chunk
      const records = (input.Records ?? []).map((_, i) =>
        i === 1 || call === 2 ? throttled : placedAt(`${i}`),
      );
      return { FailedRecordCount: 1, Records: records };
    });
    const policy = { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, maxElapsedMs: 60_000 };
    const entries = Array.from({ length: PUT_RECORDS_LIMITS.maxEntries + 2 }, (_, i) => entry(`k${i}`));

    // Act
    const outcome = await putRecordsWithRetry(
      { client: new KinesisClient({ region: 'us-east-1' }), streamName: 'in', retry: policy, ...fakeTime() },
      entries,
    );

    // Assess
    expect(outcome.results[0]).toMatchObject({ status: 'placed' });
    expect(outcome.results[1]).toMatchObject({
      status: 'failed',
      errorCode: 'ProvisionedThroughputExceededException',
      attempts: 2,
      permanent: false,
    });
    for (const index of [500, 501]) {
      expect(outcome.results[index]).toMatchObject({
        status: 'failed',
        errorCode: 'ResourceNotFoundException',
        attempts: 1,
        requestError: missing,
        permanent: true,
      });
    }
    expect(outcome.results.filter((r) => r.status === 'failed')).toHaveLength(3);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });
});
