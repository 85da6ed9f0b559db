/**
 * Names of everything the stack creates, derived from the environment's `namePrefix` in one place so the
 * constructs, the dashboard, the outputs and the tests agree.
 */

/** Resource names for one environment. */
export interface ResourceNames {
  readonly inputStream: string;
  readonly outputStream: string;
  readonly function: string;
  readonly role: string;
  readonly logGroup: string;
  readonly repository: string;
  readonly deadLetterQueue: string;
  readonly alarmTopic: string;
  readonly dashboard: string;
  /** `bucket_prefix` of a created model bucket (AWS appends a unique suffix; bucket names are global). */
  readonly modelBucketPrefix: string;
  /** The batch inference function (same image, `batch.handler`); also its role's name. */
  readonly batchFunction: string;
  readonly batchLogGroup: string;
}

/**
 * Derives every resource name from the prefix.
 *
 * @param prefix - the environment's `namePrefix`, e.g. `wine-quality-stage`.
 * @param streamNames - explicit stream names from the configuration, if any.
 */
export function resourceNames(
  prefix: string,
  streamNames: { input?: string | undefined; output?: string | undefined } = {},
): ResourceNames {
  const functionName = `${prefix}-scorer`;
  return {
    inputStream: streamNames.input ?? `${prefix}-input`,
    outputStream: streamNames.output ?? `${prefix}-predictions`,
    function: functionName,
    role: functionName,
    logGroup: `/aws/lambda/${functionName}`,
    repository: functionName,
    deadLetterQueue: `${functionName}-failures`,
    alarmTopic: `${prefix}-alarms`,
    dashboard: prefix,
    modelBucketPrefix: `${prefix}-models-`,
    batchFunction: `${prefix}-batch`,
    batchLogGroup: `/aws/lambda/${prefix}-batch`,
  };
}
