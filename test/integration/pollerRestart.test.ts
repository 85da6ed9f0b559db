import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKinesisClient } from '../../functions/adapters/aws-clients';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startKinesisMock,
  type KinesisMock,
} from '../../scripts/emulators/emulators';
import { EventSourcePoller, memoryDestination, type KinesisHandler } from '../../scripts/poller';
import { ensureStream } from '../../scripts/emulators/streams';
import { waitFor } from '../helpers/waitFor';

jest.setTimeout(60_000);

async function put(client: KinesisClient, payloads: string[]): Promise<string[]> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: 'restart',
      Records: payloads.map((p) => ({ Data: Buffer.from(p), PartitionKey: p })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
  return (out.Records ?? []).map((r) => r.SequenceNumber!);
}

describe('local event-source poller when kinesis-local restarts', () => {
  let dir: string;
  let kinesis: KinesisMock | undefined;
  let poller: EventSourcePoller | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-restart-'));
  });

  afterAll(async () => {
    await poller?.stop();
    await kinesis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-acquires its iterator after the restart and resumes after its checkpoint: nothing lost, nothing twice', async () => {
    // Prepare
    const dataDir = path.join(dir, 'data');
    const logFile = path.join(dir, 'kinesis.log');
    kinesis = await startKinesisMock({ dataDir, logFile });
    const port = kinesis.port;
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    await ensureStream(client, 'restart', 1);
    const delivered: string[] = [];
    const handler: KinesisHandler = (event) => {
      delivered.push(...event.Records.map((r) => r.kinesis.sequenceNumber));
      return Promise.resolve();
    };
    const messages: string[] = [];
    const logger = {
      info: (m: string) => messages.push(m),
      warn: (m: string) => messages.push(m),
      error: (m: string) => messages.push(m),
    };
    poller = await EventSourcePoller.start({
      client,
      handler,
      onFailure: memoryDestination(),
      logger,
      streamName: 'restart',
      startingPosition: 'TRIM_HORIZON',
      pollIntervalMs: 50,
      maximumRetryAttempts: 2,
    });
    const before = await put(client, ['a', 'b', 'c']);
    await waitFor(() => delivered.length === 3, 'the first records');
    // kinesis-mock persists every 200 ms (PERSIST_INTERVAL in startKinesisMock): let it write the records.
    await new Promise((r) => setTimeout(r, 600));

    // Act
    await kinesis.stop();
    await waitFor(() => messages.some((m) => m.includes('failed')), 'the poller to notice the outage');
    kinesis = await startKinesisMock({ port, dataDir, logFile });
    const after = await put(client, ['d', 'e']);
    await waitFor(() => delivered.length >= 5, 'the records put after the restart');
    await new Promise((r) => setTimeout(r, 300));

    // Assess
    expect(delivered).toEqual([...before, ...after]);
    expect(poller.checkpoints()).toEqual({ 'shardId-000000000000': after[1] });
    expect(messages.some((m) => m.includes(`again after`) && m.includes(`after ${before[2]}`))).toBe(true);
  });
});
