/**
 * Errors the function raises. Each has a stable machine-readable `code` (for alarms and log queries), a `name`
 * matching its class, and keeps its `cause`, so a wrapped SDK or onnxruntime error is never lost.
 *
 * Rejected input records are not errors in this sense: they are data (`Rejection` in `core/types.ts`), quarantined and
 * counted, because a record that can never pass must not fail, and so block, its shard.
 */

/** Codes of {@link FunctionError} subclasses, one per failure kind. */
export const ErrorCode = {
  configInvalid: 'CONFIG_INVALID',
  eventInvalid: 'EVENT_INVALID',
  modelLoadFailed: 'MODEL_LOAD_FAILED',
  modelNotFound: 'MODEL_NOT_FOUND',
  modelSignatureMismatch: 'MODEL_SIGNATURE_MISMATCH',
  scoringFailed: 'SCORING_FAILED',
  outputTooLarge: 'OUTPUT_TOO_LARGE',
  driftReferenceInvalid: 'DRIFT_REFERENCE_INVALID',
  batchFileInvalid: 'BATCH_FILE_INVALID',
  batchOutOfTime: 'BATCH_OUT_OF_TIME',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error the function throws on purpose. */
export abstract class FunctionError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Structured form for JSON logs (`Error` itself serialises to `{}`). */
  toJSON(): { name: string; code: ErrorCode; message: string; cause?: unknown } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.cause === undefined ? {} : { cause: describeCause(this.cause) }),
    };
  }
}

/** The environment is invalid. The message names every bad variable; `problems` lists them one per entry. */
export class ConfigError extends FunctionError {
  readonly code = ErrorCode.configInvalid;

  /**
   * @param problems - one entry per bad variable, each starting with the variable's name
   */
  constructor(readonly problems: readonly string[]) {
    super(`Invalid function configuration (${problems.length}):\n  - ${problems.join('\n  - ')}`);
  }
}

/** The invocation payload is not a Kinesis event (wrong event source mapping or a hand-written test event). */
export class InvalidEventError extends FunctionError {
  readonly code = ErrorCode.eventInvalid;
}

/** The model could not be loaded: unreadable, not an ONNX model, or its signature is invalid. */
export class ModelLoadError extends FunctionError {
  readonly code: ErrorCode = ErrorCode.modelLoadFailed;
}

/** A model file does not exist where the configuration says it is. The message names the full location. */
export class ModelNotFoundError extends ModelLoadError {
  override readonly code = ErrorCode.modelNotFound;

  /**
   * @param location - `s3://bucket/key` or the local path that was looked up
   * @param why - optional explanation appended in parentheses (e.g. the bucket itself is missing)
   */
  constructor(
    readonly location: string,
    options?: ErrorOptions & { why?: string },
  ) {
    super(`Model file not found: ${location}${options?.why ? ` (${options.why})` : ''}`, options);
  }
}

/** `signature.json` and the ONNX graph disagree; the function refuses to score with such a model. */
export class ModelSignatureMismatchError extends ModelLoadError {
  override readonly code = ErrorCode.modelSignatureMismatch;

  /**
   * @param mismatches - one human-readable line per disagreement
   */
  constructor(
    readonly mismatches: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`signature.json does not match the ONNX graph:\n  - ${mismatches.join('\n  - ')}`, options);
  }
}

/** Scoring a batch failed. The whole batch fails, so Lambda retries (and can bisect) it. */
export class ScoringError extends FunctionError {
  readonly code = ErrorCode.scoringFailed;
}

/** A prediction event exceeds Kinesis' per-record limit; cannot happen for records within the input size cap. */
export class OutputTooLargeError extends FunctionError {
  readonly code = ErrorCode.outputTooLarge;
}

/**
 * The model's `reference.json` cannot serve drift monitoring: it belongs to another run, lacks a feature or class
 * of the signature, or its bins are malformed. Scoring goes on; drift monitoring is switched off and this is logged.
 */
export class DriftReferenceError extends FunctionError {
  readonly code = ErrorCode.driftReferenceInvalid;

  /**
   * @param problems - one human-readable line per problem
   */
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`reference.json cannot be used for drift monitoring:\n  - ${problems.join('\n  - ')}`, options);
  }
}

function describeCause(cause: unknown): unknown {
  if (cause instanceof FunctionError) return cause.toJSON();
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return cause;
}
