import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BatchOutcome } from '../core/handleBatch';
import type { RejectionReason } from '../core/types';
import type { ReadyModel } from './modelLoader';

/** Used when `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE` are unset. */
export const DEFAULT_SERVICE_NAME = 'wine-quality-inference';
export const DEFAULT_METRICS_NAMESPACE = 'WineQuality';

/** EMF metric names (CloudWatch dashboards and alarms refer to these). */
export const MetricName = {
  recordsReceived: 'RecordsReceived',
  recordsPredicted: 'RecordsPredicted',
  /** Total without dimensions, plus one datum per reason with a `reason` dimension. */
  recordsRejected: 'RecordsRejected',
  /** Records named in `batchItemFailures` (output or quarantine write failed after retries). */
  recordsFailed: 'RecordsFailed',
  ignoredFeatureKeys: 'IgnoredFeatureKeys',
  putRecordsRetries: 'PutRecordsRetries',
  inferenceLatency: 'InferenceLatency',
  batchSize: 'BatchSize',
  modelLoadTime: 'ModelLoadTime',
} as const;

/** The structured logger and EMF metrics the handler reports through. */
export interface Telemetry {
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error' | 'addContext'>;
  readonly metrics: Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;
}

/**
 * Powertools Logger and Metrics. Their standard variables (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE`,
 * `POWERTOOLS_LOG_LEVEL`, …) are read by Powertools itself; only the defaults are ours.
 */
export function createTelemetry(): { logger: Logger; metrics: Metrics } {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    }),
  };
}

/** The cold-start line and `ModelLoadTime`, once per loaded model. */
export function reportModelLoaded(telemetry: Telemetry, model: ReadyModel, intraOpNumThreads: number): void {
  telemetry.logger.info('model loaded', {
    cold_start: true,
    run_id: model.signature.run_id,
    model_name: model.signature.model_name,
    feature_set: model.signature.feature_set,
    features: model.signature.features,
    classes: model.signature.classes,
    location: model.location,
    load_ms: round(model.loadMs),
    intra_op_num_threads: intraOpNumThreads,
  });
  telemetry.metrics.addMetric(MetricName.modelLoadTime, MetricUnit.Milliseconds, model.loadMs);
}

/** Context of a batch summary that the outcome itself does not carry. */
export interface BatchContext {
  readonly shardId: string | undefined;
  readonly runId: string;
  readonly durationMs: number;
  readonly dryRun: boolean;
}

/** One line per rejected record, one summary line per batch, and the batch's metrics. */
export function reportBatch(telemetry: Telemetry, outcome: BatchOutcome, context: BatchContext): void {
  const { logger, metrics } = telemetry;
  const { result } = outcome;
  const byReason: Partial<Record<RejectionReason, number>> = {};
  for (const rejection of result.rejections) {
    byReason[rejection.reason] = (byReason[rejection.reason] ?? 0) + 1;
    logger.warn('record rejected', {
      reason: rejection.reason,
      detail: rejection.detail,
      source: rejection.source,
    });
  }
  const received = result.predictions.length + result.rejections.length;
  const retries = outcome.predictionWrites.retries + outcome.quarantineWrites.retries;
  logger.info('batch processed', {
    shard_id: context.shardId,
    run_id: context.runId,
    test_run: context.dryRun,
    received,
    predicted: result.predictions.length,
    rejected: result.rejections.length,
    rejected_by_reason: byReason,
    ignored_feature_keys: result.ignoredFeatureKeys,
    batch_item_failures: outcome.failedSequenceNumbers.length,
    put_records_retries: retries,
    inference_ms: round(result.inferenceMs),
    duration_ms: round(context.durationMs),
  });

  metrics.addMetric(MetricName.batchSize, MetricUnit.Count, received);
  metrics.addMetric(MetricName.recordsReceived, MetricUnit.Count, received);
  metrics.addMetric(MetricName.recordsPredicted, MetricUnit.Count, result.predictions.length);
  metrics.addMetric(MetricName.recordsRejected, MetricUnit.Count, result.rejections.length);
  metrics.addMetric(MetricName.recordsFailed, MetricUnit.Count, outcome.failedSequenceNumbers.length);
  metrics.addMetric(MetricName.ignoredFeatureKeys, MetricUnit.Count, result.ignoredFeatureKeys);
  metrics.addMetric(MetricName.putRecordsRetries, MetricUnit.Count, retries);
  if (result.predictions.length > 0) {
    metrics.addMetric(MetricName.inferenceLatency, MetricUnit.Milliseconds, result.inferenceMs);
  }
  for (const [reason, count] of Object.entries(byReason)) {
    // A dimension for one datum only: singleMetric flushes it on its own, apart from the batch's metrics.
    metrics
      .singleMetric()
      .addDimension('reason', reason)
      .addMetric(MetricName.recordsRejected, MetricUnit.Count, count);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
