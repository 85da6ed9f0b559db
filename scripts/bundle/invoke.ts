/**
 * `npm run invoke -- <event.json>`: runs the BUILT bundle's handler (`dist/handler.js`, as the container would) on a
 * Kinesis event file with the current environment, like `sam local invoke`. The response JSON goes to stdout; the
 * function's logs and EMF metrics go to stderr, so `npm run -s invoke -- e.json | jq` works.
 *
 * @example
 * npm run build
 * TEST_RUN=True MODEL_LOCATION=model/artifacts/<run id> npm run -s invoke -- docker/events/kinesis-mixed.json
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { FunctionResponse } from '../../functions/handler';

// `--bundle` exists for tests that build elsewhere.
const { values: args, positionals } = parseArgs({
  options: { bundle: { type: 'string' } },
  allowPositionals: true,
});
const BUNDLE = path.resolve(args.bundle ?? path.join(__dirname, '../../dist/handler.js'));
const FUNCTION_NAME = 'wine-quality-inference-local';

function fail(message: string): never {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(2);
}

/** A Lambda context like the runtime's, so Powertools logs carry request id and function fields. */
function localContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  // The deprecated callback-style members (done, fail, succeed) are left out: an async handler never calls them.
  const context: Omit<Context, 'done' | 'fail' | 'succeed'> = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:${FUNCTION_NAME}`,
    memoryLimitInMB: '2048',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  return context as Context;
}

/** The function's own errors carry a code and a complete message; anything else gets its stack. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? `${error.name} (${code}): ${error.message}`
    : (error.stack ?? error.message);
}

async function main(): Promise<void> {
  const file = positionals[0];
  if (!file) fail('usage: npm run invoke -- <kinesis-event.json>');
  if (!fs.existsSync(BUNDLE))
    fail(`${path.relative(process.cwd(), BUNDLE)} does not exist: run \`npm run build\` first`);
  let event: KinesisStreamEvent;
  try {
    event = JSON.parse(fs.readFileSync(file, 'utf8')) as KinesisStreamEvent;
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }

  // Everything the function prints (Powertools JSON logs, EMF) goes to stderr; stdout carries only the response.
  const writeStdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  let response: FunctionResponse;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, loaded at run time
    const bundle = require(BUNDLE) as {
      handler: (e: KinesisStreamEvent, c: Context) => Promise<FunctionResponse>;
    };
    response = await bundle.handler(event, localContext(60_000));
  } catch (error) {
    process.stderr.write(`invoke: the handler threw ${describeError(error)}\n`);
    process.exitCode = 1;
    return;
  } finally {
    process.stdout.write = writeStdout;
  }
  writeStdout(`${JSON.stringify(response, null, 2)}\n`);
}

void main();
