import { ScoringError } from '../errors';
import { decodeRecord, DEFAULT_MAX_RECORD_BYTES } from './decode';
import { createPredictionEncoder } from './encode';
import { toFeatureBatch } from './features';
import type { ModelDescription } from './model';
import type { FeatureBatch, Scorer } from './scorer';
import type { InputRecord, Prediction, Rejection } from './types';
import { createRecordValidator, type ValidRecord } from './validate';

/** Results of one batch, each list in input order. Every input record is in exactly one of the two lists. */
export interface BatchResult {
  readonly predictions: readonly Prediction[];
  readonly rejections: readonly Rejection[];
  /** Keys of `wine_features` the model does not use, summed over the batch (ignored, counted). */
  readonly ignoredFeatureKeys: number;
  /** Time spent in `Scorer.score`, in milliseconds (0 when nothing was scored). */
  readonly inferenceMs: number;
  /** What was scored: the valid records' tensor and their predicted labels; absent when no record was valid. */
  readonly scored?: ScoredBatch;
}

/** The `[N, F]` tensor handed to the scorer and the N labels it predicted (for drift monitoring, without copies). */
export interface ScoredBatch {
  readonly features: FeatureBatch;
  readonly labels: ArrayLike<number>;
}

/** Turns a batch of input records into predictions and rejections. */
export type BatchProcessor = (records: readonly InputRecord[]) => Promise<BatchResult>;

export interface BatchProcessorOptions {
  /** Largest accepted decoded record; bigger records are rejected as `too_large`. */
  readonly maxRecordBytes?: number;
}

/**
 * Builds the batch flow for one model: decode → validate every record, pack the valid ones into one `[N, F]` tensor,
 * score it with a single `Scorer.score` call, encode one prediction event per valid record.
 *
 * @param model - run id, model name, ordered features and classes from the model's signature
 * @param scorer - scores the whole batch at once
 * @throws ScoringError (from the returned function) when scoring fails or returns the wrong shape: the whole batch
 *   must fail, because a model fault is not the records' fault
 * @example
 * const process = createBatchProcessor(signature, scorer);
 * const { predictions, rejections } = await process(records);
 */
export function createBatchProcessor(
  model: ModelDescription,
  scorer: Scorer,
  options: BatchProcessorOptions = {},
): BatchProcessor {
  const validate = createRecordValidator(model.features);
  const encode = createPredictionEncoder(model);
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const classCount = model.classes.length;

  return async (records) => {
    const valid: ValidRecord[] = [];
    const validRecords: InputRecord[] = [];
    const validIndices: number[] = [];
    const rejections: Rejection[] = [];
    let ignoredFeatureKeys = 0;

    records.forEach((record, index) => {
      const decoded = decodeRecord(record.data, maxRecordBytes);
      const checked = decoded.ok ? validate(decoded.value) : decoded;
      if (!checked.ok) {
        rejections.push({
          index,
          reason: checked.reason,
          detail: checked.detail,
          source: record.source,
          data_base64: record.data,
        });
        return;
      }
      valid.push(checked.value);
      validRecords.push(record);
      validIndices.push(index);
      ignoredFeatureKeys += checked.value.ignoredKeys;
    });

    if (valid.length === 0) return { predictions: [], rejections, ignoredFeatureKeys, inferenceMs: 0 };

    const batch = toFeatureBatch(valid, model.features);
    const started = performance.now();
    const scores = await scorer.score(batch);
    const inferenceMs = performance.now() - started;
    if (scores.labels.length !== batch.rows || scores.probabilities.length !== batch.rows * classCount) {
      throw new ScoringError(
        `scorer returned ${scores.labels.length} labels and ${scores.probabilities.length} probabilities for ` +
          `${batch.rows} rows of a ${classCount}-class model (expected ${batch.rows} and ${batch.rows * classCount})`,
      );
    }

    const predictions = valid.map((record, row): Prediction => {
      const input = validRecords[row] as InputRecord;
      const event = encode(row, scores.labels, scores.probabilities, input.source, record.customerId);
      return {
        index: validIndices[row] as number,
        event,
        // Buffer (a Uint8Array) encodes short strings as UTF-8 2–3× faster than TextEncoder (measured).
        data: Buffer.from(JSON.stringify(event), 'utf8'),
        partitionKey: input.source.partition_key,
        source: input.source,
      };
    });
    return {
      predictions,
      rejections,
      ignoredFeatureKeys,
      inferenceMs,
      scored: { features: batch, labels: scores.labels },
    };
  };
}
