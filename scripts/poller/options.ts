/**
 * Event source mapping options: the subset of Lambda's `CreateEventSourceMapping` parameters that apply to a Kinesis
 * stream, with Lambda's defaults and ranges. Durations are milliseconds (Lambda takes seconds) so tests can use short
 * windows and ages; docs/local-stack.md's semantics table maps each option to its Lambda parameter.
 */
import { PollerConfigError } from './errors';

/** Where a shard consumer starts when it has no checkpoint (Lambda's `StartingPosition`, AT_TIMESTAMP aside). */
export const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST'] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

/** What a caller may set. Every field but `streamName` and `startingPosition` has Lambda's default. */
export interface EventSourceMappingOptions {
  /** The Kinesis stream to read (`EventSourceArn`). */
  streamName: string;
  /** `StartingPosition`: TRIM_HORIZON reads every retained record, LATEST only records put after the start. */
  startingPosition: StartingPosition;
  /** `BatchSize`: most records per invocation, 1–10 000. Default 100. */
  batchSize?: number;
  /** `MaximumBatchingWindowInSeconds` × 1000: how long to gather records before invoking, 0–300 000. Default 0. */
  maximumBatchingWindowMs?: number;
  /** `MaximumRetryAttempts`: retries after the first failed invocation of a batch, -1 (infinite) to 10 000. Default -1. */
  maximumRetryAttempts?: number;
  /**
   * `MaximumRecordAgeInSeconds` × 1000: records older than this are not sent to the function but to the on-failure
   * destination; -1 = infinite. Lambda's minimum is 60 s; the poller accepts any age ≥ 0 so tests run fast. Default -1.
   */
  maximumRecordAgeMs?: number;
  /** `BisectBatchOnFunctionError`: split a failed batch in two and retry the halves (no retry quota used). Default false. */
  bisectBatchOnFunctionError?: boolean;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`: honour `batchItemFailures` in the response. Default false. */
  reportBatchItemFailures?: boolean;
  /** The function's timeout: an invocation still pending after it counts as a function error. Default 3 000 (Lambda's). */
  functionTimeoutMs?: number;
  /** Delay between reads of a shard that returned nothing (Lambda polls each shard about once a second). Default 1 000. */
  pollIntervalMs?: number;
  /** First delay before retrying a failed batch; doubles per consecutive failure up to 30 s. Default 1 000. */
  retryDelayMs?: number;
  /** Shows in `functionArn` of on-failure records and in the Lambda context. Default `local-function`. */
  functionName?: string;
  /** The event's `invokeIdentityArn` (the function's execution role). Default `arn:aws:iam::<account>:role/<functionName>-role`. */
  invokeIdentityArn?: string;
  /** The mapping's UUID: part of on-failure object keys (`aws/lambda/<mappingId>/…`). Default: a random UUID. */
  mappingId?: string;
}

/** Options after defaults and validation. */
export type ResolvedMappingOptions = Required<
  Omit<EventSourceMappingOptions, 'invokeIdentityArn' | 'mappingId'>
> &
  Pick<EventSourceMappingOptions, 'invokeIdentityArn' | 'mappingId'>;

/** Lambda's defaults for a Kinesis mapping, plus the local function timeout and poll interval. */
export const MAPPING_DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: false,
  functionTimeoutMs: 3_000,
  pollIntervalMs: 1_000,
  retryDelayMs: 1_000,
  functionName: 'local-function',
} as const;

function intIn(problems: string[], name: string, value: number, min: number, max: number, extra = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max}${extra} (got ${String(value)})`);
  }
}

/**
 * Applies Lambda's defaults and checks every option, reporting all problems at once.
 *
 * @throws {PollerConfigError} naming each bad option; also when retries and record age are both infinite, which would
 *   let one record that always fails block its shard until it leaves the stream.
 */
export function resolveMappingOptions(options: EventSourceMappingOptions): ResolvedMappingOptions {
  const resolved: ResolvedMappingOptions = { ...MAPPING_DEFAULTS, ...stripUndefined(options) };
  const problems: string[] = [];
  if (typeof resolved.streamName !== 'string' || resolved.streamName.length === 0) {
    problems.push('streamName: must be a non-empty string');
  }
  if (!(STARTING_POSITIONS as readonly string[]).includes(resolved.startingPosition)) {
    problems.push(
      `startingPosition: must be one of ${STARTING_POSITIONS.join(', ')} (got ${JSON.stringify(resolved.startingPosition)})`,
    );
  }
  intIn(problems, 'batchSize', resolved.batchSize, 1, 10_000);
  intIn(problems, 'maximumBatchingWindowMs', resolved.maximumBatchingWindowMs, 0, 300_000);
  intIn(problems, 'maximumRetryAttempts', resolved.maximumRetryAttempts, -1, 10_000, ' (-1 = infinite)');
  intIn(problems, 'maximumRecordAgeMs', resolved.maximumRecordAgeMs, -1, 604_800_000, ' (-1 = infinite)');
  intIn(problems, 'functionTimeoutMs', resolved.functionTimeoutMs, 1, 900_000);
  intIn(problems, 'pollIntervalMs', resolved.pollIntervalMs, 1, 60_000);
  intIn(problems, 'retryDelayMs', resolved.retryDelayMs, 0, 60_000);
  if (resolved.maximumRetryAttempts === -1 && resolved.maximumRecordAgeMs === -1) {
    problems.push(
      'maximumRetryAttempts and maximumRecordAgeMs are both infinite (-1, Lambda defaults): a record that always fails ' +
        'would block its shard until it leaves the stream; bound at least one of them',
    );
  }
  if (problems.length > 0) throw new PollerConfigError(problems);
  return resolved;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
