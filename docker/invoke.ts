/**
 * `npm run docker:invoke -- [event.json] [--url <invoke url>] [--expectations <file>] [--wait-seconds 30]`:
 * POSTs a Kinesis event to the container's Runtime Interface Emulator (docker-compose's `lambda` service) and checks
 * the answer (see `invoke-check.ts`). The event defaults to docker/events/kinesis-mixed.json; the expectations to
 * docker/expectations/<event file name> when that exists. Exit codes: 0 the answer is right, 1 it is not (or no
 * answer), 2 bad arguments.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkInvokeResponse, type InvokeExpectations } from './invoke-check';

export const DEFAULT_INVOKE_URL = 'http://localhost:8080/2015-03-31/functions/function/invocations';
const DEFAULT_EVENT = path.join(__dirname, 'events', 'kinesis-mixed.json');
const EXPECTATIONS_DIR = path.join(__dirname, 'expectations');

const USAGE = `Usage: npm run docker:invoke -- [event.json] [options]

  event.json                a Kinesis event (default docker/events/kinesis-mixed.json)
  --url <url>               invoke endpoint (default ${DEFAULT_INVOKE_URL})
  --expectations <file>     per-record expected outcomes (default docker/expectations/<event file name> if present)
  --wait-seconds <n>        keep retrying while nothing listens yet, e.g. right after \`docker compose up\` (default 30)
  --print                   print the response body`;

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** POSTs the event, retrying connection failures (the container may still be starting) until the deadline. */
export async function invoke(url: string, event: KinesisStreamEvent, waitSeconds: number): Promise<Response> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await fetch(url, {
        method: 'POST',
        body: JSON.stringify(event),
        headers: { 'content-type': 'application/json' },
      });
    } catch (error) {
      if (Date.now() > deadline) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new Error(
          `no answer from ${url} within ${waitSeconds} s (${cause}): is \`docker compose up\` running?`,
          {
            cause: error,
          },
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: DEFAULT_INVOKE_URL },
        expectations: { type: 'string' },
        'wait-seconds': { type: 'string', default: '30' },
        print: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`docker:invoke: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const waitSeconds = Number(values['wait-seconds']);
  if (positionals.length > 1 || !(waitSeconds >= 0)) {
    console.error(
      `docker:invoke: expected at most one event file and a non-negative --wait-seconds\n\n${USAGE}`,
    );
    return 2;
  }
  const eventFile = positionals[0] ?? DEFAULT_EVENT;
  const expectationsFile = values.expectations ?? path.join(EXPECTATIONS_DIR, path.basename(eventFile));
  let event: KinesisStreamEvent;
  let expectations: InvokeExpectations | undefined;
  try {
    event = readJson(eventFile) as KinesisStreamEvent;
    if (!Array.isArray(event.Records)) throw new Error('it has no Records array');
    if (values.expectations !== undefined || fs.existsSync(expectationsFile)) {
      expectations = readJson(expectationsFile) as InvokeExpectations;
    }
  } catch (error) {
    console.error(`docker:invoke: cannot use ${eventFile}: ${(error as Error).message}`);
    return 2;
  }

  const started = performance.now();
  const response = await invoke(values.url, event, waitSeconds);
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    console.error(`docker:invoke: HTTP ${response.status} in ${ms} ms, not JSON: ${text.slice(0, 500)}`);
    return 1;
  }
  if (values.print) console.log(JSON.stringify(body, null, 2));
  const check = checkInvokeResponse(event, body, expectations);
  const reasons = Object.entries(check.rejectedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  console.log(
    `POST ${values.url} ← ${path.relative(process.cwd(), eventFile)} (${event.Records.length} records)`,
  );
  console.log(
    `HTTP ${response.status} in ${ms} ms: ${check.predicted} predicted, ` +
      `${Object.values(check.rejectedByReason).reduce((a, b) => a + b, 0)} rejected${reasons ? ` (${reasons})` : ''}`,
  );
  console.log(
    expectations
      ? `expectations: ${path.relative(process.cwd(), expectationsFile)}`
      : 'expectations: none for this event (checked the response shape and that every record is answered once)',
  );
  const problems = [...(response.ok ? [] : [`HTTP status ${response.status}`]), ...check.problems];
  for (const problem of problems) console.log(`  FAIL ${problem}`);
  console.log(problems.length === 0 ? 'OK' : `${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`docker:invoke: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
