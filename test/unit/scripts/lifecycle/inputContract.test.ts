import { contractFigures, windowFigures } from '../../../../scripts/lifecycle/input-contract';

const json = (value: unknown) => ({ data: Buffer.from(JSON.stringify(value)) });

describe('the input contract window', () => {
  it('counts valid-JSON records carrying every feature as a number, per model, with what is missing', () => {
    // Prepare
    const records = [
      json({ wine_features: { alcohol: 9, pH: 3 } }),
      json({ wine_features: { alcohol: 9 } }),
      json({ wine_features: { alcohol: '9', pH: 3 } }),
      json([1, 2]),
      { data: Buffer.from('not json') },
      { data: Buffer.from([0xff, 0xfe]) },
    ];

    // Act
    const figures = windowFigures(
      { stream: 's', since: new Date(0), until: new Date(1), records, capped: true },
      ['alcohol', 'pH'],
      ['alcohol'],
    );

    // Assess
    expect(figures).toMatchObject({
      records: 6,
      validJson: 4,
      candidateShare: 1 / 4,
      referenceShare: 2 / 4,
      missingShare: { alcohol: 2 / 4, pH: 2 / 4 },
      capped: true,
    });
  });

  it('lists the candidate features the reference run does not take', () => {
    // Act
    const figures = contractFigures(
      ['alcohol', 'pH', 'density'],
      { runId: 'r', role: 'live', features: ['alcohol'] },
      { notDone: 'no stream' },
    );

    // Assess
    expect(figures.missingFromReference).toEqual(['pH', 'density']);
    expect(figures.window).toEqual({ notDone: 'no stream' });
  });
});
