import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main as invokeMain } from '../../docker/invoke';
import { DEFAULT_RUN_ID, runDir } from '../../model/src/artifacts';
import { computeContextHash } from '../../infra/image/context-hash';
import { REPO_ROOT, TSX_CLI } from '../helpers/paths';

// Building, staging 45 MB of onnxruntime and loading the model: seconds, not milliseconds.
jest.setTimeout(120_000);

const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

type Handler = (event: KinesisStreamEvent, context?: Context) => Promise<unknown>;

/** `CMD ["<module>.<export>"]` of the Dockerfile's last stage, as the Node.js runtime splits it. */
function handlerFromCmd(): { module: string; exportName: string } {
  const cmd =
    /^CMD\s+\["([^"]+)"\]\s*$/m.exec(fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';
  const dot = cmd.lastIndexOf('.');
  return { module: cmd.slice(0, dot), exportName: cmd.slice(dot + 1) };
}

/** What the Runtime Interface Emulator does with an invocation: the event in, the handler's result (or error) out. */
function invokeServer(handler: Handler): http.Server {
  return http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== INVOKE_PATH) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KinesisStreamEvent;
      handler(event).then(
        (result) =>
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (error: unknown) =>
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(
              JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }),
            ),
      );
    });
  });
}

describe('the container, without a Docker engine', () => {
  let dir: string;
  let context: string;
  let taskRoot: string;
  let handler: Handler;
  let server: http.Server;
  let url: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-'));
    // The build stage: exactly the files .dockerignore sends, `npm ci` stood in for by the repository's node_modules.
    context = path.join(dir, 'context');
    for (const file of computeContextHash(REPO_ROOT).files) {
      fs.mkdirSync(path.dirname(path.join(context, file)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, file), path.join(context, file));
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(context, 'node_modules'), 'dir');
    execFileSync(process.execPath, [TSX_CLI, 'scripts/bundle/build.ts'], {
      cwd: context,
      stdio: 'pipe',
    });
    // The runtime stage: the bundle and the staged onnxruntime in LAMBDA_TASK_ROOT, outside the repository so that
    // nothing resolves from its node_modules.
    taskRoot = path.join(dir, 'var-task');
    fs.cpSync(path.join(context, 'dist'), taskRoot, { recursive: true });
    execFileSync(process.execPath, [
      path.join(context, 'docker/stage-runtime.cjs'),
      path.join(REPO_ROOT, 'node_modules'),
      path.join(taskRoot, 'node_modules'),
      'amd64',
    ]);

    Object.assign(process.env, {
      TEST_RUN: 'True',
      MODEL_LOCATION: runDir(DEFAULT_RUN_ID),
      RUN_ID: DEFAULT_RUN_ID,
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const { module, exportName } = handlerFromCmd();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, found at run time
    handler = (require(path.join(taskRoot, `${module}.js`)) as Record<string, Handler>)[exportName]!;
    server = invokeServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${INVOKE_PATH}`;
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => server.close(resolve));
    process.env = savedEnv;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bundles the function from the files .dockerignore lets into the build context', () => {
    // Assess
    expect(fs.existsSync(path.join(context, 'dist/handler.js'))).toBe(true);
    expect(fs.existsSync(path.join(context, 'test'))).toBe(false);
  });

  it('resolves the CMD handler in the bundle, with onnxruntime from the staged task root only', () => {
    // Act
    const onnxruntime = require.resolve('onnxruntime-node', { paths: [taskRoot] });

    // Assess
    expect(typeof handler).toBe('function');
    expect(onnxruntime.startsWith(taskRoot)).toBe(true);
    expect(fs.readdirSync(path.join(taskRoot, 'node_modules')).sort()).toEqual([
      'onnxruntime-common',
      'onnxruntime-node',
    ]);
    expect(fs.readdirSync(path.join(taskRoot, 'node_modules/onnxruntime-node/bin/napi-v6'))).toEqual([
      'linux',
    ]);
  });

  it.each(['kinesis-mixed.json', 'kinesis-valid.json'])(
    'passes docker:invoke with docker/events/%s against the invoke path',
    async (name) => {
      // Act
      const code = await invokeMain([
        path.join(REPO_ROOT, 'docker/events', name),
        '--url',
        url,
        '--wait-seconds',
        '0',
      ]);

      // Assess
      expect(code).toBe(0);
    },
  );

  it('fails docker:invoke when the answer differs from the expectations', async () => {
    // Prepare
    const expectations = path.join(REPO_ROOT, 'docker/expectations/kinesis-valid.json');

    // Act
    const code = await invokeMain([
      path.join(REPO_ROOT, 'docker/events/kinesis-mixed.json'),
      '--url',
      url,
      '--wait-seconds',
      '0',
      '--expectations',
      expectations,
    ]);

    // Assess
    expect(code).toBe(1);
  });

  it('fails docker:invoke when nothing answers', async () => {
    // Prepare
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const attempt = invokeMain(['--url', `http://127.0.0.1:${port}${INVOKE_PATH}`, '--wait-seconds', '0']);

    // Assess
    await expect(attempt).rejects.toThrow(/no answer from .* within 0 s/);
  });
});
