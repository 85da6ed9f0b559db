/**
 * Names of every metric the function emits (EMF, through Powertools Metrics) and of their dimensions: one source of
 * truth, imported by the function's telemetry, the infrastructure's alarms and dashboard, and the local tools that read
 * EMF. No imports here, so the infra app can read it cheaply.
 */

/** Used when `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE` are unset. */
export const DEFAULT_SERVICE_NAME = 'wine-quality-inference';
export const DEFAULT_METRICS_NAMESPACE = 'WineQuality';

/** EMF metric names of each batch (CloudWatch dashboards and alarms refer to these). */
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

export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Dimension of the per-reason `RecordsRejected` data (its value: the rejection reason). */
export const REASON_DIMENSION = 'reason';

/** EMF metric names of drift monitoring. */
export const DriftMetricName = {
  /** PSI of one feature over the batch; dimensions `service`, `feature`. Only for batches of ≥ `minRecords`. */
  featurePsi: 'FeaturePSI',
  /** PSI of one feature over the container's rolling window; dimensions `service`, `feature`. Alarmed on. */
  featurePsiWindow: 'FeaturePSIWindow',
  /** PSI of the predicted classes over the batch against the training class shares; dimension `service`. */
  predictionPsi: 'PredictionPSI',
  /** PSI of the predicted classes over the rolling window; dimension `service`. Alarmed on. */
  predictionPsiWindow: 'PredictionPSIWindow',
  /** Records in the rolling window when the batch was added; dimension `service`. */
  windowRecords: 'DriftWindowRecords',
} as const;

export type DriftMetricName = (typeof DriftMetricName)[keyof typeof DriftMetricName];

/** Dimension naming the input feature of `FeaturePSI` / `FeaturePSIWindow` (its value: the UCI column name). */
export const FEATURE_DIMENSION = 'feature';

/** Powertools Metrics' default dimension, whose value is `POWERTOOLS_SERVICE_NAME`; every metric carries it. */
export const SERVICE_DIMENSION = 'service';

/**
 * EMF metric names of the batch handler (`batch.handler`), one document per input file; dimension `service`. Refused
 * files also carry a `reason` dimension ({@link BatchRefusal}).
 */
export const BatchMetricName = {
  /** Files scored to the end (predictions and rejects written). */
  filesScored: 'BatchFilesScored',
  /** Files not scored: too large for one invocation, a bad file (header, delimiter), or out of time. Alarmed on. */
  filesRefused: 'BatchFilesRefused',
  /** Data rows read from a scored file. */
  rowsRead: 'BatchRowsRead',
  rowsPredicted: 'BatchRowsPredicted',
  rowsRejected: 'BatchRowsRejected',
  /** Wall time of one file, from the first byte read to the last byte written. */
  fileDuration: 'BatchFileDuration',
} as const;

export type BatchMetricName = (typeof BatchMetricName)[keyof typeof BatchMetricName];

/** Why a batch file was refused: the `reason` dimension value of `BatchFilesRefused`. */
export const BatchRefusal = {
  /** Larger than the configured limit for one invocation (split it). */
  tooLarge: 'too_large',
  /** Unreadable, wrong delimiter, header missing a feature the model needs. */
  invalidFile: 'invalid_file',
  /** The invocation ran out of time before the end of the file (nothing was written). */
  outOfTime: 'out_of_time',
} as const;

export type BatchRefusal = (typeof BatchRefusal)[keyof typeof BatchRefusal];
