/**
 * Population stability index (PSI): how far a live distribution over fixed bins has moved from a reference one.
 *
 * PSI = Σₖ (aₖ − eₖ) · ln(aₖ / eₖ), with eₖ the reference share and aₖ the live share of bin k. It is symmetric in
 * a and e, 0 for identical distributions, and grows without bound as they part. The usual reading (Siddiqi, "Credit
 * Risk Scorecards", 2006), used by the metrics' alarms and the report: below 0.1 stable, 0.1–0.25 a moderate shift,
 * above 0.25 a significant shift (drift).
 */
import { PSI_THRESHOLDS } from '../../contract/drift';

/**
 * Smallest share a bin counts with. An empty bin would make ln(a/e) infinite, so both shares are clamped to at least
 * ε = 0.0001 (the shares are not renormalised: the clamp adds at most ε per empty bin). An empty live bin whose
 * reference share is 10 % then contributes (0.0001 − 0.1) · ln(0.0001 / 0.1) ≈ 0.69 — bounded, and still far above
 * the drift threshold, as a bin that vanished should be.
 */
export const PSI_EPSILON = 1e-4;

export { PSI_THRESHOLDS };

/** How a PSI value reads: `stable` (< 0.1), `moderate` (0.1–0.25) or `drift` (> 0.25). */
export type PsiLevel = 'stable' | 'moderate' | 'drift';

/**
 * The level of a PSI value.
 *
 * @example
 * psiLevel(0.05); // 'stable'
 * psiLevel(0.25); // 'moderate'
 * psiLevel(0.31); // 'drift'
 */
export function psiLevel(psi: number): PsiLevel {
  if (psi < PSI_THRESHOLDS.stable) return 'stable';
  return psi <= PSI_THRESHOLDS.drift ? 'moderate' : 'drift';
}

/**
 * PSI of live bin counts against reference shares.
 *
 * @param referenceShares - eₖ, one per bin (summing to 1)
 * @param counts - live records per bin; read from `counts[offset]` to `counts[offset + referenceShares.length - 1]`
 * @param offset - where this distribution's bins start in `counts` (several features share one counts array)
 * @returns the PSI, or `NaN` when the live counts are all zero (no live distribution to compare)
 * @example
 * populationStabilityIndex([0.5, 0.5], [30, 70]); // (0.3−0.5)·ln(0.3/0.5) + (0.7−0.5)·ln(0.7/0.5) ≈ 0.1695
 */
export function populationStabilityIndex(
  referenceShares: ArrayLike<number>,
  counts: ArrayLike<number>,
  offset = 0,
): number {
  const bins = referenceShares.length;
  let total = 0;
  for (let k = 0; k < bins; k++) total += counts[offset + k] ?? 0;
  if (total === 0) return Number.NaN;
  let psi = 0;
  for (let k = 0; k < bins; k++) {
    const expected = Math.max(referenceShares[k] ?? 0, PSI_EPSILON);
    const actual = Math.max((counts[offset + k] ?? 0) / total, PSI_EPSILON);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}
