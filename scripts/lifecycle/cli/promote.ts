/**
 * `npm run model:promote -- (--local | --env <env>) --run-id <run_id> [--force --reason "…"]`
 *
 * Runs the gate (model:compare against the live run), then: the run to the model bucket if it is not there, a new
 * function version with that RUN_ID, alias live moved to it, a smoke test (live moved back at once if it fails), and
 * an append-only registry record. Exit 0 live (or already live), 1 failed (live moved back), 2 usage or lookup
 * error, 3 refused by the gate (recorded; nothing changed).
 */
import '../../node20-sdk-warning';
import * as cli from '../cli';
import { compareRuns } from '../comparison';
import { renderComparison } from '../compare-report';
import { UsageError } from '../errors';
import { cliContext, promote } from '../rollout';
import { checkRunId } from '../runs';
import { openTarget } from '../target';

const USAGE = `Usage: npm run model:promote -- (--local | --env <env>) --run-id <run_id> [--force --reason "…"] [options]

Gate (the model:compare rule against the live run), publish a version with the run, move alias live, smoke-test it
(moving live straight back if it fails), and record it in the registry (docs/model-lifecycle.md).

  --run-id <run_id>        the run to serve (model/artifacts/<run_id>/, else the model bucket)
${cli.WHERE_USAGE}
  --force                  promote even if the gate refuses (recorded as forced); needs --reason
  --reason "<text>"        why: recorded with the promotion
  --baseline <run_id>      judge against this run instead of the live one
  --eval-data <csv>        the gate scores this labelled CSV instead of the runs' shared test rows
  --window-minutes <n>     input stream window of the contract check (default 60)
  --timeout <s>            how long the smoke test waits for its predictions (default 60)

${cli.EXIT_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const values = cli.parseFlags(argv, {
    ...cli.WHERE_OPTIONS,
    'run-id': { type: 'string' },
    force: { type: 'boolean', default: false },
    reason: { type: 'string' },
    baseline: { type: 'string' },
    'eval-data': { type: 'string' },
    'window-minutes': { type: 'string' },
    timeout: { type: 'string' },
  });
  const runId = checkRunId('--run-id', values['run-id']);
  if (values.force && (values.reason === undefined || values.reason.trim() === '')) {
    throw new UsageError('--force needs --reason "<why>": an overridden gate is recorded with its reason');
  }
  const baseline = values.baseline === undefined ? undefined : checkRunId('--baseline', values.baseline);
  const windowMinutes = cli.secondsFrom('--window-minutes', values['window-minutes'], 60);
  const timeoutMs = cli.secondsFrom('--timeout', values.timeout, 60) * 1000;
  const target = openTarget(cli.whereFrom(values, true));
  try {
    const comparison = await compareRuns({
      candidate: runId,
      baseline,
      target,
      evalData: values['eval-data'],
      windowMinutes,
    });
    console.log(renderComparison(comparison));
    console.log('');
    const context = await cliContext(target, { smokeTimeoutMs: timeoutMs, log: (line) => console.log(line) });
    const outcome = await promote(context, {
      run: comparison.candidate,
      comparison,
      force: values.force,
      reason: values.reason,
    });
    console.log(`model:promote: ${outcome.summary}`);
    return outcome.exitCode;
  } finally {
    target.destroy();
  }
}

cli.runLifecycleCli('model:promote', USAGE, main);
