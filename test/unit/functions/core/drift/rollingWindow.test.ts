import {
  assignBins,
  assignClasses,
  compileDriftReference,
  RollingWindow,
  UNKNOWN_CLASS,
} from '../../../../../functions/core/drift';
import { tensorFrom, tinyReference } from '../../../../helpers/drift';

function windowOf(capacity: number) {
  const { json, model } = tinyReference();
  const reference = compileDriftReference(json, model);
  const window = new RollingWindow(reference, capacity);
  /** Adds rows of [alcohol, sulphates] with their predicted labels. */
  const push = (rows: [number, number][], labels: number[]) => {
    const batch = tensorFrom(rows);
    window.push(assignBins(reference, batch), assignClasses(reference, labels, batch.rows));
  };
  return { window, push };
}

describe('rolling window', () => {
  it('counts every record until it is full', () => {
    // Prepare
    const { window, push } = windowOf(4);

    // Act
    push(
      [
        [8.5, 0.4],
        [9.5, 0.6],
      ],
      [5, 6],
    );
    push([[11, 0.7]], [7]);

    // Assess
    expect(window.size).toBe(3);
    // alcohol bins (≤9, ≤10, >10) then sulphates bins (≤0.5, >0.5)
    expect(Array.from(window.featureCounts)).toEqual([1, 1, 1, 1, 2]);
    expect(Array.from(window.classCounts)).toEqual([1, 1, 1]);
  });

  it('evicts the oldest records one for one, across batch boundaries', () => {
    // Prepare
    const { window, push } = windowOf(3);
    push(
      [
        [8, 0.1],
        [8, 0.1],
      ],
      [5, 5],
    );

    // Act
    push(
      [
        [9.5, 0.9],
        [11, 0.9],
      ],
      [6, 7],
    );

    // Assess: the first record left; one (8, 0.1, class 5) remains with the two new ones.
    expect(window.size).toBe(3);
    expect(Array.from(window.featureCounts)).toEqual([1, 1, 1, 1, 2]);
    expect(Array.from(window.classCounts)).toEqual([1, 1, 1]);
  });

  it('keeps only the newest records of a batch larger than the window', () => {
    // Prepare
    const { window, push } = windowOf(2);

    // Act
    push(
      [
        [8, 0.1],
        [8, 0.1],
        [9.5, 0.9],
        [11, 0.9],
      ],
      [5, 5, 6, 7],
    );

    // Assess
    expect(window.size).toBe(2);
    expect(Array.from(window.featureCounts)).toEqual([0, 1, 1, 0, 2]);
    expect(Array.from(window.classCounts)).toEqual([0, 1, 1]);
  });

  it('matches a window recomputed from scratch after many wraps', () => {
    // Prepare
    const { window, push } = windowOf(7);
    const history: [number, number, number][] = [];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;

    // Act
    for (let batch = 0; batch < 25; batch++) {
      const size = 1 + Math.floor(next() * 5);
      const rows = Array.from({ length: size }, (): [number, number, number] => [
        8 + next() * 4,
        next(),
        5 + Math.floor(next() * 3),
      ]);
      history.push(...rows);
      push(
        rows.map(([a, s]) => [a, s]),
        rows.map(([, , label]) => label),
      );
    }

    // Assess
    const { json, model } = tinyReference();
    const fresh = new RollingWindow(compileDriftReference(json, model), 7);
    const last = history.slice(-7);
    const reference = compileDriftReference(json, model);
    const batch = tensorFrom(last.map(([a, s]) => [a, s]));
    fresh.push(
      assignBins(reference, batch),
      assignClasses(
        reference,
        last.map(([, , label]) => label),
        last.length,
      ),
    );
    expect(Array.from(window.featureCounts)).toEqual(Array.from(fresh.featureCounts));
    expect(Array.from(window.classCounts)).toEqual(Array.from(fresh.classCounts));
  });

  it('does not count a label outside the model’s classes', () => {
    // Prepare
    const { json, model } = tinyReference();
    const reference = compileDriftReference(json, model);

    // Act
    const classes = assignClasses(reference, [5, 42], 2);
    const window = new RollingWindow(reference, 5);
    window.push(
      assignBins(
        reference,
        tensorFrom([
          [9, 0.5],
          [9, 0.5],
        ]),
      ),
      classes,
    );

    // Assess
    expect(Array.from(classes)).toEqual([0, UNKNOWN_CLASS]);
    expect(Array.from(window.classCounts)).toEqual([1, 0, 0]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    // Prepare
    const { json, model } = tinyReference();
    const reference = compileDriftReference(json, model);

    // Act / Assess
    expect(() => new RollingWindow(reference, 0)).toThrow(/positive integer, got 0/);
    expect(() => new RollingWindow(reference, 2.5)).toThrow(RangeError);
  });
});
