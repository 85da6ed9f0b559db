/** Drift monitoring, pure: training reference → bins → counts (batch and rolling window) → PSI. */
export {
  assignBins,
  assignClasses,
  binOf,
  countBins,
  countClasses,
  countFeatureBins,
  tally,
  UNKNOWN_CLASS,
  type BinCounts,
} from './binning';
export { DriftMetricName, FEATURE_DIMENSION, SERVICE_DIMENSION } from '../../contract/metrics';
export {
  createDriftMonitor,
  DEFAULT_WINDOW_RECORDS,
  MIN_PSI_RECORDS,
  type DistributionDrift,
  type DriftMonitor,
  type DriftMonitorOptions,
  type DriftSnapshot,
  type FeatureDrift,
} from './monitor';
export { populationStabilityIndex, psiLevel, PSI_EPSILON, PSI_THRESHOLDS, type PsiLevel } from './psi';
export {
  compileDriftReference,
  featureShares,
  MAX_BINS,
  MAX_CLASSES,
  type DriftReference,
} from './reference';
export { RollingWindow } from './window';
