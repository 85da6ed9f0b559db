import type { FeatureBatch } from '../scorer';
import { assignBins, assignClasses, tally } from './binning';
import { populationStabilityIndex } from './psi';
import { featureShares, type DriftReference } from './reference';
import { RollingWindow } from './window';
import { MIN_PSI_RECORDS } from '../../contract/drift';

export { MIN_PSI_RECORDS };

/** Records the rolling window keeps by default (per container). */
export const DEFAULT_WINDOW_RECORDS = 10_000;

/** Options of {@link createDriftMonitor}. */
export interface DriftMonitorOptions {
  /** Records the rolling window keeps ({@link DEFAULT_WINDOW_RECORDS}). */
  readonly windowRecords?: number;
  /** Fewest records a PSI is computed from ({@link MIN_PSI_RECORDS}). */
  readonly minRecords?: number;
}

/** PSI of one distribution: over the batch and over the rolling window; `undefined` below the minimum records. */
export interface DistributionDrift {
  readonly psi: number | undefined;
  readonly windowPsi: number | undefined;
}

/** Drift of one input feature. */
export interface FeatureDrift extends DistributionDrift {
  readonly name: string;
}

/** What one batch says about drift, for metrics and logs. */
export interface DriftSnapshot {
  /** Valid (scored) records of the batch. */
  readonly batchRecords: number;
  /** Records in the rolling window, this batch included. */
  readonly windowRecords: number;
  /** Every input feature, in the model's column order. */
  readonly features: readonly FeatureDrift[];
  /** The predicted classes against the training class shares. */
  readonly prediction: DistributionDrift;
}

/** Accumulates scored batches and reports their drift against the training reference. */
export interface DriftMonitor {
  readonly reference: DriftReference;
  readonly windowCapacity: number;
  readonly minRecords: number;
  /**
   * Bins a scored batch, adds it to the rolling window and computes the PSIs.
   *
   * @param batch - the `[N, F]` tensor the scorer received (reused, not copied)
   * @param labels - the predicted class label of each row
   */
  observe(batch: FeatureBatch, labels: ArrayLike<number>): DriftSnapshot;
}

/**
 * Builds the drift monitor of one model, holding one rolling window: one per container, kept across invocations.
 *
 * @throws RangeError when `windowRecords` or `minRecords` is not a positive integer
 * @example
 * const monitor = createDriftMonitor(compileDriftReference(referenceJson, signature));
 * const snapshot = monitor.observe(batch, scores.labels);
 * snapshot.features[0]; // { name: 'alcohol', psi: 0.013, windowPsi: 0.008 }
 */
export function createDriftMonitor(
  reference: DriftReference,
  options: DriftMonitorOptions = {},
): DriftMonitor {
  const windowCapacity = options.windowRecords ?? DEFAULT_WINDOW_RECORDS;
  const minRecords = options.minRecords ?? MIN_PSI_RECORDS;
  if (!Number.isInteger(minRecords) || minRecords < 1) {
    throw new RangeError(`minRecords must be a positive integer, got ${minRecords}`);
  }
  const window = new RollingWindow(reference, windowCapacity);
  const shares = reference.features.map((_, j) => featureShares(reference, j));

  return {
    reference,
    windowCapacity,
    minRecords,
    observe(batch, labels) {
      const bins = assignBins(reference, batch);
      const classes = assignClasses(reference, labels, batch.rows);
      window.push(bins, classes);
      const batchCounts = {
        features: new Uint32Array(reference.totalBins),
        classes: new Uint32Array(reference.classes.length),
      };
      const batchEnough = batch.rows >= minRecords;
      if (batchEnough) tally(reference, batchCounts, bins, classes, { start: 0, end: batch.rows });
      const windowEnough = window.size >= minRecords;
      const psi = (
        referenceShares: ArrayLike<number>,
        counts: Uint32Array,
        offset: number,
        enough: boolean,
      ) => (enough ? populationStabilityIndex(referenceShares, counts, offset) : undefined);
      return {
        batchRecords: batch.rows,
        windowRecords: window.size,
        features: reference.features.map((name, j) => {
          const offset = reference.binOffsets[j] as number;
          return {
            name,
            psi: psi(shares[j] as Float64Array, batchCounts.features, offset, batchEnough),
            windowPsi: psi(shares[j] as Float64Array, window.featureCounts, offset, windowEnough),
          };
        }),
        prediction: {
          psi: psi(reference.classShares, batchCounts.classes, 0, batchEnough),
          windowPsi: psi(reference.classShares, window.classCounts, 0, windowEnough),
        },
      };
    },
  };
}
