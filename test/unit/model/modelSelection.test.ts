import { TrainingError } from '../../../model/src/errors';
import {
  candidates,
  crossValidate,
  selectCandidate,
  type CandidateScore,
} from '../../../model/src/selection';
import { datasetOf, separableBands } from '../../helpers/modelFixtures';

const score = (trees: number, mean: number, bytes: number): CandidateScore => ({
  params: { kind: 'random-forest', trees, max_features: 1, min_leaf: 1 },
  mean,
  sd: 0,
  folds: [mean],
  estimated_bytes: bytes,
});

describe('model selection', () => {
  it('enumerates the grid with tree counts ascending innermost', () => {
    // Act
    const all = candidates({
      kind: ['random-forest'],
      trees: [150, 100],
      max_features: [1, 2],
      min_leaf: [3],
    });

    // Assess
    expect(all.map((p) => [p.max_features, p.trees])).toEqual([
      [1, 100],
      [1, 150],
      [2, 100],
      [2, 150],
    ]);
  });

  it('picks the best mean accuracy among candidates within the size budget', () => {
    // Prepare
    const scores = [score(100, 0.6, 1_000), score(150, 0.7, 9_000), score(200, 0.65, 2_000)];

    // Act
    const selected = selectCandidate(scores, { max_bytes: 5_000, bytes_per_node: 25 });

    // Assess
    expect(selected.params.trees).toBe(200);
  });

  it('keeps the earlier (smaller) candidate on a tie', () => {
    expect(
      selectCandidate([score(100, 0.6, 1), score(150, 0.6, 2)], { max_bytes: 10, bytes_per_node: 1 }).params
        .trees,
    ).toBe(100);
  });

  it('fails when no candidate fits the budget', () => {
    expect(() => selectCandidate([score(100, 0.6, 10)], { max_bytes: 5, bytes_per_node: 1 })).toThrow(
      TrainingError,
    );
  });

  it('scores every candidate on every fold and records the search', async () => {
    // Prepare
    const { rows, labels } = separableBands(20);
    const data = datasetOf(rows, labels, [4, 5, 6]);
    const grid = { kind: ['random-forest'], trees: [3, 6], max_features: [1, 2], min_leaf: [1] } as const;
    const lines: string[] = [];

    // Act
    const cv = await crossValidate(
      data,
      grid,
      3,
      1,
      { max_bytes: 1e9, bytes_per_node: 25 },
      undefined,
      (line) => lines.push(line),
    );

    // Assess
    expect(cv.candidates).toHaveLength(4);
    for (const candidate of cv.candidates) expect(candidate.folds).toHaveLength(3);
    expect(cv.fold_sizes).toEqual([20, 20, 20]);
    expect(cv.selected.mean).toBe(Math.max(...cv.candidates.map((c) => c.mean)));
    expect(cv.candidates.every((c) => c.estimated_bytes > 0)).toBe(true);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(
      /^fold 1\/3: random-forest max_features=1 min_leaf=1: accuracy 3 trees \d\.\d{3}, 6 trees/,
    );
  });
});
