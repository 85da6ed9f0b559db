import { compileDriftReference, MAX_BINS } from '../../../../../functions/core/drift';
import { DriftReferenceError } from '../../../../../functions/errors';
import { tinyReference } from '../../../../helpers/drift';

function problemsOf(attempt: () => unknown): readonly string[] {
  try {
    attempt();
  } catch (error) {
    if (error instanceof DriftReferenceError) return error.problems;
    throw error;
  }
  throw new Error('expected a DriftReferenceError');
}

describe('drift reference checks', () => {
  it('lays the reference out in the model’s column and class order, with float32 cut points', () => {
    // Prepare
    const { json, model } = tinyReference();
    const reordered = {
      ...json,
      features: [...json.features].reverse(),
      classes: [...json.classes].reverse(),
    };

    // Act
    const reference = compileDriftReference(reordered, model);

    // Assess
    expect(reference.features).toEqual(['alcohol', 'sulphates']);
    expect(Array.from(reference.cuts)).toEqual([9, 10, Math.fround(0.5)]);
    expect(Array.from(reference.cutOffsets)).toEqual([0, 2, 3]);
    expect(Array.from(reference.shares)).toEqual([0.2, 0.5, 0.3, 0.4, 0.6]);
    expect(Array.from(reference.binOffsets)).toEqual([0, 3, 5]);
    expect(Array.from(reference.classShares)).toEqual([0.3, 0.5, 0.2]);
  });

  it('names every problem at once: another run, a missing feature and class, bad cuts and shares', () => {
    // Prepare
    const { json, model } = tinyReference();
    const broken = {
      ...json,
      run_id: 'ffffffffffffffffffffffffffffffff',
      features: [{ ...json.features[0]!, cuts: [10, 9], shares: [0.5, 0.4] }],
      classes: [
        { label: 5, share: 0.5 },
        { label: 8, share: 0.5 },
      ],
    };

    // Act
    const problems = problemsOf(() => compileDriftReference(broken, model));

    // Assess
    expect(problems).toEqual([
      `run_id is ffffffffffffffffffffffffffffffff, but the model's signature has ${model.run_id}`,
      '"alcohol" has 2 cuts and 2 shares (needs cuts + 1)',
      '"alcohol" cuts are not finite and strictly ascending in float32',
      '"alcohol" shares sum to 0.9, not 1',
      'features has no "sulphates", an input of the model',
      "classes lacks the model's classes 6, 7",
      'classes has 8, which the model does not predict',
    ]);
  });

  it('refuses cut points that float32 cannot tell apart, since one bin could never be reached', () => {
    // Prepare
    const { json, model } = tinyReference();
    const close = { ...json.features[0]!, cuts: [9, 9 + 1e-9], shares: [0.2, 0.5, 0.3] };

    // Act
    const problems = problemsOf(() =>
      compileDriftReference({ ...json, features: [close, json.features[1]!] }, model),
    );

    // Assess
    expect(problems).toEqual(['"alcohol" cuts are not finite and strictly ascending in float32']);
  });

  it('refuses more bins than one byte per record can hold', () => {
    // Prepare
    const { json, model } = tinyReference();
    const cuts = Array.from({ length: MAX_BINS }, (_, k) => k + 1);
    const shares = new Array<number>(MAX_BINS + 1).fill(1 / (MAX_BINS + 1));

    // Act
    const problems = problemsOf(() =>
      compileDriftReference(
        { ...json, features: [{ ...json.features[0]!, cuts, shares }, json.features[1]!] },
        model,
      ),
    );

    // Assess
    expect(problems).toEqual([`"alcohol" has ${MAX_BINS + 1} bins, more than ${MAX_BINS}`]);
  });
});
