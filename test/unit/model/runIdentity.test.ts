import { canonicalJson } from '../../../model/src/canonicalJson';
import { RUN_ID_PATTERN } from '../../../model/src/contract';
import { deriveRunId } from '../../../model/src/runId';

describe('run ids', () => {
  const inputs = { data_sha256: 'a'.repeat(64), feature_set: 'seed3', seed: 42, grid: { trees: [100] } };

  it('are 32 lowercase hex characters and the same for the same inputs', () => {
    // Act
    const first = deriveRunId(inputs);
    const second = deriveRunId({ ...inputs });

    // Assess
    expect(first).toMatch(RUN_ID_PATTERN);
    expect(second).toBe(first);
  });

  it('do not depend on the order of object keys', () => {
    // Prepare
    const reordered = { grid: { trees: [100] }, seed: 42, feature_set: 'seed3', data_sha256: 'a'.repeat(64) };

    // Act / Assess
    expect(canonicalJson(reordered)).toBe(canonicalJson(inputs));
    expect(deriveRunId(reordered)).toBe(deriveRunId(inputs));
  });

  it.each([
    ['the data', { data_sha256: 'b'.repeat(64) }],
    ['the seed', { seed: 43 }],
    ['the feature set', { feature_set: 'all' }],
    ['the hyperparameters', { grid: { trees: [150] } }],
  ])('change with %s', (_case, patch) => {
    expect(deriveRunId({ ...inputs, ...patch })).not.toBe(deriveRunId(inputs));
  });
});
