import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RUN_ID } from '../../model/src/artifacts';
import { assertPortFree, freePort } from '../../scripts/emulators/ports';
import { StreamTail } from '../../scripts/streams/tail';
import { REPO_ROOT, TSX_CLI } from '../helpers/paths';
import { runScript } from '../helpers/scripts';
import { emulatorKinesisClient, emulatorS3Client } from '../../scripts/emulators/clients';

jest.setTimeout(90_000);

const EXAMPLE =
  '{"wine_features": {"alcohol": 8.8, "volatile acidity": 0.27, "sulphates": 0.45}, "customer_id": 123}';

/** Every process below `pid` (children, grandchildren, …), from `ps`. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function command(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return '(gone)';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  let child: ChildProcess;
  let output = '';
  let kinesisPort: number;
  let s3Port: number;
  let env: NodeJS.ProcessEnv;
  let started: number[] = [];
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-state-'));
  const stateFile = path.join(stateDir, 'state.json');

  beforeAll(async () => {
    kinesisPort = await freePort();
    s3Port = await freePort();
    env = {
      ...process.env,
      LOCAL_KINESIS_PORT: String(kinesisPort),
      LOCAL_S3_PORT: String(s3Port),
      LOCAL_STACK_STATE_FILE: stateFile,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    child = spawn(process.execPath, [TSX_CLI, 'scripts/local-stack/start.ts'], { cwd: REPO_ROOT, env });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
        return output.includes('One line per batch follows') ? true : undefined;
      },
      'the ready banner',
      60_000,
    );
    started = descendants(child.pid!);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('announces its endpoints, bucket, streams and function to other processes', () => {
    // Act
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Record<string, unknown>;

    // Assess
    expect([child.pid, ...started]).toContain(state.pid); // tsx may run the script in a child process
    expect(state).toMatchObject({
      kinesisEndpoint: `http://127.0.0.1:${kinesisPort}`,
      s3Endpoint: `http://127.0.0.1:${s3Port}`,
      bucket: 'wine-models',
      inputStream: 'wine-input',
      predictionsStream: 'wine-predictions',
      alias: 'live',
    });
    expect(state.lambdaEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('prints ready-to-paste AWS CLI commands for its own ports', () => {
    // Assess
    expect(output).toContain(`--endpoint-url http://localhost:${kinesisPort} --stream-name wine-input`);
    expect(output).toContain('--cli-binary-format raw-in-base64-out');
    expect(output).toContain(`--data '${EXAMPLE}'`);
    expect(output).toContain("jq -r '.Records[-1].Data' | base64 --decode | jq");
    expect(output).toContain(`aws s3 ls --endpoint-url http://localhost:${s3Port}`);
    expect(output).toContain(`run ${DEFAULT_RUN_ID}`);
  });

  it('turns a record put with the SDK into a prediction on the output stream', async () => {
    // Prepare
    const client = emulatorKinesisClient(`http://127.0.0.1:${kinesisPort}`);
    const tail = await StreamTail.open(client, 'wine-predictions');

    // Act
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'wine-input', PartitionKey: '123', Data: Buffer.from(EXAMPLE) }),
    );
    const prediction = await waitFor(async () => {
      for (const record of await tail.poll()) {
        const event = JSON.parse(Buffer.from(record.data).toString()) as {
          version: string;
          prediction: { wine_quality: number; customer_id: number };
          source: { sequence_number: string; partition_key: string };
        };
        if (event.source.sequence_number === put.SequenceNumber) return event;
      }
      return undefined;
    }, 'the prediction');
    tail.close();

    // Assess
    expect(prediction.version).toBe(DEFAULT_RUN_ID);
    expect(prediction.prediction.customer_id).toBe(123);
    expect(Number.isInteger(prediction.prediction.wine_quality)).toBe(true);
    expect(prediction.source.partition_key).toBe('123');
    await waitFor(
      () => (/1 record → 1 predicted, 0 rejected/.test(output) ? true : undefined),
      'the batch line',
    );
  });

  it('quarantines a malformed record and says so in the batch line', async () => {
    // Prepare
    const kinesis = emulatorKinesisClient(`http://127.0.0.1:${kinesisPort}`);
    const s3 = emulatorS3Client(`http://127.0.0.1:${s3Port}`);

    // Act
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName: 'wine-input', PartitionKey: 'bad', Data: Buffer.from('not json') }),
    );
    const key = await waitFor(async () => {
      const listing = await s3.send(
        new ListObjectsV2Command({ Bucket: 'wine-models', Prefix: 'quarantine/' }),
      );
      return listing.Contents?.map((c) => c.Key).find((k) => k?.endsWith(`/${put.SequenceNumber}.json`));
    }, 'the quarantine object');

    // Assess
    expect(key).toMatch(/^quarantine\/\d{4}\/\d{2}\/\d{2}\/shardId-000000000000\//);
    await waitFor(
      () => (/1 record → 0 predicted, 1 rejected/.test(output) ? true : undefined),
      'the batch line',
    );
  });

  it('scores a file dropped under batch/input/ with the batch handler, prints one line and writes batch/output/', async () => {
    // Prepare
    const s3 = emulatorS3Client(`http://127.0.0.1:${s3Port}`);
    const csv =
      'alcohol,volatile acidity,sulphates,quality\n9.4,0.7,0.56,5\n10.2,oops,0.5,6\n12.8,0.3,0.7,7\n';

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: 'wine-models',
        Key: 'batch/input/smoke test.csv',
        Body: Buffer.from(csv),
      }),
    );
    const line = await waitFor(
      () => /batch s3:\/\/wine-models\/batch\/input\/smoke test\.csv → .*/.exec(output)?.[0],
      'the batch file line',
    );
    const read = async (key: string) =>
      (await (
        await s3.send(new GetObjectCommand({ Bucket: 'wine-models', Key: key }))
      ).Body?.transformToString()) ?? '';
    const predictions = (await read('batch/output/smoke test.csv.predictions.jsonl')).trim().split('\n');
    const rejects = (await read('batch/rejects/smoke test.csv.jsonl')).trim().split('\n');

    // Assess
    expect(line).toMatch(
      /→ 3 rows: 2 predicted, 1 rejected in [\d.]+ s → s3:\/\/wine-models\/batch\/output\/smoke test\.csv\.predictions\.jsonl$/,
    );
    expect(predictions.map((l: string) => (JSON.parse(l) as { source: unknown }).source)).toEqual([
      { file: 's3://wine-models/batch/input/smoke test.csv', line: 2 },
      { file: 's3://wine-models/batch/input/smoke test.csv', line: 4 },
    ]);
    expect(JSON.parse(rejects[0]!)).toMatchObject({ source: { line: 3 }, reason: 'invalid_value' });
    expect(output).toContain(
      `aws s3 cp --endpoint-url http://localhost:${s3Port} model/data/winequality-red.csv s3://wine-models/batch/input/red.csv`,
    );
  });

  it('works with the put-records and read-predictions scripts', async () => {
    // Prepare
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'records-'));
    const file = path.join(folder, 'records.jsonl');
    fs.writeFileSync(file, `${EXAMPLE}\n${EXAMPLE.replace('123', '124')}\n`);

    // Act
    const put = await runScript('scripts/streams/put-records.ts', ['--local', '--file', file], env).finally(
      () => fs.rmSync(folder, { recursive: true, force: true }),
    );
    await waitFor(() => (/2 records → 2 predicted/.test(output) ? true : undefined), 'the batch line');
    const read = await runScript('scripts/streams/read-predictions.ts', ['--local'], env);

    // Assess
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(/^put 2 record\(s\) on wine-input \(local stack http:\/\/localhost:\d+\)/);
    expect(read.code).toBe(0);
    const customers = read.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { prediction: { customer_id: number } }).prediction.customer_id);
    expect(customers.slice(-2)).toEqual([123, 124]);
  });

  it('stops everything it started on SIGTERM and frees its ports', async () => {
    // Prepare
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Act
    child.kill('SIGTERM');
    const code = await exited;

    // Assess
    expect(code).toBe(0);
    expect(output).toContain('Stopped: poller, kinesis-mock and s3rver are down.');
    expect(fs.existsSync(stateFile)).toBe(false);
    expect(started.length).toBeGreaterThan(0);
    // Helpers such as tsx's esbuild service exit when their parent's pipes close: give them a moment.
    const survivors = await waitFor(
      () => (started.some(alive) ? undefined : started.filter(alive)),
      'every child process to exit',
      5_000,
    ).catch(() => started.filter(alive).map((pid) => `${pid} ${command(pid)}`));
    expect(survivors).toEqual([]);
    await assertPortFree(kinesisPort, 'kinesis');
    await assertPortFree(s3Port, 's3');
  });
});

describe('npm start with a port taken', () => {
  it('fails at once, naming the port and the variable to change', async () => {
    // Prepare
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;

    // Act
    const result = await runScript('scripts/local-stack/start.ts', [], {
      ...process.env,
      LOCAL_KINESIS_PORT: String(port),
      LOCAL_S3_PORT: String(await freePort()),
    });
    await new Promise((resolve) => blocker.close(resolve));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `port ${port} (Kinesis emulator; set LOCAL_KINESIS_PORT to use another) is already in use`,
    );
  });
});
