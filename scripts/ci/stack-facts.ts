/**
 * `npx tsx scripts/ci/stack-facts.ts --env <environment> [--require-remote-state]`: prints what the workflows need to
 * know about a synthesized stack (run `npm run synth` first) as `key=value` lines for `$GITHUB_OUTPUT`: region,
 * backend, function_name, alias_name, input_stream, output_stream, ecr_repository, ecr_address, content_hash,
 * image_tag, platform. With `--require-remote-state` a stack whose Terraform state would stay on the runner is refused.
 * Exit codes: 0 printed, 1 the stack is unusable (the message names the file and why), 2 bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { outputLines, readStackFacts, remoteStateProblem, stackFile, StackFactsError } from './stack';

const USAGE = `Usage: npx tsx scripts/ci/stack-facts.ts --env <environment> [--require-remote-state]

Prints key=value lines about infra/cdktf.out/stacks/<environment>/cdk.tf.json (run npm run synth first).
  --require-remote-state   fail unless the stack keeps its Terraform state in S3 (required in CI)
Exit codes: 0 printed, 1 unusable stack, 2 bad arguments.`;

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        'require-remote-state': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`stack-facts: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const environment = values.env;
  if (environment === undefined || !/^[a-z0-9-]+$/.test(environment)) {
    console.error(`stack-facts: --env must name an environment (e.g. stage)\n\n${USAGE}`);
    return 2;
  }
  const file = stackFile(REPO_ROOT, environment);
  const label = path.relative(process.cwd(), file);
  if (!existsSync(file)) {
    console.error(`stack-facts: ${label} does not exist: run \`npm run synth\` first`);
    return 1;
  }
  try {
    const facts = readStackFacts(JSON.parse(readFileSync(file, 'utf8')), environment, label);
    const problem = values['require-remote-state'] ? remoteStateProblem(facts) : undefined;
    if (problem !== undefined) {
      console.error(`stack-facts: ${problem}`);
      return 1;
    }
    for (const line of outputLines(facts)) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof StackFactsError || error instanceof SyntaxError) {
      console.error(`stack-facts: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
