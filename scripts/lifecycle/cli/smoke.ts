/**
 * `npm run smoke -- (--local | --env <env>) [--run-id <run_id>] [--timeout <s>] [--count <n>]`
 *
 * Puts canary records (test rows of the run, customer_id canary-…) on the input stream and checks their predictions:
 * written by the run, equal to its offline predictions. Default run: the live one. Exit 0 passed, 1 a mismatch or a
 * timeout, 2 usage or lookup error.
 */
import '../../node20-sdk-warning';
import * as cli from '../cli';
import { EXIT_CODES, UsageError } from '../errors';
import { checkRunId, resolveRun } from '../runs';
import { runSmoke } from '../smoke';
import { openTarget } from '../target';
import { readLive, readModelStore } from '../versions';

const USAGE = `Usage: npm run smoke -- (--local | --env <env>) [--run-id <run_id>] [--timeout <s>] [--count <n>]

Puts canary records (rows of the run's test split, customer_id "canary-…") on the input stream and checks that their
predictions come from the run and equal its offline predictions; prints each check and the put → prediction latency.

${cli.WHERE_USAGE}
  --run-id <run_id>        the run expected to answer (default: the live run)
  --timeout <s>            how long to wait for the predictions (default 60)
  --count <n>              canary records (default 5)

${cli.EXIT_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const values = cli.parseFlags(argv, {
    ...cli.WHERE_OPTIONS,
    'run-id': { type: 'string' },
    timeout: { type: 'string' },
    count: { type: 'string' },
  });
  const timeoutMs = cli.secondsFrom('--timeout', values.timeout, 60) * 1000;
  const count = values.count === undefined ? 5 : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new UsageError(`--count must be a whole number from 1 to 100, got ${JSON.stringify(values.count)}`);
  }
  const requested = values['run-id'] === undefined ? undefined : checkRunId('--run-id', values['run-id']);
  const target = openTarget(cli.whereFrom(values, true));
  try {
    const store = await readModelStore(target);
    const runId = requested ?? (await readLive(target)).version.runId;
    const run = await resolveRun(runId, { target, store });
    const result = await runSmoke({ target, run, timeoutMs, count, log: (line) => console.log(line) });
    console.log(`smoke: ${result.passed ? 'passed' : 'FAILED'}: ${result.detail}`);
    return result.passed ? EXIT_CODES.ok : EXIT_CODES.failed;
  } finally {
    target.destroy();
  }
}

cli.runLifecycleCli('smoke', USAGE, main);
