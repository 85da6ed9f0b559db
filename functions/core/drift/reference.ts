import type { ModelReference } from '../../../model/src/contract';
import { DriftReferenceError } from '../../errors';
import type { ModelDescription } from '../model';

/** Most bins one feature may have: the rolling window stores a record's bin per feature in one byte. */
export const MAX_BINS = 256;

/** Classes must be fewer than this: a record's class index is one byte, and 255 marks an unknown label. */
export const MAX_CLASSES = 255;

/** Tolerance of a reference's shares summing to 1 (`reference.json` rounds each share to six decimals). */
const SHARE_SUM_TOLERANCE = 1e-3;

/**
 * `reference.json` laid out for the batch tensor: features in the model's column order, every feature's cut points
 * in one flat array, classes in the order of the model's `classes`.
 */
export interface DriftReference {
  /** Feature names, in the model's input column order. */
  readonly features: readonly string[];
  /**
   * Interior bin edges of every feature, rounded to float32 (see {@link binOf}), concatenated: feature j's are
   * `cuts[cutOffsets[j]]` up to (excluding) `cuts[cutOffsets[j + 1]]`.
   */
  readonly cuts: Float64Array;
  readonly cutOffsets: Uint32Array;
  /** Reference share of each bin, concatenated like the cuts: feature j's bins start at `binOffsets[j]`. */
  readonly shares: Float64Array;
  readonly binOffsets: Uint32Array;
  /** Bins over all features. */
  readonly totalBins: number;
  /** The model's class labels and each one's share of the training rows, in the same order. */
  readonly classes: readonly number[];
  readonly classShares: Float64Array;
  /** The original, for reports: cut points as decimal numbers. */
  readonly source: ModelReference;
}

/**
 * Checks `reference.json` against the model it is served with and lays it out for {@link binOf} and the monitor.
 *
 * Cut points are rounded to float32 because the values they are compared with come from the model's float32 input
 * tensor: a record's decimal value `x` lands in the tensor as `fround(x)`, and since rounding is monotonic,
 * `fround(c) < fround(x)` implies `c < x`, and `c < x` implies `fround(c) < fround(x)` unless `x` lies within one
 * float32 step (≈ 6·10⁻⁸ relative) above `c`. Comparing float32 values with float32 cuts therefore bins every value
 * exactly as the reference's rule does on the decimal values (a value equal to a cut stays in the lower bin), except
 * values within that step of a cut — decimals recorded to a few digits never are. Comparing with the float64 cuts
 * instead would move a value equal to a cut whose float32 rounding is larger (0.17 → 0.17000000178…) one bin up.
 *
 * @throws DriftReferenceError listing every problem: another run's reference, a missing feature or class, cut
 *   points not strictly ascending, a share count that does not match the cuts, shares that do not sum to 1
 * @example
 * const drift = compileDriftReference(referenceJson, signature);
 */
export function compileDriftReference(reference: ModelReference, model: ModelDescription): DriftReference {
  const problems: string[] = [];
  if (reference.run_id !== model.run_id) {
    problems.push(`run_id is ${reference.run_id}, but the model's signature has ${model.run_id}`);
  }
  const byName = new Map(reference.features.map((feature) => [feature.name as string, feature]));
  const cuts: number[] = [];
  const shares: number[] = [];
  const cutOffsets = new Uint32Array(model.features.length + 1);
  const binOffsets = new Uint32Array(model.features.length + 1);
  model.features.forEach((name, j) => {
    const feature = byName.get(name);
    if (!feature) {
      problems.push(`features has no "${name}", an input of the model`);
    } else {
      problems.push(...binProblems(name, feature.cuts, feature.shares));
      cuts.push(...feature.cuts.map(Math.fround));
      shares.push(...feature.shares);
    }
    cutOffsets[j + 1] = cuts.length;
    binOffsets[j + 1] = shares.length;
  });

  const classShare = new Map(reference.classes.map((c) => [c.label, c.share]));
  const missing = model.classes.filter((label) => !classShare.has(label));
  const extra = reference.classes.filter((c) => !model.classes.includes(c.label)).map((c) => c.label);
  if (model.classes.length >= MAX_CLASSES)
    problems.push(`the model has more than ${MAX_CLASSES - 1} classes`);
  if (missing.length > 0) problems.push(`classes lacks the model's classes ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`classes has ${extra.join(', ')}, which the model does not predict`);
  const classShares = Float64Array.from(model.classes, (label) => classShare.get(label) ?? 0);
  problems.push(
    ...sumProblems(
      'classes shares',
      reference.classes.map((c) => c.share),
    ),
  );

  if (problems.length > 0) throw new DriftReferenceError(problems);
  return {
    features: model.features,
    cuts: Float64Array.from(cuts),
    cutOffsets,
    shares: Float64Array.from(shares),
    binOffsets,
    totalBins: shares.length,
    classes: model.classes,
    classShares,
    source: reference,
  };
}

function binProblems(name: string, cuts: readonly number[], shares: readonly number[]): string[] {
  const problems: string[] = [];
  if (shares.length !== cuts.length + 1) {
    problems.push(`"${name}" has ${cuts.length} cuts and ${shares.length} shares (needs cuts + 1)`);
  }
  if (shares.length > MAX_BINS) problems.push(`"${name}" has ${shares.length} bins, more than ${MAX_BINS}`);
  // Strictly ascending after the float32 rounding too, or a bin would be unreachable.
  const rounded = cuts.map(Math.fround);
  if (!cuts.every(Number.isFinite) || rounded.some((cut, k) => k > 0 && cut <= (rounded[k - 1] as number))) {
    problems.push(`"${name}" cuts are not finite and strictly ascending in float32`);
  }
  problems.push(...sumProblems(`"${name}" shares`, shares));
  return problems;
}

function sumProblems(what: string, shares: ArrayLike<number>): string[] {
  let sum = 0;
  for (let k = 0; k < shares.length; k++) sum += shares[k] ?? Number.NaN;
  return Math.abs(sum - 1) <= SHARE_SUM_TOLERANCE ? [] : [`${what} sum to ${sum}, not 1`];
}

/** Reference shares of feature `j` (a view, not a copy). */
export function featureShares(reference: DriftReference, j: number): Float64Array {
  return reference.shares.subarray(reference.binOffsets[j], reference.binOffsets[j + 1]);
}
