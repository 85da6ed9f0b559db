/**
 * Names of the drift metrics the function emits (EMF, through Powertools Metrics) and the infrastructure alarms and
 * graphs: one source of truth, imported by both. No imports here, so the infra app can read it cheaply.
 */

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
