/**
 * `npm run deploy -- <stage|prod> [terraform options…]` (e.g. `-auto-approve` in CI)
 *
 * `terraform apply` of the environment (infra/terraform.ts), then the alias roll-forward: Terraform publishes a new
 * version for a code or configuration change but leaves alias live and `RUN_ID` to the lifecycle commands (so an apply
 * never undoes a promote or a rollback). When the newest version serves the live run, live moves to it, is
 * smoke-tested (and moved back on failure) and the move is recorded. The first deploy also publishes the live run's
 * model to the bucket. Exit: terraform's code if the apply fails; else 0 done, 1 smoke failed (live moved back), 2 bad
 * environment.
 */
import '../../node20-sdk-warning';
import { spawnSync } from 'node:child_process';
import { deploymentOf, TERRAFORM_CLI } from '../../../infra/index';
import * as cli from '../cli';
import { UsageError } from '../errors';
import { cliContext, rollForward } from '../rollout';
import { openTarget } from '../target';

const USAGE = `Usage: npm run deploy -- <environment> [terraform options…] [--smoke-timeout <s>]

terraform apply of the environment's stack, then alias live rolled forward to the version the apply published when
it serves the live run (smoke-tested, moved back on failure, recorded). e.g. npm run deploy -- stage -auto-approve

${cli.EXIT_USAGE} A failed apply exits with terraform's code.`;

async function main(argv: readonly string[]): Promise<number> {
  const smokeFlag = argv.indexOf('--smoke-timeout');
  const smokeTimeoutMs =
    cli.secondsFrom('--smoke-timeout', smokeFlag < 0 ? undefined : argv[smokeFlag + 1], 120) * 1000;
  const rest = smokeFlag < 0 ? argv : [...argv.slice(0, smokeFlag), ...argv.slice(smokeFlag + 2)];
  const [environment, ...terraformOptions] = rest;
  if (environment === undefined || environment.startsWith('-')) {
    throw new UsageError('name the environment first: npm run deploy -- <stage|prod> [terraform options…]');
  }
  deploymentOf(environment); // a bad environment or configuration fails here, before terraform starts
  // A process, not an import: the CDKTF app is infra's own, and importing it would run its CLI.
  const apply = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), TERRAFORM_CLI, 'apply', environment, ...terraformOptions],
    { stdio: 'inherit' },
  );
  if (apply.status !== 0) return apply.status ?? 1;
  const target = openTarget({ kind: 'env', env: environment });
  try {
    const context = await cliContext(target, { smokeTimeoutMs, log: (line) => console.log(line) });
    const outcome = await rollForward(context);
    console.log(`deploy: ${outcome.summary}`);
    return outcome.exitCode;
  } finally {
    target.destroy();
  }
}

cli.runLifecycleCli('deploy', USAGE, main);
