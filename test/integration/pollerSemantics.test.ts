import { PutRecordsCommand, type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_REGION, startKinesisMock, type KinesisMock } from '../../scripts/emulators/emulators';
import {
  EventSourcePoller,
  memoryDestination,
  type EventSourceMappingOptions,
  type KinesisHandler,
  type PollerConfig,
} from '../../scripts/poller';
import { ensureStream } from '../../scripts/emulators/streams';
import { waitFor } from '../helpers/waitFor';
import { emulatorKinesisClient } from '../../scripts/emulators/clients';

jest.setTimeout(30_000);

/** Every invocation the handler saw, as the sequence numbers of its event. */
interface Recorded {
  readonly shardId: string;
  readonly sequenceNumbers: string[];
  readonly event: KinesisStreamEvent;
}

function recordingHandler(respond: (seqs: string[], call: number) => unknown = () => undefined) {
  const calls: Recorded[] = [];
  const handler: KinesisHandler = (event) => {
    const sequenceNumbers = event.Records.map((r) => r.kinesis.sequenceNumber);
    calls.push({ shardId: event.Records[0]!.eventID.split(':')[0]!, sequenceNumbers, event });
    return Promise.resolve(respond(sequenceNumbers, calls.length));
  };
  return { handler, calls };
}

/** Half-open hash key ranges of an N-shard stream start at i·2^128/N: one explicit key per shard. */
function hashKeyForShard(index: number, shards: number): string {
  return ((2n ** 128n / BigInt(shards)) * BigInt(index)).toString();
}

async function put(
  client: KinesisClient,
  stream: string,
  payloads: string[],
  hashKey?: string,
): Promise<{ sequenceNumber: string; shardId: string }[]> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: payloads.map((p, i) => ({
        Data: Buffer.from(p),
        PartitionKey: String(i),
        ...(hashKey ? { ExplicitHashKey: hashKey } : {}),
      })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
  return (out.Records ?? []).map((r) => ({ sequenceNumber: r.SequenceNumber!, shardId: r.ShardId! }));
}

describe('local event-source poller against kinesis-local', () => {
  let kinesis: KinesisMock;
  let client: KinesisClient;
  let dir: string;
  let streamCount = 0;
  const pollers: EventSourcePoller[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-'));
    kinesis = await startKinesisMock({ logFile: path.join(dir, 'kinesis.log') });
    client = emulatorKinesisClient(kinesis.endpoint);
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    await kinesis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newStream(shards = 1): Promise<string> {
    streamCount += 1;
    const name = `poller-${streamCount}`;
    await ensureStream(client, name, shards);
    return name;
  }

  async function startPoller(
    config: Partial<EventSourceMappingOptions> &
      Pick<EventSourceMappingOptions, 'streamName'> &
      Pick<PollerConfig, 'onFailure' | 'observer' | 'logger'> & { handler: KinesisHandler },
  ): Promise<EventSourcePoller> {
    const poller = await EventSourcePoller.start({
      client,
      startingPosition: 'TRIM_HORIZON',
      pollIntervalMs: 50,
      retryDelayMs: 10,
      maximumRetryAttempts: 2,
      ...config,
    });
    pollers.push(poller);
    return poller;
  }

  it('delivers Lambda-shaped events with one consumer per shard, in shard order, and checkpoints each shard', async () => {
    // Prepare
    const stream = await newStream(3);
    const puts = [];
    for (let shard = 0; shard < 3; shard += 1) {
      puts.push(
        await put(
          client,
          stream,
          ['a', 'b', 'c', 'd'].map((x) => `${x}${shard}`),
          hashKeyForShard(shard, 3),
        ),
      );
    }
    const { handler, calls } = recordingHandler();
    const streamArn = `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${stream}`;

    // Act
    const poller = await startPoller({
      streamName: stream,
      handler,
      onFailure: memoryDestination(),
      batchSize: 3,
    });
    await waitFor(() => calls.flatMap((c) => c.sequenceNumbers).length === 12, 'all 12 records');

    // Assess
    const shardIds = [...new Set(puts.flat().map((p) => p.shardId))];
    expect(shardIds).toHaveLength(3);
    for (const [index, shardPuts] of puts.entries()) {
      const shardId = shardPuts[0]!.shardId;
      const shardCalls = calls.filter((c) => c.shardId === shardId);
      expect(shardCalls.every((c) => c.sequenceNumbers.length <= 3)).toBe(true);
      expect(shardCalls.flatMap((c) => c.sequenceNumbers)).toEqual(shardPuts.map((p) => p.sequenceNumber));
      const first = shardCalls[0]!.event.Records[0]!;
      expect(first).toEqual({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: '0',
          sequenceNumber: shardPuts[0]!.sequenceNumber,
          data: Buffer.from(`a${index}`).toString('base64'),
          approximateArrivalTimestamp: expect.any(Number) as number,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${shardPuts[0]!.sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/local-function-role',
        awsRegion: LOCAL_REGION,
        eventSourceARN: streamArn,
      });
      expect(Math.abs(first.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(poller.checkpoints()[shardId]).toBe(shardPuts.at(-1)!.sequenceNumber);
    }
    expect(poller.streamArn).toBe(streamArn);
  });

  it('checkpoints just before the lowest failed record and retries only from there (ReportBatchItemFailures)', async () => {
    // Prepare
    const stream = await newStream();
    const seqs = (await put(client, stream, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'])).map(
      (p) => p.sequenceNumber,
    );
    const { handler, calls } = recordingHandler((_batch, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: seqs[4] }, { itemIdentifier: seqs[2] }] } : {},
    );

    // Act
    const poller = await startPoller({
      streamName: stream,
      handler,
      onFailure: memoryDestination(),
      batchSize: 6,
      maximumBatchingWindowMs: 300,
      reportBatchItemFailures: true,
    });
    await waitFor(
      () => poller.checkpoints()[calls[0]?.shardId ?? ''] === seqs[5],
      'the checkpoint at the last record',
    );

    // Assess
    expect(calls.map((c) => c.sequenceNumbers)).toEqual([seqs, seqs.slice(2)]);
  });

  it('bisects a failing batch down to the poison record and sends only that record to the on-failure destination', async () => {
    // Prepare
    const stream = await newStream();
    const seqs = (
      await put(
        client,
        stream,
        Array.from({ length: 8 }, (_, i) => `r${i}`),
      )
    ).map((p) => p.sequenceNumber);
    const poison = seqs[5]!;
    const { handler, calls } = recordingHandler((batch) => {
      if (batch.includes(poison)) throw new Error('cannot process r5');
      return undefined;
    });
    const onFailure = memoryDestination();

    // Act
    const poller = await startPoller({
      streamName: stream,
      handler,
      onFailure,
      batchSize: 8,
      maximumBatchingWindowMs: 300,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
    });
    await waitFor(
      () => poller.checkpoints()[calls[0]?.shardId ?? ''] === seqs[7],
      'the checkpoint at the last record',
    );

    // Assess
    const batches = calls.map((c) => c.sequenceNumbers.map((s) => seqs.indexOf(s)));
    expect(batches).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [5],
      [6, 7],
    ]);
    expect(onFailure.records).toHaveLength(1);
    expect(onFailure.records[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 5 },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: { startSequenceNumber: poison, endSequenceNumber: poison, batchSize: 1 },
      lastError: 'Error: cannot process r5',
    });
    expect(onFailure.records[0]!.payload.Records[0]!.kinesis.data).toBe(Buffer.from('r5').toString('base64'));
  });

  it('discards records older than the maximum record age instead of retrying them forever', async () => {
    // Prepare
    const stream = await newStream();
    const seqs = (await put(client, stream, ['old0', 'old1'])).map((p) => p.sequenceNumber);
    const { handler, calls } = recordingHandler((batch) => {
      if (batch.some((s) => seqs.includes(s))) throw new Error('downstream unavailable');
      return undefined;
    });
    const onFailure = memoryDestination();

    // Act
    const poller = await startPoller({
      streamName: stream,
      handler,
      onFailure,
      batchSize: 10,
      maximumBatchingWindowMs: 200,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: 1_000,
      retryDelayMs: 50,
    });
    await waitFor(() => onFailure.records.length === 1, 'the on-failure record');
    const [fresh] = await put(client, stream, ['fresh']);
    await waitFor(() => poller.checkpoints()[fresh!.shardId] === fresh!.sequenceNumber, 'the fresh record');

    // Assess
    expect(onFailure.records[0]).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded' },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: { startSequenceNumber: seqs[0], endSequenceNumber: seqs[1], batchSize: 2 },
    });
    expect(calls.at(-1)!.sequenceNumbers).toEqual([fresh!.sequenceNumber]);
    expect(calls.slice(0, -1).every((c) => c.sequenceNumbers.join() === seqs.join())).toBe(true);
  });

  it('counts a handler that outlives the function timeout as a function error', async () => {
    // Prepare
    const stream = await newStream();
    const [only] = await put(client, stream, ['slow']);
    const handler: KinesisHandler = () => new Promise((resolve) => setTimeout(resolve, 1_000));
    const onFailure = memoryDestination();

    // Act
    await startPoller({
      streamName: stream,
      handler,
      onFailure,
      functionTimeoutMs: 100,
      maximumRetryAttempts: 0,
    });
    await waitFor(() => onFailure.records.length === 1, 'the on-failure record');

    // Assess
    expect(onFailure.records[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      KinesisBatchInfo: { startSequenceNumber: only!.sequenceNumber },
      lastError: 'FunctionTimeoutError: Task timed out after 0.10 seconds',
    });
  });

  it('starts at LATEST: records put before the poller started are not delivered', async () => {
    // Prepare
    const stream = await newStream();
    await put(client, stream, ['before']);
    const { handler, calls } = recordingHandler();

    // Act
    await startPoller({
      streamName: stream,
      handler,
      onFailure: memoryDestination(),
      startingPosition: 'LATEST',
    });
    const [after] = await put(client, stream, ['after']);
    await waitFor(() => calls.length > 0, 'an invocation');

    // Assess
    expect(calls.flatMap((c) => c.sequenceNumbers)).toEqual([after!.sequenceNumber]);
  });

  it('fails at start with the SDK error when the stream does not exist', async () => {
    // Act
    const attempt = startPoller({
      streamName: 'no-such-stream',
      handler: recordingHandler().handler,
      onFailure: memoryDestination(),
    });

    // Assess
    await expect(attempt).rejects.toThrow(/no-such-stream|not found/i);
  });

  it('lists every shard of the stream', async () => {
    // Prepare
    const stream = await newStream(2);

    // Act
    const poller = await startPoller({
      streamName: stream,
      handler: recordingHandler().handler,
      onFailure: memoryDestination(),
    });
    const { Shards } = await client.send(new ListShardsCommand({ StreamName: stream }));

    // Assess
    expect(Object.keys(poller.checkpoints()).sort()).toEqual(Shards!.map((s) => s.ShardId).sort());
  });
});
