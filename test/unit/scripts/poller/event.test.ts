import { buildKinesisEvent, recordsThatFit, type ShardRecord } from '../../../../scripts/poller/event';
import { buildFailureRecord, failureRecordKey } from '../../../../scripts/poller/failure-record';
import { resolveMappingOptions } from '../../../../scripts/poller/options';
import { PollerConfigError } from '../../../../scripts/poller/errors';

const source = {
  shardId: 'shardId-000000000003',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/wine-input',
  awsRegion: 'us-east-1',
  invokeIdentityArn: 'arn:aws:iam::000000000000:role/fn-role',
};

const record = (sequenceNumber: string, data: string, at = '2024-05-01T10:00:00.123Z'): ShardRecord => ({
  sequenceNumber,
  partitionKey: 'pk',
  data: Buffer.from(data),
  approximateArrivalTimestamp: new Date(at),
});

describe('Lambda-shaped events', () => {
  it('shapes each record like the Kinesis event Lambda sends', () => {
    // Act
    const event = buildKinesisEvent([record('4951', '{"a":1}')], source);

    // Assess
    expect(event).toEqual({
      Records: [
        {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: 'pk',
            sequenceNumber: '4951',
            data: Buffer.from('{"a":1}').toString('base64'),
            approximateArrivalTimestamp: 1714557600.123,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: 'shardId-000000000003:4951',
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: source.invokeIdentityArn,
          awsRegion: 'us-east-1',
          eventSourceARN: source.streamArn,
        },
      ],
    });
  });

  it('cuts a batch before its event would pass the 6 MB payload limit, but never below one record', () => {
    // Prepare
    const big = (seq: string) => ({ ...record(seq, ''), data: new Uint8Array(1_000_000) });
    const records = Array.from({ length: 10 }, (_, i) => big(String(i + 1)));

    // Act & Assess
    expect(recordsThatFit(records, 10)).toBe(4);
    expect(recordsThatFit(records, 2)).toBe(2);
    expect(recordsThatFit([big('1')], 10, 10)).toBe(1);
  });
});

describe('on-failure records', () => {
  it('describes the discarded batch like Lambda and carries the records', () => {
    // Prepare
    const event = buildKinesisEvent(
      [record('10', 'a', '2024-05-01T10:00:00.000Z'), record('12', 'b', '2024-05-01T10:00:01.500Z')],
      source,
    );

    // Act
    const failure = buildFailureRecord({
      condition: 'RetryAttemptsExhausted',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      shardId: source.shardId,
      streamArn: source.streamArn,
      event,
      invokeCount: 3,
      lastOutcome: 'function-error',
      lastError: 'Error: boom',
      now: new Date('2024-05-01T10:00:05.000Z'),
    });

    // Assess
    expect(failure).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2024-05-01T10:00:05.000Z',
      KinesisBatchInfo: {
        shardId: source.shardId,
        startSequenceNumber: '10',
        endSequenceNumber: '12',
        approximateArrivalOfFirstRecord: '2024-05-01T10:00:00.000Z',
        approximateArrivalOfLastRecord: '2024-05-01T10:00:01.500Z',
        batchSize: 2,
        streamArn: source.streamArn,
      },
      payload: event,
      lastError: 'Error: boom',
    });
  });

  it('omits the response context for records that aged out before any invocation', () => {
    // Act
    const failure = buildFailureRecord({
      condition: 'RecordAgeExceeded',
      functionArn: 'fn',
      shardId: source.shardId,
      streamArn: source.streamArn,
      event: buildKinesisEvent([record('10', 'a')], source),
      invokeCount: 0,
      now: new Date(),
    });

    // Assess
    expect(failure).not.toHaveProperty('responseContext');
  });

  it("keys objects like Lambda's S3 on-failure destination", () => {
    // Act
    const key = failureRecordKey('mapping-1', 'shardId-000000000000', new Date('2024-05-01T10:02:03.000Z'));

    // Assess
    expect(key).toMatch(
      /^aws\/lambda\/mapping-1\/shardId-000000000000\/2024\/05\/01\/2024-05-01T10\.02\.03-[0-9a-f-]{36}$/,
    );
  });
});

describe('mapping options', () => {
  it("applies Lambda's defaults", () => {
    // Act
    const options = resolveMappingOptions({
      streamName: 's',
      startingPosition: 'LATEST',
      maximumRetryAttempts: 1,
    });

    // Assess
    expect(options).toMatchObject({
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      maximumRecordAgeMs: -1,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
    });
  });

  it('names every invalid option at once', () => {
    // Act
    const attempt = () =>
      resolveMappingOptions({
        streamName: '',
        startingPosition: 'AT_TIMESTAMP' as 'LATEST',
        batchSize: 0,
        maximumRetryAttempts: 1,
      });

    // Assess
    expect(attempt).toThrow(PollerConfigError);
    expect(attempt).toThrow(/streamName[\s\S]*startingPosition[\s\S]*batchSize/);
  });

  it('refuses infinite retries together with an infinite record age (a poison record would block its shard)', () => {
    // Act & Assess
    expect(() => resolveMappingOptions({ streamName: 's', startingPosition: 'LATEST' })).toThrow(
      /both infinite/,
    );
  });
});
