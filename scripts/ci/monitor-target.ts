/**
 * `npx tsx scripts/ci/monitor-target.ts --env <environment>`: prints, as `key=value` lines for `$GITHUB_OUTPUT`, what
 * `npm run monitor` needs to watch a deployed environment: region, input_stream, predictions_stream (from the
 * synthesized stack; run `npm run synth` first), run_id, model_location and quarantine (from the configuration of the
 * function version that serves: the stack's alias when it has one). Needs `lambda:GetFunctionConfiguration`.
 * Exit codes: 0 printed, 1 the stack or the function lacks something (the message names it), 2 bad arguments.
 */
import '../node20-sdk-warning';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDir } from '../../model';
import { monitorTarget, MonitorTargetError, targetLines } from './monitorTarget';
import { readStackFacts, stackFile, StackFactsError } from './stack';
import { exitWith } from './exit';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const USAGE = `Usage: npx tsx scripts/ci/monitor-target.ts --env <environment>
Exit codes: 0 printed, 1 unusable stack or function configuration, 2 bad arguments.`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { env: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`monitor-target: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const environment = values.env;
  if (environment === undefined || !/^[a-z0-9-]+$/.test(environment)) {
    console.error(`monitor-target: --env must name an environment (e.g. prod)\n\n${USAGE}`);
    return 2;
  }
  const file = stackFile(REPO_ROOT, environment);
  if (!existsSync(file)) {
    console.error(
      `monitor-target: ${path.relative(process.cwd(), file)} does not exist: run \`npm run synth\` first`,
    );
    return 1;
  }
  let lambda: LambdaClient | undefined;
  try {
    const facts = readStackFacts(JSON.parse(readFileSync(file, 'utf8')), environment, file);
    lambda = new LambdaClient({ region: facts.region });
    const configuration = await lambda.send(
      new GetFunctionConfigurationCommand({
        FunctionName: facts.functionName,
        ...(facts.aliasName === undefined ? {} : { Qualifier: facts.aliasName }),
      }),
    );
    const target = monitorTarget(facts, configuration.Environment?.Variables ?? {}, (runId) =>
      existsSync(runDir(runId)) ? path.relative(REPO_ROOT, runDir(runId)) : undefined,
    );
    for (const line of targetLines(target)) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof StackFactsError || error instanceof MonitorTargetError) {
      console.error(`monitor-target: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    lambda?.destroy();
  }
}

exitWith('monitor-target', main(process.argv.slice(2)));
