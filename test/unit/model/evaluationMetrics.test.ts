import { evaluate } from '../../../model/src/evaluation';

describe('evaluation metrics', () => {
  it('computes accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix', () => {
    // Prepare: classes 5, 6, 7; 8 rows, 5 correct
    const truth = [0, 0, 0, 1, 1, 1, 2, 2];
    const predicted = [0, 0, 1, 1, 1, 0, 1, 2];

    // Act
    const report = evaluate(truth, predicted, [5, 6, 7]);

    // Assess
    expect(report.accuracy).toBe(0.625);
    expect(report.confusion_matrix).toEqual({
      labels: [5, 6, 7],
      matrix: [
        [2, 1, 0],
        [1, 2, 0],
        [0, 1, 1],
      ],
    });
    // class 5: P 2/3 R 2/3; class 6: P 2/4 R 2/3; class 7: P 1 R 1/2
    expect(report.per_class.map((c) => [c.label, c.precision, c.recall, c.support])).toEqual([
      [5, 0.666667, 0.666667, 3],
      [6, 0.5, 0.666667, 3],
      [7, 1, 0.5, 2],
    ]);
    const f1 = [2 / 3, (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 2 / 3];
    expect(report.macro_f1).toBeCloseTo((f1[0]! + f1[1]! + f1[2]!) / 3, 6);
  });

  it('leaves classes absent from both truth and predictions out of macro-F1, and scores them zero', () => {
    // Act
    const report = evaluate([0, 1], [0, 1], [3, 4, 9]);

    // Assess
    expect(report.macro_f1).toBe(1);
    expect(report.per_class[2]).toEqual({ label: 9, precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('rejects predictions of another length', () => {
    expect(() => evaluate([0, 1], [0], [1, 2])).toThrow('truth has 2 rows, predictions 1');
  });
});
