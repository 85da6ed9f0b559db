/**
 * kinesis-local's persisted data survives a SIGKILL that lands while it is rewriting its data file. Without the
 * atomic-persist preload the file is left truncated and the emulator dies on its next start, which made the
 * restart tests (poller restart, end-to-end kill) fail now and then on a loaded machine.
 */
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
import { StreamTail } from '../../scripts/streams/tail';
import { ensureStream } from '../../scripts/emulators/streams';

jest.setTimeout(90_000);

const STREAM = 'persisted';
const RECORDS = 3_000;
// Big enough that one persist takes a good part of a second, so the kill below lands inside it.
const PAYLOAD = Buffer.alloc(1_000, 'w');

async function putAll(client: KinesisClient): Promise<void> {
  for (let start = 0; start < RECORDS; start += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: Array.from({ length: 500 }, (_, i) => ({ Data: PAYLOAD, PartitionKey: `key-${start + i}` })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

/** Resolves on the next change in `dir`, i.e. when the emulator starts writing a new snapshot. */
function nextWriteStarts(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = fs.watch(dir, () => {
      watcher.close();
      resolve();
    });
  });
}

describe('kinesis-local persistence', () => {
  let dir: string;
  let kinesis: KinesisMock | undefined;
  let client: KinesisClient | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinesis-persist-'));
  });

  afterAll(async () => {
    client?.destroy();
    await kinesis?.stop({ graceMs: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restarts with every acknowledged record after a SIGKILL in the middle of writing its data file', async () => {
    // Prepare
    const dataDir = path.join(dir, 'data');
    const logFile = path.join(dir, 'kinesis.log');
    kinesis = await startKinesisMock({ dataDir, logFile });
    const port = kinesis.port;
    client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    await ensureStream(client, STREAM, 4);
    await putAll(client);
    await kinesis.snapshotsCompleted(); // the last complete snapshot began after the last put

    // Act
    await nextWriteStarts(dataDir);
    process.kill(kinesis.pid, 'SIGKILL');
    await kinesis.stop({ graceMs: 0 });
    const leftBehind = fs.readdirSync(dataDir).sort();
    kinesis = await startKinesisMock({ port, dataDir, logFile });
    const tail = await StreamTail.open(client, STREAM);
    const records = await tail.drain();
    tail.close();

    // Assess
    expect(leftBehind).toEqual(['kinesis-data.json', 'kinesis-data.json.partial']); // the kill cut a write short
    expect(records).toHaveLength(RECORDS);
    expect(new Set(records.map((r) => r.partitionKey)).size).toBe(RECORDS);
  });
});
