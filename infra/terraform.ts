/**
 * `npm run deploy -- <environment>` / `npm run destroy -- <environment>` / `npm run plan -- <environment>`: synthesize
 * that environment's stack, then `terraform -chdir=infra/cdktf.out/stacks/<environment> init` and `apply` / `destroy`
 * / `plan`. Anything after the environment goes to terraform (e.g. `-auto-approve -input=false` for a run without a
 * terminal, as in CI), except `--image-uri <uri>`, which replaces the configuration's `image.uri` (a CI-built image
 * pinned by digest; validated like the file). `TERRAFORM_BINARY=tofu` runs OpenTofu.
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

const IMAGE_URI_FLAG = '--image-uri';

const USAGE = `Usage: tsx infra/terraform.ts <${ACTIONS.join('|')}> <environment> [${IMAGE_URI_FLAG} <uri>] [terraform options…]
  e.g. npm run deploy -- stage            npm run destroy -- stage -auto-approve
       npm run deploy -- stage -auto-approve -input=false ${IMAGE_URI_FLAG} <account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>`;

/**
 * Splits our one option from terraform's. Hand-written because `parseArgs` would read terraform's single-dash
 * long flags (`-auto-approve`) as clusters of short options.
 *
 * @returns the image URI (if given) and the arguments for terraform, or a one-line error.
 */
function takeImageUri(args: readonly string[]): { imageUri?: string; terraformArgs: string[] } | string {
  const terraformArgs: string[] = [];
  let imageUri: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg !== IMAGE_URI_FLAG && !arg.startsWith(`${IMAGE_URI_FLAG}=`)) {
      terraformArgs.push(arg);
      continue;
    }
    const value = arg === IMAGE_URI_FLAG ? args[(i += 1)] : arg.slice(IMAGE_URI_FLAG.length + 1);
    if (value === undefined || value === '' || value.startsWith('-'))
      return `${IMAGE_URI_FLAG} needs a value`;
    if (imageUri !== undefined) return `${IMAGE_URI_FLAG} was given twice`;
    imageUri = value;
  }
  return imageUri === undefined ? { terraformArgs } : { imageUri, terraformArgs };
}

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
  const options = takeImageUri(extra);
  if (typeof options === 'string') {
    console.error(`${options}\n${USAGE}`);
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
      overrides: { [environment]: { imageUri: options.imageUri } },
    });
    app.synth();
    mkdirSync(LOCAL_STATE_DIR, { recursive: true });
    const chdir = `-chdir=${relativePosix(process.cwd(), stackDirectory(SYNTH_OUTDIR, environment))}`;
    const binary = process.env.TERRAFORM_BINARY ?? 'terraform';
    const init = terraform(binary, [chdir, 'init', '-input=false']);
    if (init !== 0) return init;
    return terraform(binary, [chdir, action, ...options.terraformArgs]);
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
