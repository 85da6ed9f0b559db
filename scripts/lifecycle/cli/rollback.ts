/**
 * `npm run model:rollback -- (--local | --env <env>) [--to <run_id>]`
 *
 * Moves alias live back to the version it replaced last (from the registry), or to the newest published version that
 * serves `--to`: one API call, no build, no apply. Then smoke-tests it and records the rollback. Exit 0 done, 1 the
 * smoke test failed (live stays rolled back), 2 usage or lookup error (nothing changed).
 */
import '../../node20-sdk-warning';
import * as cli from '../cli';
import { cliContext, rollback } from '../rollout';
import { checkRunId } from '../runs';
import { openTarget } from '../target';

const USAGE = `Usage: npm run model:rollback -- (--local | --env <env>) [--to <run_id>] [--timeout <s>]

Moves alias live back — to the version it replaced last, or to the newest version serving --to — then smoke-tests
and records it (docs/model-lifecycle.md). No image build, no terraform apply.

${cli.WHERE_USAGE}
  --to <run_id>            go back to this run's newest published version
  --timeout <s>            how long the smoke test waits for its predictions (default 60)

${cli.EXIT_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const values = cli.parseFlags(argv, {
    ...cli.WHERE_OPTIONS,
    to: { type: 'string' },
    timeout: { type: 'string' },
  });
  const to = values.to === undefined ? undefined : checkRunId('--to', values.to);
  const timeoutMs = cli.secondsFrom('--timeout', values.timeout, 60) * 1000;
  const target = openTarget(cli.whereFrom(values, true));
  try {
    const context = await cliContext(target, { smokeTimeoutMs: timeoutMs, log: (line) => console.log(line) });
    const outcome = await rollback(context, to);
    console.log(`model:rollback: ${outcome.summary}`);
    return outcome.exitCode;
  } finally {
    target.destroy();
  }
}

cli.runLifecycleCli('model:rollback', USAGE, main);
