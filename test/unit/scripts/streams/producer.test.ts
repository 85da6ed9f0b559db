import { KinesisClient, PutRecordsCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { PutRecordsError, putRecords } from '../../../../scripts/streams/producer';

const kinesis = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'us-east-1' });
const records = ['a', 'b', 'c'].map((key) => ({ data: Buffer.from(key), partitionKey: key }));
const placedAt = (sequenceNumber: string) => ({
  ShardId: 'shardId-000000000000',
  SequenceNumber: sequenceNumber,
});
const throttled = { ErrorCode: 'ProvisionedThroughputExceededException' };

beforeEach(() => kinesis.reset());

describe('producer', () => {
  it('puts every record and returns where each landed, in input order, re-putting the failed ones', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 1, Records: [throttled, placedAt('2'), placedAt('3')] })
      .resolvesOnce({ FailedRecordCount: 0, Records: [placedAt('4')] });
    const before = Date.now();

    // Act
    const results = await putRecords(client, 'wine-input', records, { backoffMs: 1 });

    // Assess
    expect(results.map(({ index, sequenceNumber, attempts }) => [index, sequenceNumber, attempts])).toEqual([
      [0, '4', 2],
      [1, '2', 1],
      [2, '3', 1],
    ]);
    for (const result of results) expect(result.firstSentAtMs).toBeGreaterThanOrEqual(before);
  });

  it('throws PutRecordsError listing the records still unplaced after the allowed attempts', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 2, Records: [placedAt('1'), throttled, throttled] })
      .resolves({ FailedRecordCount: 2, Records: [throttled, throttled] });

    // Act
    const attempt = putRecords(client, 'wine-input', records, { maxAttempts: 3, backoffMs: 1 });

    // Assess
    await expect(attempt).rejects.toThrow(PutRecordsError);
    await expect(attempt).rejects.toMatchObject({ unplaced: [1, 2] });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });

  it('throws the SDK’s own error when the stream does not exist, without retrying', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejects(new ResourceNotFoundException({ message: 'Stream nowhere not found', $metadata: {} }));

    // Act
    const attempt = putRecords(client, 'nowhere', records);

    // Assess
    await expect(attempt).rejects.toThrow('Stream nowhere not found');
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });
});
