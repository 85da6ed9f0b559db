/**
 * What drift.yml passes to `npm run monitor` for a deployed environment: the stack's streams and region (from the
 * synthesized stack) and the served run with its model folder and quarantine (from the function's configuration,
 * read from AWS at run time, since a promotion changes them without a deploy). Pure: the CLI does the reading.
 */
import { modelPrefix, DEFAULT_EXPERIMENT_ID, RUN_ID_PATTERN } from '../../model/src/contract';
import type { StackFacts } from './stack';

/** The deployed function's environment lacks what the monitor needs; the message names the variable. */
export class MonitorTargetError extends Error {
  override readonly name = 'MonitorTargetError';
}

/** `npm run monitor` arguments for one environment. */
export interface MonitorTarget {
  readonly region: string;
  readonly inputStream: string;
  readonly predictionsStream: string;
  readonly runId: string;
  /** `model/artifacts/<run>` when the run is committed, else the published folder in the model bucket. */
  readonly modelLocation: string;
  readonly quarantine: string;
}

/**
 * Combines the stack's facts with the serving function's environment variables.
 *
 * @param facts - the synthesized stack's facts
 * @param variables - `Environment.Variables` of the function version the alias (or `$LATEST`) serves
 * @param localRunDir - the run's folder in `model/artifacts/` if it is committed there, else `undefined`
 * @throws {@link MonitorTargetError} naming a missing or malformed variable
 */
export function monitorTarget(
  facts: StackFacts,
  variables: Readonly<Record<string, string | undefined>>,
  localRunDir: (runId: string) => string | undefined,
): MonitorTarget {
  const where = `${facts.functionName}${facts.aliasName === undefined ? '' : `:${facts.aliasName}`}`;
  const runId = variables.RUN_ID;
  if (runId === undefined || !RUN_ID_PATTERN.test(runId)) {
    throw new MonitorTargetError(`${where}: RUN_ID ${JSON.stringify(runId)} is not a run id`);
  }
  const bucket = variables.MODEL_BUCKET;
  const local = localRunDir(runId);
  if (local === undefined && (bucket === undefined || bucket === '')) {
    throw new MonitorTargetError(
      `${where}: MODEL_BUCKET is not set and run ${runId} is not in model/artifacts/`,
    );
  }
  const quarantine =
    variables.QUARANTINE_LOCATION ?? (bucket === undefined ? undefined : `s3://${bucket}/quarantine`);
  if (quarantine === undefined) {
    throw new MonitorTargetError(`${where}: neither QUARANTINE_LOCATION nor MODEL_BUCKET is set`);
  }
  const prefix = modelPrefix(variables.EXPERIMENT_ID ?? DEFAULT_EXPERIMENT_ID, runId).replace(/\/$/, '');
  return {
    region: facts.region,
    inputStream: facts.inputStream,
    predictionsStream: facts.outputStream,
    runId,
    modelLocation: local ?? `s3://${bucket ?? ''}/${prefix}`,
    quarantine,
  };
}

/** The target as `key=value` lines for `$GITHUB_OUTPUT`. */
export function targetLines(target: MonitorTarget): string[] {
  return [
    `region=${target.region}`,
    `input_stream=${target.inputStream}`,
    `predictions_stream=${target.predictionsStream}`,
    `run_id=${target.runId}`,
    `model_location=${target.modelLocation}`,
    `quarantine=${target.quarantine}`,
  ];
}
