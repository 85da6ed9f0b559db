/**
 * CLI: build the Lambda image and push it to ECR under its content-hash tag. Infra runs it from a `terraform_data`
 * local-exec provisioner whenever the build context's hash changes; see `--help` for running it by hand.
 * Exit codes: 0 done (or already present), 1 failure (one line naming the cause), 2 bad arguments.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { spawn } from 'node:child_process';
import { parseImageArguments, USAGE } from './arguments';
import { CommandFailedError, ImagePipelineError, InvalidImageArgumentsError } from './errors';
import { buildAndPushImage, describeCommand, type Command } from './pipeline';

/**
 * Runs a command with inherited stdout/stderr (docker's progress shows in terraform's output) and optional stdin.
 *
 * @throws {@link CommandFailedError} on a non-zero exit or when the program cannot be started.
 */
export function spawnCommand(command: Command): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.program, [...command.args], {
      stdio: [command.input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    });
    child.once('error', (error) =>
      reject(new CommandFailedError(describeCommand(command), null, { cause: error })),
    );
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new CommandFailedError(describeCommand(command), code));
    });
    if (command.input !== undefined) child.stdin?.end(command.input);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string): void => console.log(`[image] ${line}`);
  try {
    const args = parseImageArguments(argv);
    if (args === 'help') {
      console.log(USAGE);
      return 0;
    }
    const ecr = new ECRClient({ region: args.region });
    const result = await buildAndPushImage(args, { ecr, run: spawnCommand, log });
    if (args.dryRun) log(`dry run: nothing built or pushed for ${result.imageReference}`);
    else log(result.pushed ? `done: ${result.imageReference}` : `unchanged: ${result.imageReference}`);
    return 0;
  } catch (error) {
    if (error instanceof InvalidImageArgumentsError) {
      console.error(`[image] ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = error instanceof ImagePipelineError ? error.message : String(error);
    console.error(`[image] failed: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
