/**
 * Data shapes of the pure core: what goes in (one Kinesis record, already unwrapped from the Lambda event), what
 * comes out (prediction events, docs/contract.md §2, and rejections, docs/contract.md §4).
 */

/** Where an input record came from. Consumers de-duplicate predictions on (`shard_id`, `sequence_number`). */
export interface SourceCoordinates {
  readonly shard_id: string;
  readonly sequence_number: string;
  readonly partition_key: string;
}

/**
 * Where a row of a batch file came from (docs/batch-inference.md): the input file (path or `s3://bucket/key`)
 * and the 1-based line number in it, so a CSV's header is line 1 and its first data row line 2.
 */
export interface FileCoordinates {
  readonly file: string;
  readonly line: number;
}

/** One input record as the core sees it: the Kinesis payload still base64-encoded, plus its coordinates. */
export interface InputRecord {
  /** Base64 of the producer's bytes, exactly as in the Lambda event. */
  readonly data: string;
  readonly source: SourceCoordinates;
}

/** Why a record was rejected. Machine codes, stable: dashboards and quarantine consumers key on them. */
export const RejectionReason = {
  /** The record's payload exceeds the size cap (checked before decoding). */
  tooLarge: 'too_large',
  /** `data` is not valid base64. */
  invalidBase64: 'invalid_base64',
  /** The decoded bytes are not valid UTF-8. */
  invalidUtf8: 'invalid_utf8',
  /** The text is not JSON. */
  invalidJson: 'invalid_json',
  /** The JSON value, or its `wine_features`, is not an object. */
  notObject: 'not_object',
  /** `wine_features`, or a feature the model needs, is absent. */
  missingFeature: 'missing_feature',
  /** A field holds a value of the wrong kind or range (string, null, negative, non-finite, bad `customer_id`). */
  invalidValue: 'invalid_value',
} as const;

export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

/** A record set aside: it will never score, so it is quarantined instead of retried. */
export interface Rejection {
  /** Position of the record in the input batch. */
  readonly index: number;
  readonly reason: RejectionReason;
  /** Human-readable, names the offending field. */
  readonly detail: string;
  readonly source: SourceCoordinates;
  /** The original payload, base64, so the record can be inspected and replayed. */
  readonly data_base64: string;
}

/** The `prediction` part of a prediction event. */
export interface PredictionBody {
  /** Predicted class label (wine quality score). */
  readonly wine_quality: number;
  /** Probability of `wine_quality`. */
  readonly probability: number;
  /** Probability of every class, keyed by class label. */
  readonly probabilities: Readonly<Record<string, number>>;
  readonly customer_id?: string | number;
}

/**
 * A prediction event as written to the output stream (docs/contract.md §2). `S` is where the record came from: Kinesis
 * coordinates for the stream function, {@link FileCoordinates} for batch files.
 */
export interface PredictionEvent<S = SourceCoordinates> {
  readonly model: string;
  readonly version: string;
  readonly prediction: PredictionBody;
  readonly source: S;
}

/** A prediction ready to be written: the event, its UTF-8 JSON bytes and its position in the input batch. */
export interface Prediction {
  readonly index: number;
  readonly event: PredictionEvent;
  /** UTF-8 JSON of `event`: the Kinesis record data. */
  readonly data: Uint8Array;
  /** Output partition key: the input record's, so per-key routing survives. */
  readonly partitionKey: string;
  readonly source: SourceCoordinates;
}
