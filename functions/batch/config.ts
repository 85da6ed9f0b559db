/**
 * Configuration of the batch handler (`batch.handler`), parsed once from the environment into a frozen object. The
 * model part (`MODEL_BUCKET`, `EXPERIMENT_ID`, `RUN_ID`, `MODEL_LOCATION`, `ONNX_INTRA_OP_NUM_THREADS`) is read by the
 * stream function's own parser (docs/contract.md §5), so both handlers of the image accept exactly the same values;
 * the batch variables are read here. Every problem of both parts is reported at once.
 */
import { z } from 'zod';
import { parseConfig, type ModelLocation } from '../config';
import { DEFAULT_BATCH_ROWS } from '../contract/batch';
import { ConfigError } from '../errors';

/** The batch handler's configuration. */
export interface BatchConfig {
  readonly model: ModelLocation;
  readonly expectedRunId: string | undefined;
  readonly intraOpNumThreads: number;
  /** Objects larger than this are refused (`BATCH_MAX_OBJECT_BYTES`): they would not finish within one invocation. */
  readonly maxObjectBytes: number;
  /** Rows per `session.run` (`BATCH_SIZE`). */
  readonly batchSize: number;
  /** Stop (and write nothing) when less than this is left of the invocation (`BATCH_TIME_MARGIN_MS`). */
  readonly timeMarginMs: number;
}

/** Default object limit: 256 MiB of UCI CSV is ≈ 4.4 million rows, ≈ 5 minutes at the measured batch rate. */
export const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;
/** Default margin: enough to abort the two multipart uploads and publish metrics. */
export const DEFAULT_TIME_MARGIN_MS = 10_000;

/** The variables read here, beside the model variables the function's parser reads. */
export const BATCH_VARIABLES = ['BATCH_MAX_OBJECT_BYTES', 'BATCH_SIZE', 'BATCH_TIME_MARGIN_MS'] as const;
const MODEL_VARIABLES = [
  'MODEL_BUCKET',
  'EXPERIMENT_ID',
  'RUN_ID',
  'MODEL_LOCATION',
  'ONNX_INTRA_OP_NUM_THREADS',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
] as const;

const whole = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .regex(/^[0-9]+$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
      .optional()
      .transform((n) => n ?? fallback),
  );

const batchSchema = z.object({
  BATCH_MAX_OBJECT_BYTES: whole(1, 5 * 1024 ** 4, DEFAULT_MAX_OBJECT_BYTES),
  BATCH_SIZE: whole(1, 1_000_000, DEFAULT_BATCH_ROWS),
  BATCH_TIME_MARGIN_MS: whole(0, 900_000, DEFAULT_TIME_MARGIN_MS),
});

/**
 * Parses the batch handler's environment.
 *
 * @throws ConfigError naming every bad variable of both parts
 * @example
 * parseBatchConfig({ MODEL_BUCKET: 'wine-models', RUN_ID: '0123…' }).maxObjectBytes; // 268435456
 */
export function parseBatchConfig(env: NodeJS.ProcessEnv = process.env): BatchConfig {
  const problems: string[] = [];
  let model;
  try {
    // The stream parser's output requirements (stream name, quarantine) do not apply: TEST_RUN switches them off.
    model = parseConfig({
      ...Object.fromEntries(MODEL_VARIABLES.map((name) => [name, env[name]])),
      TEST_RUN: 'True',
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const batch = batchSchema.safeParse(Object.fromEntries(BATCH_VARIABLES.map((name) => [name, env[name]])));
  if (!batch.success) {
    problems.push(
      ...batch.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        return `${variable}=${JSON.stringify(env[variable])} ${issue.message}`;
      }),
    );
  }
  if (model === undefined || !batch.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    model: model.model,
    expectedRunId: model.expectedRunId,
    intraOpNumThreads: model.intraOpNumThreads,
    maxObjectBytes: batch.data.BATCH_MAX_OBJECT_BYTES,
    batchSize: batch.data.BATCH_SIZE,
    timeMarginMs: batch.data.BATCH_TIME_MARGIN_MS,
  });
}
