/**
 * The function's configuration (docs/contract.md §5), parsed once from the environment into a frozen, typed object.
 * Every problem is collected first, so one cold-start error names every bad variable at once.
 */
import { z } from 'zod';
import {
  DEFAULT_EXPERIMENT_ID,
  EXPERIMENT_ID_PATTERN,
  RUN_ID_PATTERN,
  modelPrefix,
} from '../model/src/contract';
import { KINESIS_STREAM_NAME, KINESIS_STREAM_NAME_RULE, QUARANTINE_PREFIX } from './contract/names';
import { isS3Url, parseS3Folder, S3_BUCKET_NAME, S3UrlError, type S3Folder } from './contract/s3Folder';
import { MIN_PSI_RECORDS } from './core/drift/monitor';
import { ConfigError } from './errors';

export type { S3Folder } from './contract/s3Folder';

/** Where the model's files are. */
export type ModelLocation =
  ({ readonly kind: 's3' } & S3Folder) | { readonly kind: 'local'; readonly directory: string };

/** Where results go: the output stream and quarantine, or nowhere (`TEST_RUN=True`). */
export type OutputConfig =
  | { readonly kind: 'write'; readonly predictionsStreamName: string; readonly quarantine: S3Folder }
  | { readonly kind: 'dry-run' };

/** The parsed configuration. */
export interface FunctionConfig {
  readonly model: ModelLocation;
  /** `RUN_ID` when set: the loaded signature's run id must equal it. */
  readonly expectedRunId: string | undefined;
  readonly output: OutputConfig;
  /** onnxruntime intra-op threads (`ONNX_INTRA_OP_NUM_THREADS`, default 1). */
  readonly intraOpNumThreads: number;
  /** Records in the drift monitor's rolling window (`DRIFT_WINDOW_RECORDS`); `undefined`: the monitor's default. */
  readonly driftWindowRecords: number | undefined;
}

/** Largest `DRIFT_WINDOW_RECORDS`: the window costs (features + 1) bytes per record, so ≈12 MB at 11 features. */
export const MAX_DRIFT_WINDOW_RECORDS = 1_000_000;

/** Environment variables this module reads (the `AWS_*` ones are read by the SDK; checked here for a clear error). */
export const CONFIG_VARIABLES = [
  'PREDICTIONS_STREAM_NAME',
  'MODEL_BUCKET',
  'EXPERIMENT_ID',
  'RUN_ID',
  'MODEL_LOCATION',
  'TEST_RUN',
  'QUARANTINE_LOCATION',
  'ONNX_INTRA_OP_NUM_THREADS',
  'DRIFT_WINDOW_RECORDS',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_ENDPOINT_URL_S3',
] as const;

type Variable = (typeof CONFIG_VARIABLES)[number];

// Docker-compose and CDK often pass unset variables as empty strings: treat blank as unset.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

function s3FolderOf(url: string, ctx: z.RefinementCtx): S3Folder {
  try {
    return parseS3Folder(url);
  } catch (error) {
    if (!(error instanceof S3UrlError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.reason });
    return z.NEVER;
  }
}

/** `s3://bucket/prefix` → {@link S3Folder} inside a zod schema, problems reported as issues (one parser: functions/contract/s3Folder.ts). */
export const s3FolderSchema = z.string().transform(s3FolderOf);

const endpoint = optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));

const envSchema = z.object({
  PREDICTIONS_STREAM_NAME: optional(z.string().regex(KINESIS_STREAM_NAME, KINESIS_STREAM_NAME_RULE)),
  MODEL_BUCKET: optional(z.string().regex(S3_BUCKET_NAME, 'must be an S3 bucket name')),
  EXPERIMENT_ID: optional(
    z.string().regex(EXPERIMENT_ID_PATTERN, 'must be an MLflow experiment id (e.g. 1)'),
  ),
  RUN_ID: optional(
    z.string().regex(RUN_ID_PATTERN, 'must be 32 lowercase hex characters (an MLflow run id)'),
  ),
  MODEL_LOCATION: optional(
    z.string().transform((v, ctx): S3Folder | string => {
      if (isS3Url(v)) return s3FolderOf(v, ctx);
      if (v.includes('://'))
        ctx.addIssue({ code: 'custom', message: 'must be s3://bucket/prefix or a local folder' });
      return v;
    }),
  ),
  TEST_RUN: optional(
    z
      .string()
      .regex(/^(true|false|1|0)$/i, 'must be True or False')
      .transform((v) => /^(true|1)$/i.test(v)),
  ),
  QUARANTINE_LOCATION: optional(s3FolderSchema),
  ONNX_INTRA_OP_NUM_THREADS: optional(
    z
      .string()
      .regex(/^[0-9]+$/, 'must be a whole number from 1 to 64')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 64, 'must be a whole number from 1 to 64'),
  ),
  DRIFT_WINDOW_RECORDS: optional(
    z
      .string()
      .regex(/^[0-9]+$/, `must be a whole number from ${MIN_PSI_RECORDS} to ${MAX_DRIFT_WINDOW_RECORDS}`)
      .transform(Number)
      .refine(
        (n) => n >= MIN_PSI_RECORDS && n <= MAX_DRIFT_WINDOW_RECORDS,
        // Below the minimum the window's PSI would never be emitted.
        `must be a whole number from ${MIN_PSI_RECORDS} to ${MAX_DRIFT_WINDOW_RECORDS}`,
      ),
  ),
  AWS_ENDPOINT_URL: endpoint,
  AWS_ENDPOINT_URL_KINESIS: endpoint,
  AWS_ENDPOINT_URL_S3: endpoint,
});

// Rules between variables. Checked on the raw values, so they are reported even when another variable is malformed.
function crossVariableProblems(isSet: (variable: Variable) => boolean, testRun: boolean): string[] {
  const problems: string[] = [];
  if (!isSet('MODEL_LOCATION')) {
    if (!isSet('MODEL_BUCKET')) problems.push('MODEL_BUCKET is required unless MODEL_LOCATION is set');
    if (!isSet('RUN_ID')) problems.push('RUN_ID is required unless MODEL_LOCATION is set');
  }
  if (!testRun) {
    if (!isSet('PREDICTIONS_STREAM_NAME'))
      problems.push('PREDICTIONS_STREAM_NAME is required unless TEST_RUN=True');
    if (!isSet('QUARANTINE_LOCATION') && !isSet('MODEL_BUCKET')) {
      problems.push(
        `QUARANTINE_LOCATION is required when MODEL_BUCKET is not set (it defaults to s3://{MODEL_BUCKET}/${QUARANTINE_PREFIX})`,
      );
    }
  }
  return problems;
}

/**
 * Parses the function's environment. Call once per container (the handler caches the result).
 *
 * @param env - the environment, `process.env` by default
 * @returns a deeply frozen {@link FunctionConfig}
 * @throws ConfigError naming every missing or invalid variable, one per line
 * @example
 * const config = parseConfig({ MODEL_BUCKET: 'wine-models', RUN_ID: '0123…', PREDICTIONS_STREAM_NAME: 'out' });
 * config.model; // { kind: 's3', bucket: 'wine-models', prefix: '1/0123…/artifacts/model' }
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const raw = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, env[name]]));
  const parsed = envSchema.safeParse(raw);
  const isSet = (variable: Variable) => (env[variable] ?? '').trim() !== '';
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `${variable}=${JSON.stringify(env[variable])} ${issue.message}`;
    }),
    ...crossVariableProblems(isSet, /^(true|1)$/i.test(env.TEST_RUN ?? '')),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const model: ModelLocation =
    e.MODEL_LOCATION === undefined
      ? {
          kind: 's3',
          bucket: e.MODEL_BUCKET as string,
          prefix: modelPrefix(e.EXPERIMENT_ID ?? DEFAULT_EXPERIMENT_ID, e.RUN_ID as string).replace(
            /\/$/,
            '',
          ),
        }
      : typeof e.MODEL_LOCATION === 'string'
        ? { kind: 'local', directory: e.MODEL_LOCATION }
        : { kind: 's3', ...e.MODEL_LOCATION };
  const output: OutputConfig = e.TEST_RUN
    ? { kind: 'dry-run' }
    : {
        kind: 'write',
        predictionsStreamName: e.PREDICTIONS_STREAM_NAME as string,
        quarantine: e.QUARANTINE_LOCATION ?? { bucket: e.MODEL_BUCKET as string, prefix: QUARANTINE_PREFIX },
      };
  return deepFreeze({
    model,
    expectedRunId: e.RUN_ID,
    output,
    intraOpNumThreads: e.ONNX_INTRA_OP_NUM_THREADS ?? 1,
    driftWindowRecords: e.DRIFT_WINDOW_RECORDS,
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value))
    if (child !== null && typeof child === 'object') deepFreeze(child);
  return Object.freeze(value);
}
