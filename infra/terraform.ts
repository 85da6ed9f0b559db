/**
 * `npm run deploy -- <environment>` / `npm run destroy -- <environment>`: synthesize that environment's stack,
 * then `terraform -chdir=infra/cdktf.out/stacks/<environment> init` and `apply` / `destroy` (or `plan`).
 * Anything after the environment goes to terraform (e.g. `-auto-approve`). `TERRAFORM_BINARY=tofu` runs OpenTofu.
 */
import './checkpoint-off';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ImagePipelineError } from './image/errors';
import { buildApp } from './app';
import { parseEnvironment } from './config/load';
import { InfraError } from './errors';
import {
  CONFIG_DIR,
  LOCAL_STATE_DIR,
  REPO_ROOT,
  RUNS_FILE,
  SYNTH_OUTDIR,
  relativePosix,
  stackDirectory,
} from './paths';

const ACTIONS = ['apply', 'destroy', 'plan'] as const;

const USAGE = `Usage: tsx infra/terraform.ts <${ACTIONS.join('|')}> <environment> [terraform options…]
  e.g. npm run deploy -- stage            npm run destroy -- stage -auto-approve`;

function terraform(binary: string, args: readonly string[]): number {
  console.log(`$ ${binary} ${args.join(' ')}`);
  const result = spawnSync(binary, [...args], {
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (result.error !== undefined) {
    console.error(
      `cannot run ${binary}: ${result.error.message} (install Terraform ≥ 1.4 or set TERRAFORM_BINARY)`,
    );
    return 127;
  }
  return result.status ?? 1;
}

function main(argv: readonly string[]): number {
  const [action, environmentName, ...extra] = argv;
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    console.error(USAGE);
    return 2;
  }
  try {
    const environment = parseEnvironment(environmentName);
    const { app } = buildApp({
      outdir: SYNTH_OUTDIR,
      repoRoot: REPO_ROOT,
      configDir: CONFIG_DIR,
      runsFile: RUNS_FILE,
      environments: [environment],
    });
    app.synth();
    mkdirSync(LOCAL_STATE_DIR, { recursive: true });
    const chdir = `-chdir=${relativePosix(process.cwd(), stackDirectory(SYNTH_OUTDIR, environment))}`;
    const binary = process.env.TERRAFORM_BINARY ?? 'terraform';
    const init = terraform(binary, [chdir, 'init', '-input=false']);
    if (init !== 0) return init;
    return terraform(binary, [chdir, action, ...extra]);
  } catch (error) {
    if (error instanceof InfraError || error instanceof ImagePipelineError) {
      console.error(error.message);
      console.error(USAGE);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
