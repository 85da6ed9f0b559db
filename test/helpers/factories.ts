/**
 * Builders for Kinesis records and events, wine payloads, model signatures and a fake scorer. Shared by unit,
 * integration and local-stack tests: every builder takes overrides and has realistic defaults.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  FEATURE_SETS,
  MODEL_NAME,
  ONNX_IO,
  type FeatureSetName,
  type ModelSignature,
  type UciFeature,
} from '../../model/src/contract';
import type { FeatureBatch, Scorer, Scores } from '../../functions/core/scorer';
import type { InputRecord } from '../../functions/core/types';

export const SHARD_ID = 'shardId-000000000000';
export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/wine-input';
export const RUN_ID = '0123456789abcdef0123456789abcdef';

/** First row of the UCI white-wine CSV: a realistic record carrying all eleven features. */
export const WHITE_WINE_ROW: Readonly<Record<UciFeature, number>> = {
  'fixed acidity': 7,
  'volatile acidity': 0.27,
  'citric acid': 0.36,
  'residual sugar': 20.7,
  chlorides: 0.045,
  'free sulfur dioxide': 45,
  'total sulfur dioxide': 170,
  density: 1.001,
  pH: 3,
  sulphates: 0.45,
  alcohol: 8.8,
};

/** A Kinesis-style sequence number (56 digits), increasing with `n`. */
export function sequenceNumber(n: number): string {
  return `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, '0')}`;
}

/**
 * An input payload (docs/contract.md §1): `wine_features` restricted to `features` (all eleven by default), values from
 * {@link WHITE_WINE_ROW} unless overridden; `customer_id` unless `null`.
 */
export function winePayload(
  options: {
    features?: readonly UciFeature[];
    overrides?: Partial<Record<UciFeature, unknown>>;
    customerId?: string | number | null;
  } = {},
): { wine_features: Record<string, unknown>; customer_id?: string | number } {
  const names = options.features ?? FEATURE_SETS.all;
  const wineFeatures: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, WHITE_WINE_ROW[n]]));
  Object.assign(wineFeatures, options.overrides);
  const customerId = options.customerId === undefined ? 123 : options.customerId;
  return customerId === null
    ? { wine_features: wineFeatures }
    : { wine_features: wineFeatures, customer_id: customerId };
}

/** Base64 of a value's JSON (or of a string's UTF-8 bytes, or of raw bytes): what a Kinesis record's `data` holds. */
export function toBase64(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64');
}

export interface RecordOptions {
  /** Serialised as JSON (a string is used as the raw text). Ignored when `data` is given. */
  payload?: unknown;
  /** The record's base64 `data` as is (for malformed payloads). */
  data?: string;
  partitionKey?: string;
  sequenceNumber?: string;
  shardId?: string;
  arrivalTimestamp?: number;
}

/** One record of a Lambda Kinesis event. */
export function kinesisRecord(options: RecordOptions = {}): KinesisStreamRecord {
  const seq = options.sequenceNumber ?? sequenceNumber(0);
  const shardId = options.shardId ?? SHARD_ID;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: options.partitionKey ?? '123',
      sequenceNumber: seq,
      data: options.data ?? toBase64(options.payload ?? winePayload()),
      approximateArrivalTimestamp: options.arrivalTimestamp ?? 1_735_689_600,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${seq}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/wine-inference',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

/** A Lambda Kinesis event; records without an explicit sequence number get increasing ones in order. */
export function kinesisEvent(records: readonly RecordOptions[]): KinesisStreamEvent {
  return {
    Records: records.map((r, i) =>
      kinesisRecord({ sequenceNumber: sequenceNumber(i + 1), partitionKey: String(i), ...r }),
    ),
  };
}

/** The core's view of a record (what `toInputRecords` produces from {@link kinesisRecord}). */
export function inputRecord(options: RecordOptions = {}): InputRecord {
  const record = kinesisRecord(options);
  return {
    data: record.kinesis.data,
    source: {
      shard_id: options.shardId ?? SHARD_ID,
      sequence_number: record.kinesis.sequenceNumber,
      partition_key: record.kinesis.partitionKey,
    },
  };
}

/** A valid `signature.json` for a feature set (for tests that do not need a real model). */
export function signatureFor(
  featureSet: FeatureSetName = 'seed3',
  overrides: Partial<ModelSignature> = {},
): ModelSignature {
  return {
    run_id: RUN_ID,
    model_name: MODEL_NAME,
    feature_set: featureSet,
    features: [...FEATURE_SETS[featureSet]],
    classes: [3, 4, 5, 6, 7, 8, 9],
    onnx: { ...ONNX_IO, opset: 17, ml_opset: 3 },
    created_at: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A {@link Scorer} double that records its calls. */
export interface FakeScorer extends Scorer {
  readonly calls: FeatureBatch[];
}

/**
 * A deterministic fake scorer: row r predicts class index `floor(first feature of r) mod C` with probability 0.7
 * and spreads 0.3 evenly over the other classes. Tests can therefore tell which input produced which prediction.
 */
export function fakeScorer(classes: readonly number[]): FakeScorer {
  const calls: FeatureBatch[] = [];
  return {
    calls,
    score(batch: FeatureBatch): Promise<Scores> {
      calls.push({ ...batch, data: batch.data.slice() });
      const width = classes.length;
      const labels: number[] = [];
      const probabilities = new Float32Array(batch.rows * width).fill(0.3 / (width - 1));
      for (let row = 0; row < batch.rows; row++) {
        const column = Math.floor(batch.data[row * batch.columns] ?? 0) % width;
        labels.push(classes[column]!);
        probabilities[row * width + column] = 0.7;
      }
      return Promise.resolve({ labels, probabilities });
    },
  };
}

/** The class a {@link fakeScorer} predicts for a row whose first feature is `firstFeature`. */
export function fakeLabel(classes: readonly number[], firstFeature: number): number {
  return classes[Math.floor(firstFeature) % classes.length]!;
}

export { heldOutRows, type HeldOutRows } from '../../model';
