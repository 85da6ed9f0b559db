import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  DriftMetricName,
  FEATURE_DIMENSION,
  MetricName,
  REASON_DIMENSION,
} from '../contract/metrics';
import type { DriftSnapshot } from '../core/drift/monitor';
import type { BatchOutcome } from '../core/handleBatch';
import type { RejectionReason } from '../core/types';
import type { ReadyModel } from './modelLoader';

/** The structured logger and EMF metrics the handler reports through. */
export interface Telemetry {
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error' | 'addContext'>;
  readonly metrics: Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;
  /**
   * A second Metrics instance (same namespace and service) for the per-feature drift documents: each carries a
   * `feature` dimension, which must not leak into the batch's own document. Without it those metrics are emitted
   * one per document through `metrics.singleMetric()` (same names and dimensions, more log lines).
   */
  readonly featureMetrics?: Pick<Metrics, 'addDimension' | 'addMetric' | 'publishStoredMetrics'>;
}

/** How the handler's telemetry is set up; every field falls back to Powertools' own environment variables. */
export interface TelemetryOptions {
  /** Default: `POWERTOOLS_SERVICE_NAME`, else {@link DEFAULT_SERVICE_NAME}. */
  readonly serviceName?: string;
  /** Default: `POWERTOOLS_METRICS_NAMESPACE`, else {@link DEFAULT_METRICS_NAMESPACE}. */
  readonly namespace?: string;
  /** Default: `POWERTOOLS_LOG_LEVEL` (Powertools' own default: INFO). */
  readonly logLevel?: LogLevel;
  /**
   * `false`: keep no metrics (each publish clears them) — for local runs, where nothing reads EMF and its JSON lines
   * would bury the output. Default `true`: EMF on stdout, as Lambda ships it to CloudWatch (Powertools still honours
   * `POWERTOOLS_METRICS_DISABLED`).
   */
  readonly emitMetrics?: boolean;
}

/**
 * Powertools Metrics that publishes nothing: a publish clears what was added. Same API and validation as the real one,
 * so the handler's code path is the production one.
 */
class DiscardingMetrics extends Metrics {
  override publishStoredMetrics(): this {
    // What the real publish clears after writing: without the dimensions, the next document's `feature` would clash.
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  override singleMetric(): Metrics {
    return new DiscardingMetrics({ singleMetric: true });
  }
}

/**
 * Powertools Logger and Metrics. Their standard variables (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE`,
 * `POWERTOOLS_LOG_LEVEL`, …) are read by Powertools itself unless the options say otherwise; only the defaults are ours.
 */
export function createTelemetry(options: TelemetryOptions = {}): {
  logger: Logger;
  metrics: Metrics;
  featureMetrics: Metrics;
} {
  const serviceName = options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
  const namespace =
    options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE;
  const MetricsClass = options.emitMetrics === false ? DiscardingMetrics : Metrics;
  return {
    logger: new Logger({ serviceName, ...(options.logLevel ? { logLevel: options.logLevel } : {}) }),
    metrics: new MetricsClass({ serviceName, namespace }),
    featureMetrics: new MetricsClass({ serviceName, namespace }),
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

/** Metric precision: PSI to six decimals is far below its noise and keeps EMF lines short. */
const PSI_DECIMALS = 1e6;

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
    ...(outcome.drift ? { drift: driftSummary(outcome.drift, outcome.driftMs) } : {}),
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
      .addDimension(REASON_DIMENSION, reason)
      .addMetric(MetricName.recordsRejected, MetricUnit.Count, count);
  }
}

/**
 * The drift metrics of a batch. PSIs below the monitor's minimum record count are `undefined` and not emitted.
 * - `PredictionPSI`, `PredictionPSIWindow`, `DriftWindowRecords` join the batch's document (dimension `service`);
 * - per feature, one document with dimensions `service` + `feature` holding `FeaturePSI` and `FeaturePSIWindow`.
 * One metric name with a `feature` dimension (rather than one name per feature) keeps every document far below EMF's
 * 100 metrics and 30 dimensions, whatever the model's feature count, and lets one dashboard query graph them all.
 */
export function reportDrift(telemetry: Telemetry, drift: DriftSnapshot): void {
  const { metrics } = telemetry;
  metrics.addMetric(DriftMetricName.windowRecords, MetricUnit.Count, drift.windowRecords);
  if (isFinitePsi(drift.prediction.psi)) {
    metrics.addMetric(DriftMetricName.predictionPsi, MetricUnit.NoUnit, roundPsi(drift.prediction.psi));
  }
  if (isFinitePsi(drift.prediction.windowPsi)) {
    metrics.addMetric(
      DriftMetricName.predictionPsiWindow,
      MetricUnit.NoUnit,
      roundPsi(drift.prediction.windowPsi),
    );
  }
  for (const feature of drift.features) {
    const values: [DriftMetricName, number][] = [];
    // Finite by construction (PSIs are computed from ≥ minRecords records); checked anyway, because Powertools throws
    // on a non-number and a monitoring glitch must never fail a batch of predictions.
    if (isFinitePsi(feature.psi)) values.push([DriftMetricName.featurePsi, feature.psi]);
    if (isFinitePsi(feature.windowPsi)) values.push([DriftMetricName.featurePsiWindow, feature.windowPsi]);
    if (values.length === 0) continue;
    if (telemetry.featureMetrics) {
      const document = telemetry.featureMetrics;
      document.addDimension(FEATURE_DIMENSION, feature.name);
      for (const [name, value] of values) document.addMetric(name, MetricUnit.NoUnit, roundPsi(value));
      document.publishStoredMetrics();
    } else {
      for (const [name, value] of values) {
        metrics
          .singleMetric()
          .addDimension(FEATURE_DIMENSION, feature.name)
          .addMetric(name, MetricUnit.NoUnit, roundPsi(value));
      }
    }
  }
}

/**
 * Why drift monitoring is off for a model: `reference.json` is missing (one WARN) or unusable (one ERROR naming the
 * problem). Scoring is unaffected either way. Called once per loaded model.
 */
export function reportDriftDisabled(
  telemetry: Telemetry,
  model: ReadyModel,
  why: { readonly kind: 'absent' | 'invalid'; readonly location: string; readonly error?: unknown },
): void {
  const context = { run_id: model.signature.run_id, reference: why.location };
  if (why.kind === 'absent') {
    telemetry.logger.warn('drift monitoring is off: the model has no reference.json', context);
  } else {
    telemetry.logger.error('drift monitoring is off: reference.json is unusable', {
      ...context,
      error: why.error,
    });
  }
}

/** The drift part of the batch line: window size, each feature's PSIs, and the prediction PSIs (rounded). */
function driftSummary(drift: DriftSnapshot, driftMs: number) {
  const byFeature = (pick: 'psi' | 'windowPsi') =>
    Object.fromEntries(
      drift.features.flatMap((f) => (f[pick] === undefined ? [] : [[f.name, roundTo(f[pick], 1e4)]])),
    );
  return {
    window_records: drift.windowRecords,
    feature_psi: byFeature('psi'),
    feature_psi_window: byFeature('windowPsi'),
    prediction_psi: drift.prediction.psi === undefined ? undefined : roundTo(drift.prediction.psi, 1e4),
    prediction_psi_window:
      drift.prediction.windowPsi === undefined ? undefined : roundTo(drift.prediction.windowPsi, 1e4),
    drift_ms: round(driftMs),
  };
}

function isFinitePsi(psi: number | undefined): psi is number {
  return psi !== undefined && Number.isFinite(psi);
}

function roundPsi(psi: number): number {
  return roundTo(psi, PSI_DECIMALS);
}

function roundTo(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
