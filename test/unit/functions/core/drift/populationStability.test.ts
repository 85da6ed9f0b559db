import { PSI_EPSILON, populationStabilityIndex, psiLevel } from '../../../../../functions/core/drift';

describe('population stability index', () => {
  it('matches hand-computed values', () => {
    // Prepare
    // (0.3−0.5)·ln(0.3/0.5) + (0.7−0.5)·ln(0.7/0.5), worked out by hand (calculator, not this code).
    const twoBins = 0.169459572;

    // Act
    const psi = populationStabilityIndex([0.5, 0.5], [30, 70]);

    // Assess
    expect(psi).toBeCloseTo(twoBins, 8);
  });

  it('is zero for a live distribution equal to the reference and symmetric in the two', () => {
    // Prepare / Act
    const same = populationStabilityIndex([0.2, 0.3, 0.5], [20, 30, 50]);
    const forward = populationStabilityIndex([0.3, 0.7], [50, 50]);
    const backward = populationStabilityIndex([0.5, 0.5], [30, 70]);

    // Assess
    expect(same).toBe(0);
    expect(forward).toBeCloseTo(backward, 12);
  });

  it('clamps an empty live bin to epsilon, so the PSI stays finite and large', () => {
    // Prepare
    // (0.0001−0.25)·ln(0.0001/0.25) + (0.5−0.25)·ln(0.5/0.25) + 0, by hand.
    const expected = 2.128515893;

    // Act
    const psi = populationStabilityIndex([0.25, 0.25, 0.5], [0, 50, 50]);

    // Assess
    expect(PSI_EPSILON).toBe(1e-4);
    expect(psi).toBeCloseTo(expected, 8);
  });

  it('clamps an empty reference bin too', () => {
    // Prepare
    // (0.1−0.0001)·ln(0.1/0.0001) + 2·(0.45−0.5)·ln(0.45/0.5), by hand.
    const expected = 0.700620804;

    // Act
    const psi = populationStabilityIndex([0, 0.5, 0.5], [10, 45, 45]);

    // Assess
    expect(psi).toBeCloseTo(expected, 8);
  });

  it('reads one distribution out of a shared counts array at an offset', () => {
    // Prepare
    const counts = Uint32Array.of(7, 7, 30, 70, 9);

    // Act
    const psi = populationStabilityIndex([0.5, 0.5], counts, 2);

    // Assess
    expect(psi).toBeCloseTo(0.169459572, 8);
  });

  it('returns NaN without live records rather than a made-up number', () => {
    // Prepare / Act
    const psi = populationStabilityIndex([0.5, 0.5], [0, 0]);

    // Assess
    expect(psi).toBeNaN();
  });

  it.each([
    [0, 'stable'],
    [0.0999, 'stable'],
    [0.1, 'moderate'],
    [0.25, 'moderate'],
    [0.2501, 'drift'],
    [3, 'drift'],
  ])('reads PSI %p as %s', (psi, level) => {
    // Prepare / Act / Assess
    expect(psiLevel(psi)).toBe(level);
  });
});
