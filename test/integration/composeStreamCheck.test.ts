/**
 * The container job's `TEST_RUN=False` check, without Docker: the real handler behind a stand-in for the Runtime
 * Interface Emulator, kinesis-mock as the compose `kinesis` service, and a copy of docker-compose.yml whose published
 * ports point at them. The check must pass when predictions reach the stream, and fail when they do not.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { createKinesisClient } from '../../functions/adapters/aws-clients';
import { createTelemetry } from '../../functions/adapters/observability';
import { parseConfig } from '../../functions/config';
import { createDefaultHandler } from '../../functions/handler';
import { DEFAULT_RUN_ID, runDir } from '../../model';
import { main as streamCheck } from '../../scripts/ci/compose-stream-check';
import { startKinesisMock, type KinesisMock } from '../../scripts/emulators/emulators';
import { ensureStream } from '../../scripts/emulators/streams';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '../..');

type Handler = (event: KinesisStreamEvent) => Promise<unknown>;

/** Answers the emulator's invoke path with the handler's result, as the Runtime Interface Emulator does. */
function invokeServer(handler: Handler): http.Server {
  return http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KinesisStreamEvent;
      void handler(event).then((result) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      );
    });
  });
}

/** docker-compose.yml with the lambda and kinesis services published on the given host ports. */
function composeCopy(dir: string, lambdaPort: number, kinesisPort: number): string {
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
  doc.setIn(['services', 'lambda', 'ports'], [`${lambdaPort}:8080`]);
  doc.setIn(['services', 'kinesis', 'ports'], [`${kinesisPort}:4568`]);
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(file, doc.toString());
  return file;
}

describe('the compose TEST_RUN=False check', () => {
  let dir: string;
  let kinesis: KinesisMock;
  let server: http.Server | undefined;

  /** Serves a handler configured like the compose lambda service with the given TEST_RUN; returns its port. */
  async function serveFunction(testRun: 'True' | 'False'): Promise<number> {
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const config = parseConfig({
      TEST_RUN: testRun,
      RUN_ID: DEFAULT_RUN_ID,
      MODEL_LOCATION: runDir(DEFAULT_RUN_ID),
      PREDICTIONS_STREAM_NAME: 'wine-predictions',
      QUARANTINE_LOCATION: 's3://wine-models/quarantine',
    });
    const handler = createDefaultHandler(config, {
      clients: { kinesis: client },
      telemetry: createTelemetry({ logLevel: 'ERROR', emitMetrics: false }),
    }) as unknown as Handler;
    server = invokeServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-check-'));
    kinesis = await startKinesisMock({ logFile: path.join(dir, 'kinesis.log') });
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await ensureStream(client, 'wine-predictions');
    client.destroy();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await kinesis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes when the function writes every prediction to the compose kinesis service', async () => {
    // Prepare
    const compose = composeCopy(dir, await serveFunction('False'), kinesis.port);

    // Act
    const code = await streamCheck(['--compose', compose, '--timeout', '20']);

    // Assess
    expect(code).toBe(0);
  });

  it('fails when the function answers with its predictions instead (TEST_RUN=True)', async () => {
    // Prepare
    const compose = composeCopy(dir, await serveFunction('True'), kinesis.port);
    const log = jest.mocked(console.log);
    log.mockClear();

    // Act
    const code = await streamCheck(['--compose', compose, '--timeout', '3']);

    // Assess
    expect(code).toBe(1);
    const lines = log.mock.calls.map((call) => String(call[0]));
    expect(lines).toContain(
      `read 0 of 5 predictions from wine-predictions at http://localhost:${kinesis.port}`,
    );
    expect(lines).toContain(
      '  FAIL the response carries predictions: is TEST_RUN=False set on the function?',
    );
  });
});
