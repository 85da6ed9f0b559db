/**
 * Names of everything the stack creates, derived from the environment's `namePrefix` in one place so the
 * constructs, the dashboard, the outputs and the tests agree.
 */

/**
 * The alias the input stream's event source mapping invokes: it names the published version (one per model run) that
 * serves. Terraform creates it once; after that the lifecycle commands move it (docs/model-lifecycle.md).
 */
export const LIVE_ALIAS = 'live';

/**
 * Key prefix, with a trailing slash, of the lifecycle registry in the model bucket: one append-only JSON record per
 * promote, refused promote, rollback and deploy roll-forward, beside the experiment's runs (docs/model-lifecycle.md).
 */
export function registryPrefix(experimentId: string): string {
  return `${experimentId}/registry/`;
}

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
  /** Managed policy for whoever promotes and rolls back models (a person or a CI role attaches it). */
  readonly lifecyclePolicy: string;
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
    lifecyclePolicy: `${prefix}-model-lifecycle`,
    modelBucketPrefix: `${prefix}-models-`,
    batchFunction: `${prefix}-batch`,
    batchLogGroup: `/aws/lambda/${prefix}-batch`,
  };
}
