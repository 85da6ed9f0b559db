/**
 * Where one environment's deployed pieces are, by name, for the commands that operate on a running deployment (the
 * lifecycle's `--env`): derived from `infra/config/<environment>.json` exactly as the stack derives them.
 */
import { loadInfraConfig, parseEnvironment } from './config/load';
import type { Environment } from './config/schema';
import { LIVE_ALIAS, resourceNames } from './naming';
import { CONFIG_DIR, RUNS_FILE } from './paths';

/** An environment's names and region. */
export interface Deployment {
  readonly environment: Environment;
  readonly region: string;
  readonly functionName: string;
  /** The alias the input stream invokes. */
  readonly alias: string;
  readonly inputStream: string;
  readonly outputStream: string;
  readonly experimentId: string;
}

/**
 * The deployment of `environment`.
 *
 * @param environment - `stage` or `prod` (anything else is an error naming the valid ones)
 * @throws `InfraConfigError` for an unknown environment or an invalid configuration file
 */
export function deploymentOf(environment: string): Deployment {
  const env = parseEnvironment(environment);
  const config = loadInfraConfig(env, { configDir: CONFIG_DIR, runsFile: RUNS_FILE });
  const names = resourceNames(config.namePrefix, {
    input: config.streams.input.name,
    output: config.streams.output.name,
  });
  return {
    environment: env,
    region: config.region,
    functionName: names.function,
    alias: LIVE_ALIAS,
    inputStream: names.inputStream,
    outputStream: names.outputStream,
    experimentId: config.model.experimentId,
  };
}
