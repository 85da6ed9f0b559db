/**
 * Configuration of the embedded local stack (`npm start`, `npm run demo`), parsed once from the environment. Defaults
 * follow docs/contract.md §7 and, for the event source mapping, the stage deployment (`infra/config/stage.json`), so the
 * local poller behaves like the deployed trigger.
 */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { z } from 'zod';
import {
  KINESIS_STREAM_NAME,
  KINESIS_STREAM_NAME_RULE,
  QUARANTINE_PREFIX,
} from '../../functions/contract/names';
import { isS3Url, parseS3Folder, S3_BUCKET_NAME, S3UrlError } from '../../functions/contract/s3Folder';
import { DEFAULT_EXPERIMENT_ID, EXPERIMENT_ID_PATTERN, RUN_ID_PATTERN } from '../../model/src/contract';
import { DEFAULT_STATE_FILE, stateFilePath } from './state-file';

/**
 * The local stack's defaults (docs/contract.md §7), which `npm start`, the demo, the e2e harness and the CLIs' `--local`
 * share. docker-compose.yml cannot import them: test/unit/docker/containerContract.test.ts keeps its values equal.
 */
export const LOCAL_DEFAULTS = {
  kinesisPort: 4568,
  s3Port: 4569,
  inputStream: 'wine-input',
  predictionsStream: 'wine-predictions',
  bucket: 'wine-models',
} as const;

/** Name the poller gives the function (in ARNs and the Lambda context); the deployed function's service name. */
export const LOCAL_FUNCTION_NAME = 'wine-quality-scorer';

/** Default on-failure prefix in the model bucket (the poller's stand-in for Lambda's on-failure destination). */
export const ON_FAILURE_PREFIX = 'esm-failures';

/** Every variable the local stack reads, with its default, for `--help` and docs/contract.md §7. */
export const LOCAL_STACK_VARIABLES = {
  LOCAL_KINESIS_PORT: [String(LOCAL_DEFAULTS.kinesisPort), 'kinesis-mock plain-HTTP port'],
  LOCAL_S3_PORT: [String(LOCAL_DEFAULTS.s3Port), 's3rver port'],
  LOCAL_LAMBDA_PORT: [
    '0 (a free port, shown in the banner and the state file)',
    "the local function's Lambda API (versions, alias live) for the lifecycle commands",
  ],
  LOCAL_STACK_STATE_FILE: [
    DEFAULT_STATE_FILE,
    'where npm start announces its endpoints to --local commands (removed on stop)',
  ],
  LOCAL_STACK_DIR: [
    'a new temp folder, removed on exit',
    'S3 files (models, quarantine, on-failure) and the kinesis-mock log; kept when set',
  ],
  INPUT_STREAM_NAME: [LOCAL_DEFAULTS.inputStream, 'input stream'],
  PREDICTIONS_STREAM_NAME: [LOCAL_DEFAULTS.predictionsStream, 'output stream'],
  INPUT_SHARDS: ['1', 'shards of the input stream (one poller consumer each)'],
  MODEL_BUCKET: [
    LOCAL_DEFAULTS.bucket,
    `model bucket (also holds ${QUARANTINE_PREFIX}/ and ${ON_FAILURE_PREFIX}/)`,
  ],
  EXPERIMENT_ID: [DEFAULT_EXPERIMENT_ID, 'MLflow experiment id of the published runs'],
  RUN_ID: ['the default run in model/artifacts/runs.json', 'the run the handler loads'],
  POLLER_BATCH_SIZE: ['500', 'BatchSize'],
  POLLER_BATCHING_WINDOW_MS: ['1000', 'MaximumBatchingWindowInSeconds × 1000'],
  POLLER_MAX_RETRIES: ['3', 'MaximumRetryAttempts'],
  POLLER_MAX_RECORD_AGE_SECONDS: ['3600', 'MaximumRecordAgeInSeconds'],
  POLLER_FUNCTION_TIMEOUT_SECONDS: ['60', 'the function timeout'],
  POLLER_ON_FAILURE: [
    `s3://<MODEL_BUCKET>/${ON_FAILURE_PREFIX}`,
    'on-failure destination: s3://bucket/prefix or a folder',
  ],
  POWERTOOLS_LOG_LEVEL: ['WARN', "the handler's log level (rejections are logged at WARN)"],
} as const satisfies Record<string, readonly [string, string]>;

export interface LocalStackConfig {
  readonly kinesisPort: number;
  readonly s3Port: number;
  /** The local Lambda API (`LOCAL_LAMBDA_PORT`). */
  readonly lambdaPort: number;
  /** Where `npm start` announces itself (`LOCAL_STACK_STATE_FILE`, absolute). */
  readonly stateFile: string;
  /** Set: data and logs go there and stay. Unset: a temp folder removed on stop. */
  readonly dir: string | undefined;
  readonly inputStream: string;
  readonly predictionsStream: string;
  readonly inputShards: number;
  readonly bucket: string;
  readonly experimentId: string;
  /** Unset: the committed default run. */
  readonly runId: string | undefined;
  readonly poller: {
    readonly batchSize: number;
    readonly maximumBatchingWindowMs: number;
    readonly maximumRetryAttempts: number;
    readonly maximumRecordAgeMs: number;
    readonly functionTimeoutMs: number;
    /** Unset: `s3://<bucket>/esm-failures` ({@link ON_FAILURE_PREFIX}). */
    readonly onFailure: string | undefined;
  };
  /** The handler's log level (`POWERTOOLS_LOG_LEVEL`). */
  readonly logLevel: LogLevel;
}

/** A variable the local stack could not use, with the reason. */
export class LocalStackConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid local stack configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'LocalStackConfigError';
    this.problems = problems;
  }
}

const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^-?\d+$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
      .optional()
      .transform((n) => n ?? fallback),
  );
const text = (pattern: RegExp, message: string) =>
  z.preprocess(blankAsUnset, z.string().regex(pattern, message).optional());
const textOr = (pattern: RegExp, message: string, fallback: string) =>
  text(pattern, message).transform((v) => v ?? fallback);
/** Powertools Logger's levels. */
const LOG_LEVELS = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'SILENT',
  'CRITICAL',
] as const satisfies readonly LogLevel[];

const schema = z.object({
  LOCAL_KINESIS_PORT: int(1, 65_535, LOCAL_DEFAULTS.kinesisPort),
  LOCAL_S3_PORT: int(1, 65_535, LOCAL_DEFAULTS.s3Port),
  // 0 by default: the state file announces the port, so it need not be fixed, and parallel stacks never collide.
  LOCAL_LAMBDA_PORT: int(0, 65_535, 0),
  LOCAL_STACK_DIR: text(/./, 'must be a folder path'),
  INPUT_STREAM_NAME: textOr(KINESIS_STREAM_NAME, KINESIS_STREAM_NAME_RULE, LOCAL_DEFAULTS.inputStream),
  PREDICTIONS_STREAM_NAME: textOr(
    KINESIS_STREAM_NAME,
    KINESIS_STREAM_NAME_RULE,
    LOCAL_DEFAULTS.predictionsStream,
  ),
  INPUT_SHARDS: int(1, 50, 1),
  MODEL_BUCKET: textOr(S3_BUCKET_NAME, 'must be an S3 bucket name', LOCAL_DEFAULTS.bucket),
  EXPERIMENT_ID: textOr(
    EXPERIMENT_ID_PATTERN,
    'must be an MLflow experiment id (e.g. 1)',
    DEFAULT_EXPERIMENT_ID,
  ),
  RUN_ID: text(RUN_ID_PATTERN, 'must be 32 lowercase hex characters (an MLflow run id)'),
  POLLER_BATCH_SIZE: int(1, 10_000, 500),
  POLLER_BATCHING_WINDOW_MS: int(0, 300_000, 1_000),
  POLLER_MAX_RETRIES: int(-1, 10_000, 3),
  POLLER_MAX_RECORD_AGE_SECONDS: int(-1, 604_800, 3_600),
  POLLER_FUNCTION_TIMEOUT_SECONDS: int(1, 900, 60),
  POLLER_ON_FAILURE: z.preprocess(
    blankAsUnset,
    z
      .string()
      .superRefine((location, ctx) => {
        if (!isS3Url(location)) return; // a folder
        try {
          parseS3Folder(location);
        } catch (error) {
          if (!(error instanceof S3UrlError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.reason });
        }
      })
      .optional(),
  ),
  POWERTOOLS_LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toUpperCase() : undefined),
    z
      .enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)
      .optional()
      .transform((v) => v ?? 'WARN'),
  ),
});

/**
 * Parses the local stack's variables (see {@link LOCAL_STACK_VARIABLES}).
 *
 * @throws {LocalStackConfigError} naming every bad variable, e.g. `LOCAL_KINESIS_PORT="abc" must be a whole number…`
 */
export function parseLocalStackConfig(env: NodeJS.ProcessEnv = process.env): LocalStackConfig {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name]]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new LocalStackConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${JSON.stringify(env[name])} ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const ports = [
    ['LOCAL_KINESIS_PORT', e.LOCAL_KINESIS_PORT],
    ['LOCAL_S3_PORT', e.LOCAL_S3_PORT],
    ['LOCAL_LAMBDA_PORT', e.LOCAL_LAMBDA_PORT],
  ] as const;
  ports.forEach(([name, port], i) => {
    for (const [other, otherPort] of ports.slice(i + 1)) {
      if (port !== 0 && port === otherPort)
        problems.push(`${name} and ${other} are both ${port}: choose different ports`);
    }
  });
  if (e.INPUT_STREAM_NAME === e.PREDICTIONS_STREAM_NAME) {
    problems.push(
      'INPUT_STREAM_NAME and PREDICTIONS_STREAM_NAME must differ (the handler would read its own output)',
    );
  }
  if (e.POLLER_MAX_RETRIES === -1 && e.POLLER_MAX_RECORD_AGE_SECONDS === -1) {
    problems.push('POLLER_MAX_RETRIES and POLLER_MAX_RECORD_AGE_SECONDS cannot both be -1 (infinite)');
  }
  if (problems.length > 0) throw new LocalStackConfigError(problems);
  return {
    kinesisPort: e.LOCAL_KINESIS_PORT,
    s3Port: e.LOCAL_S3_PORT,
    lambdaPort: e.LOCAL_LAMBDA_PORT,
    stateFile: stateFilePath(env),
    dir: e.LOCAL_STACK_DIR,
    inputStream: e.INPUT_STREAM_NAME,
    predictionsStream: e.PREDICTIONS_STREAM_NAME,
    inputShards: e.INPUT_SHARDS,
    bucket: e.MODEL_BUCKET,
    experimentId: e.EXPERIMENT_ID,
    runId: e.RUN_ID,
    poller: {
      batchSize: e.POLLER_BATCH_SIZE,
      maximumBatchingWindowMs: e.POLLER_BATCHING_WINDOW_MS,
      maximumRetryAttempts: e.POLLER_MAX_RETRIES,
      maximumRecordAgeMs:
        e.POLLER_MAX_RECORD_AGE_SECONDS === -1 ? -1 : e.POLLER_MAX_RECORD_AGE_SECONDS * 1000,
      functionTimeoutMs: e.POLLER_FUNCTION_TIMEOUT_SECONDS * 1000,
      onFailure: e.POLLER_ON_FAILURE,
    },
    logLevel: e.POWERTOOLS_LOG_LEVEL,
  };
}
