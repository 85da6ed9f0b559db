/**
 * `npx tsx scripts/ci/compose-stream-check.ts [event.json] [--compose docker-compose.yml] [--expectations <file>]
 * [--timeout <s>]`: with `TEST_RUN=False docker compose up -d` running, POSTs a Kinesis event to the compose `lambda`
 * service and reads its predictions back from the compose `kinesis` service (from the newest record on, so earlier
 * runs do not count), then checks them like `npm run docker:invoke` checks a `TEST_RUN=True` response.
 * The event defaults to docker/events/kinesis-valid.json (every record predicted: rejections go to S3, not the stream).
 * Exit codes: 0 every expected prediction arrived and is right, 1 not, 2 bad arguments or files.
 */
import '../node20-sdk-warning';
import type { KinesisStreamEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createKinesisClient } from '../../functions/adapters/aws-clients';
import { invoke } from '../../docker/invoke';
import type { InvokeExpectations } from '../../docker/invoke-check';
import { StreamTail } from '../streams/tail';
import {
  answeredSequenceNumber,
  ComposeFileError,
  composeTargets,
  expectedPredictions,
  judgeStreamedPredictions,
} from './composeStream';
import { exitWith } from './exit';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const POLL_INTERVAL_MS = 500;

const USAGE = `Usage: npx tsx scripts/ci/compose-stream-check.ts [event.json] [options]

  event.json              a Kinesis event whose records are all predicted (default docker/events/kinesis-valid.json)
  --compose <file>        the compose file (default docker-compose.yml)
  --expectations <file>   per-record outcomes (default docker/expectations/<event file name>)
  --timeout <s>           how long to wait for the function and for its predictions (default 60)
Exit codes: 0 right, 1 wrong or missing predictions, 2 bad arguments or files.`;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The CLI; exported for the integration test. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        compose: { type: 'string', default: path.join(REPO_ROOT, 'docker-compose.yml') },
        expectations: { type: 'string' },
        timeout: { type: 'string', default: '60' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`compose-stream-check: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const timeoutSeconds = Number(values.timeout);
  if (positionals.length > 1 || !(timeoutSeconds > 0)) {
    console.error(`compose-stream-check: at most one event file and a positive --timeout\n\n${USAGE}`);
    return 2;
  }
  const eventFile = positionals[0] ?? path.join(REPO_ROOT, 'docker', 'events', 'kinesis-valid.json');
  const expectationsFile =
    values.expectations ?? path.join(REPO_ROOT, 'docker', 'expectations', path.basename(eventFile));
  let event: KinesisStreamEvent;
  let expectations: InvokeExpectations;
  let targets;
  try {
    event = readJson(eventFile) as KinesisStreamEvent;
    expectations = readJson(expectationsFile) as InvokeExpectations;
    targets = composeTargets(readFileSync(values.compose, 'utf8'));
  } catch (error) {
    const what =
      error instanceof ComposeFileError ? `${values.compose}: ${error.message}` : (error as Error).message;
    console.error(`compose-stream-check: ${what}`);
    return 2;
  }

  const kinesis = createKinesisClient({
    endpoint: targets.kinesisEndpoint,
    region: targets.region,
    credentials: { ...targets.credentials },
  });
  // Primed at the newest record before the POST, so only this invocation's predictions are read.
  const tail = await StreamTail.open(kinesis, targets.predictionsStream, 'LATEST');
  try {
    const response = await invoke(targets.invokeUrl, event, timeoutSeconds);
    const body: unknown = await response.json();
    // The response should be `{"batchItemFailures": []}`; a long one is cut (it is judged in full below).
    console.log(
      `POST ${targets.invokeUrl} ← ${path.relative(process.cwd(), eventFile)}: HTTP ${response.status} ` +
        JSON.stringify(body).slice(0, 300),
    );

    const wanted = expectedPredictions(expectations);
    const streamed = new Map<string, unknown>();
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (streamed.size < wanted.size && Date.now() < deadline) {
      for (const record of await tail.poll()) {
        const prediction: unknown = JSON.parse(Buffer.from(record.data).toString('utf8'));
        const sequenceNumber = answeredSequenceNumber(prediction);
        if (sequenceNumber !== undefined && wanted.has(sequenceNumber))
          streamed.set(sequenceNumber, prediction);
      }
      if (streamed.size < wanted.size) await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    console.log(
      `read ${streamed.size} of ${wanted.size} predictions from ${targets.predictionsStream} at ${targets.kinesisEndpoint}`,
    );
    const check = judgeStreamedPredictions(event, body, [...streamed.values()], expectations);
    const problems = [...(response.ok ? [] : [`HTTP status ${response.status}`]), ...check.problems];
    for (const problem of problems) console.log(`  FAIL ${problem}`);
    console.log(problems.length === 0 ? 'OK' : `${problems.length} problem(s)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    tail.close();
    kinesis.destroy();
  }
}

if (require.main === module) exitWith('compose-stream-check', main(process.argv.slice(2)));
