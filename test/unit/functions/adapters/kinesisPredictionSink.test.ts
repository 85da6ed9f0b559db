import {
  KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { createKinesisPredictionSink } from '../../../../functions/adapters/kinesisPredictionSink';
import { PUT_RECORDS_LIMITS } from '../../../../functions/adapters/putRecords';
import type { RetryPolicy } from '../../../../functions/adapters/backoff';
import type { Prediction } from '../../../../functions/core/types';
import { OutputTooLargeError } from '../../../../functions/errors';
import { SHARD_ID, sequenceNumber } from '../../../helpers/factories';

const kinesis = mockClient(KinesisClient);
const logger = { warn: jest.fn(), error: jest.fn() };
const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 60_000 };

function prediction(n: number, bytes = 64): Prediction {
  const source = { shard_id: SHARD_ID, sequence_number: sequenceNumber(n), partition_key: `key-${n}` };
  return {
    index: n,
    event: {} as Prediction['event'],
    data: new Uint8Array(bytes).fill(n % 256),
    partitionKey: source.partition_key,
    source,
  };
}

function sink(
  overrides: { sleep?: (ms: number) => Promise<void>; now?: () => number; retry?: RetryPolicy } = {},
) {
  return createKinesisPredictionSink({
    client: new KinesisClient({ region: 'us-east-1' }),
    streamName: 'wine-predictions',
    logger,
    retry: overrides.retry ?? policy,
    sleep: overrides.sleep ?? (() => Promise.resolve()),
    random: () => 0.5,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}

function sentKeys(call: number): string[] {
  const input = kinesis.commandCalls(PutRecordsCommand)[call]!.args[0].input;
  return (input.Records ?? []).map((r) => r.PartitionKey ?? '');
}

const ok = { ErrorCode: undefined, SequenceNumber: '1', ShardId: SHARD_ID };
const throttled = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };

beforeEach(() => {
  kinesis.reset();
  jest.clearAllMocks();
});

describe('Kinesis prediction sink', () => {
  it('writes each prediction with the input record’s partition key and its JSON bytes', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [ok, ok] });
    const predictions = [prediction(1), prediction(2)];

    // Act
    const report = await sink().write(predictions);

    // Assess
    const input = kinesis.commandCalls(PutRecordsCommand)[0]!.args[0].input;
    expect(input.StreamName).toBe('wine-predictions');
    expect(input.Records).toEqual(predictions.map((p) => ({ Data: p.data, PartitionKey: p.partitionKey })));
    expect(report).toEqual({ failed: [], retries: 0 });
  });

  it('resends only the failed entries after a partial failure, then succeeds', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 2, Records: [ok, throttled, ok, { ErrorCode: 'InternalFailure' }] })
      .resolvesOnce({ FailedRecordCount: 0, Records: [ok, ok] });
    const delays: number[] = [];
    const predictions = [1, 2, 3, 4].map((n) => prediction(n));

    // Act
    const report = await sink({ sleep: (ms) => (delays.push(ms), Promise.resolve()) }).write(predictions);

    // Assess
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(2);
    expect(sentKeys(1)).toEqual(['key-2', 'key-4']);
    expect(report).toEqual({ failed: [], retries: 2 });
    expect(delays).toEqual([50]); // full jitter: random 0.5 × min(cap, base · 2^0)
  });

  it('reports exactly the entries that stay throttled through every attempt, with growing backoff', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 2, Records: [throttled, ok, throttled] })
      .resolves({ FailedRecordCount: 2, Records: [throttled, throttled] });
    const delays: number[] = [];
    const predictions = [1, 2, 3].map((n) => prediction(n));

    // Act
    const report = await sink({ sleep: (ms) => (delays.push(ms), Promise.resolve()) }).write(predictions);

    // Assess
    expect(report.failed).toEqual([predictions[0]!.source, predictions[2]!.source]);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(policy.maxAttempts);
    expect(delays).toEqual([50, 100, 200]);
    expect(report.retries).toBe(2 * (policy.maxAttempts - 1));
    expect(logger.error).toHaveBeenCalledWith(
      'PutRecords gave up on entries',
      expect.objectContaining({
        failed_entries: 2,
        error_codes: { ProvisionedThroughputExceededException: 2 },
      }),
    );
  });

  it('treats a request that throws as a failure of all its entries and retries them', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
      .resolves({ FailedRecordCount: 0, Records: [ok, ok] });

    // Act
    const report = await sink().write([prediction(1), prediction(2)]);

    // Assess
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(2);
    expect(sentKeys(1)).toEqual(['key-1', 'key-2']);
    expect(report).toEqual({ failed: [], retries: 2 });
  });

  it('retries a request rejected as throttled, a client fault that heals', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ FailedRecordCount: 0, Records: [ok] });

    // Act
    const report = await sink().write([prediction(1)]);

    // Assess
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(2);
    expect(report).toEqual({ failed: [], retries: 1 });
  });

  it('does not retry a request rejected with a permanent client fault, and reports all its entries', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Stream wine-predictions not found', $metadata: {} }),
      );
    const predictions = [prediction(1), prediction(2)];

    // Act
    const report = await sink().write(predictions);

    // Assess
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
    expect(report.failed).toEqual(predictions.map((p) => p.source));
  });

  it('stops retrying once the next delay would pass the total time budget', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [throttled] });
    let clock = 0;
    const budget: RetryPolicy = { ...policy, maxAttempts: 100, maxElapsedMs: 1_000 };

    // Act
    const report = await sink({
      retry: budget,
      now: () => clock,
      sleep: (ms) => ((clock += ms), Promise.resolve()),
    }).write([prediction(1)]);

    // Assess
    expect(report.failed).toHaveLength(1);
    expect(clock).toBeLessThanOrEqual(budget.maxElapsedMs);
    expect(kinesis.commandCalls(PutRecordsCommand).length).toBeLessThan(budget.maxAttempts);
  });

  it('splits requests at 500 entries and at 5 MiB, keeping order', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: { Records?: unknown[] }) => ({
      FailedRecordCount: 0,
      Records: (input.Records ?? []).map(() => ok),
    }));
    const many = Array.from({ length: 1_201 }, (_, n) => prediction(n, 100));
    const big = Array.from({ length: 12 }, (_, n) => prediction(n, 1_000_000));

    // Act
    const byCount = await sink().write(many);
    const byCountCalls = kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input);
    kinesis.resetHistory();
    const bySize = await sink().write(big);
    const bySizeCalls = kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input);

    // Assess
    expect([byCount, bySize]).toEqual([
      { failed: [], retries: 0 },
      { failed: [], retries: 0 },
    ]);
    expect(byCountCalls.map((input) => input.Records?.length)).toEqual([500, 500, 201]);
    expect(byCountCalls.flatMap((input) => (input.Records ?? []).map((r) => r.PartitionKey))).toEqual(
      many.map((p) => p.partitionKey),
    );
    expect(bySizeCalls.map((input) => input.Records?.length)).toEqual([5, 5, 2]);
    for (const input of bySizeCalls) {
      const bytes = (input.Records ?? []).reduce(
        (sum, e) => sum + e.Data!.length + e.PartitionKey!.length,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(PUT_RECORDS_LIMITS.maxRequestBytes);
    }
  });

  it('refuses a prediction over the 1 MiB record limit, naming its record, before sending anything', async () => {
    // Prepare
    const huge = prediction(2, PUT_RECORDS_LIMITS.maxEntryBytes);

    // Act
    const write = sink().write([prediction(1), huge]);

    // Assess
    await expect(write).rejects.toThrow(OutputTooLargeError);
    await expect(write).rejects.toThrow(`prediction for sequence number ${sequenceNumber(2)} is`);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });
});
