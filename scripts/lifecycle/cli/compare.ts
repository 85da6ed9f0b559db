/**
 * `npm run model:compare -- --candidate <run_id> [--baseline <run_id>] [--local | --env <env>] [--eval-data <csv>]`
 *
 * The promotion gate on its own: scores both runs with the function's scorer on rows neither was trained on, prints
 * the figures side by side with the paired uncertainty, checks that producers send what the candidate needs, and
 * gives the verdict. Exit 0 PROMOTE, 3 REFUSE, 2 usage or lookup error (naming what was not found), 1 failure.
 */
import '../../node20-sdk-warning';
import * as cli from '../cli';
import { compareRuns } from '../comparison';
import { renderComparison } from '../compare-report';
import { EXIT_CODES } from '../errors';
import { checkRunId } from '../runs';
import { openTarget } from '../target';

const USAGE = `Usage: npm run model:compare -- --candidate <run_id> [--baseline <run_id>] [--local | --env <env>] [options]

Compares a candidate run with the baseline (default: the run live where --local/--env points) on the same rows
neither was trained on, and applies the promotion gate (docs/model-lifecycle.md).

  --candidate <run_id>     the run to judge (model/artifacts/<run_id>/, else the model bucket)
  --baseline <run_id>      the run to beat (required without --local/--env)
${cli.WHERE_USAGE}
  --eval-data <csv>        score on every row of this labelled CSV (the training CSV's columns) instead of the
                           intersection of the two runs' test splits
  --window-minutes <n>     how far back the input stream is read for the contract check (default 60)

${cli.EXIT_USAGE} Compare: 0 PROMOTE, 3 REFUSE.`;

async function main(argv: readonly string[]): Promise<number> {
  const values = cli.parseFlags(argv, {
    ...cli.WHERE_OPTIONS,
    candidate: { type: 'string' },
    baseline: { type: 'string' },
    'eval-data': { type: 'string' },
    'window-minutes': { type: 'string' },
  });
  const candidate = checkRunId('--candidate', values.candidate);
  const baseline = values.baseline === undefined ? undefined : checkRunId('--baseline', values.baseline);
  const windowMinutes = cli.secondsFrom('--window-minutes', values['window-minutes'], 60);
  const where = cli.whereFrom(values, false);
  const target = where ? openTarget(where) : undefined;
  try {
    const comparison = await compareRuns({
      candidate,
      baseline,
      target,
      evalData: values['eval-data'],
      windowMinutes,
    });
    console.log(renderComparison(comparison));
    return comparison.result.verdict === 'PROMOTE' ? EXIT_CODES.ok : EXIT_CODES.refused;
  } finally {
    target?.destroy();
  }
}

cli.runLifecycleCli('model:compare', USAGE, main);
