import type { DriftMonitor, DriftSnapshot } from './drift/monitor';
import type { BatchProcessor, BatchResult } from './processBatch';
import { toQuarantineDocument } from './quarantine';
import type { Output, WriteReport } from './sinks';
import type { InputRecord } from './types';

/** Everything one invocation did, for the response and for logs and metrics. */
export interface BatchOutcome {
  readonly result: BatchResult;
  /** Sequence numbers to report in `batchItemFailures`, in input order, without duplicates. */
  readonly failedSequenceNumbers: readonly string[];
  readonly predictionWrites: WriteReport;
  readonly quarantineWrites: WriteReport;
  /** Drift of this batch and the rolling window; absent without a monitor or when no record was scored. */
  readonly drift?: DriftSnapshot;
  /** Time the drift monitor took, in milliseconds (0 without one). */
  readonly driftMs: number;
}

export interface HandleBatchDependencies {
  readonly process: BatchProcessor;
  readonly output: Output;
  /** Run id recorded in quarantine documents. */
  readonly runId: string;
  readonly now: () => Date;
  /** Accumulates the scored tensor and predicted labels against the training reference (absent: no drift). */
  readonly drift?: DriftMonitor | undefined;
}

const NOTHING_WRITTEN: WriteReport = { failed: [], retries: 0 };

/**
 * Processes a batch and writes its results: predictions to the output stream and rejections to quarantine, both at
 * once. A record whose output could not be written is reported for retry; a rejected record that was quarantined is
 * not (it would fail again forever and hold back its shard). With a drift monitor, the scored tensor and labels are
 * added to its rolling window first (so records of a batch that Lambda retries are counted again, like their
 * at-least-once predictions).
 *
 * @throws whatever the batch processor throws (a model fault), so the whole batch is retried
 * @example
 * const outcome = await handleBatch(records, { process, output, runId, now: () => new Date() });
 * outcome.failedSequenceNumbers; // → batchItemFailures
 */
export async function handleBatch(
  records: readonly InputRecord[],
  dependencies: HandleBatchDependencies,
): Promise<BatchOutcome> {
  const result = await dependencies.process(records);
  const { drift, driftMs } = observeDrift(result, dependencies.drift);
  if (dependencies.output.kind === 'dry-run') {
    return {
      result,
      failedSequenceNumbers: [],
      predictionWrites: NOTHING_WRITTEN,
      quarantineWrites: NOTHING_WRITTEN,
      ...(drift ? { drift } : {}),
      driftMs,
    };
  }
  const receivedAt = dependencies.now();
  const documents = result.rejections.map((r) => toQuarantineDocument(r, dependencies.runId, receivedAt));
  const [predictionWrites, quarantineWrites] = await Promise.all([
    result.predictions.length > 0
      ? dependencies.output.predictions.write(result.predictions)
      : Promise.resolve(NOTHING_WRITTEN),
    documents.length > 0 ? dependencies.output.quarantine.write(documents) : Promise.resolve(NOTHING_WRITTEN),
  ]);

  const failed = new Set(
    [...predictionWrites.failed, ...quarantineWrites.failed].map((source) => source.sequence_number),
  );
  const failedSequenceNumbers: string[] = [];
  for (const { source } of records) {
    if (failed.delete(source.sequence_number)) failedSequenceNumbers.push(source.sequence_number);
  }
  return {
    result,
    failedSequenceNumbers,
    predictionWrites,
    quarantineWrites,
    ...(drift ? { drift } : {}),
    driftMs,
  };
}

/** Feeds the scored batch to the drift monitor (before any write, so a write failure cannot skip it). */
function observeDrift(
  result: BatchResult,
  monitor: DriftMonitor | undefined,
): { drift: DriftSnapshot | undefined; driftMs: number } {
  if (!monitor || !result.scored) return { drift: undefined, driftMs: 0 };
  const started = performance.now();
  const drift = monitor.observe(result.scored.features, result.scored.labels);
  return { drift, driftMs: performance.now() - started };
}
