import { decide, GATE_RULE, type GateFigures, type ModelFigures } from '../../../../scripts/lifecycle/gate';
import { contractFigures, type InputWindow } from '../../../../scripts/lifecycle/input-contract';

const SEED3 = ['alcohol', 'volatile acidity', 'sulphates'];
const ALL = ['fixed acidity', 'volatile acidity', 'citric acid', 'alcohol', 'sulphates', 'pH'];
const LIVE = '1530befaaa6a54acdb34d0bb244882e7';

function model(runId: string, accuracy: number, recalls: Record<number, [number, number]>): ModelFigures {
  return {
    runId,
    accuracy,
    macroF1: accuracy / 2,
    perClass: Object.entries(recalls).map(([label, [recall, support]]) => ({
      label: Number(label),
      recall,
      support,
    })),
    confusion: [],
  };
}

function record(features: Record<string, number>): { data: Uint8Array } {
  return { data: Buffer.from(JSON.stringify({ wine_features: features, customer_id: 1 })) };
}

function window(records: { data: Uint8Array }[]): InputWindow {
  return {
    stream: 'wine-input',
    since: new Date('2026-01-01T00:00:00Z'),
    until: new Date('2026-01-01T01:00:00Z'),
    records,
    capped: false,
  };
}

const threeFeatureRecords = (n: number) =>
  Array.from({ length: n }, () => record({ alcohol: 9, 'volatile acidity': 0.3, sulphates: 0.5 }));

/** A candidate that passes everything, with overrides. */
function figures(
  over: Partial<GateFigures> & { candidateFeatures?: string[]; win?: InputWindow } = {},
): GateFigures {
  const { candidateFeatures = SEED3, win, ...rest } = over;
  return {
    rows: 212,
    classes: [5, 6, 7],
    baseline: model(LIVE, 0.613, { 5: [0.571, 63], 6: [0.696, 102], 7: [0.605, 38] }),
    candidate: model('7572c494b7f99282d107a36e098bf452', 0.642, {
      5: [0.603, 63],
      6: [0.745, 102],
      7: [0.553, 38],
    }),
    difference: {
      accuracy: 0.029,
      discordant: { baselineOnly: 14, candidateOnly: 20 },
      mcnemarP: 0.39,
      bootstrap95: { low: -0.028, high: 0.08 },
    },
    contract: contractFigures(
      candidateFeatures,
      { runId: LIVE, role: 'live', features: SEED3 },
      win ?? window(threeFeatureRecords(100)),
    ),
    ...rest,
  };
}

const failed = (f: GateFigures) => decide(f).checks.filter((c) => !c.passed);

describe('the promotion gate', () => {
  it('promotes a candidate that passes every check', () => {
    // Act
    const result = decide(figures());

    // Assess
    expect(result.verdict).toBe('PROMOTE');
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      ['rows', true],
      ['accuracy', true],
      ['significance', true],
      ['recall', true],
      ['input contract', true],
    ]);
  });

  it('refuses fewer than 200 evaluation rows and says why', () => {
    // Act
    const problems = failed(figures({ rows: GATE_RULE.minRows - 1 }));

    // Assess
    expect(problems.map((c) => c.name)).toEqual(['rows']);
    expect(problems[0]?.detail).toMatch(
      /only 199 evaluation rows, fewer than 200: too few to tell the models apart/,
    );
  });

  it('refuses a point estimate more than two points worse even when not significant', () => {
    // Prepare
    const worse = figures();
    const f = { ...worse, difference: { ...worse.difference, accuracy: -0.025, mcnemarP: 0.3 } };

    // Act
    const problems = failed(f);

    // Assess
    expect(decide(f).verdict).toBe('REFUSE');
    expect(problems.map((c) => c.name)).toEqual(['accuracy']);
  });

  it('tolerates exactly the tolerance', () => {
    // Prepare
    const base = figures();

    // Act
    const result = decide({
      ...base,
      difference: { ...base.difference, accuracy: -GATE_RULE.accuracyTolerance },
    });

    // Assess
    expect(result.verdict).toBe('PROMOTE');
  });

  it('refuses a candidate significantly worse than the baseline, with the McNemar figures', () => {
    // Prepare
    const base = figures();
    const f = {
      ...base,
      difference: {
        ...base.difference,
        accuracy: -0.01,
        discordant: { baselineOnly: 30, candidateOnly: 12 },
        mcnemarP: 0.008,
      },
    };

    // Act
    const problems = failed(f);

    // Assess
    expect(problems.map((c) => c.name)).toEqual(['significance']);
    expect(problems[0]?.detail).toBe(
      'significantly worse: McNemar p = 0.0080 < 0.05 (12 rows only the candidate got right, 30 only the baseline)',
    );
  });

  it('does not call a significantly better candidate worse', () => {
    // Prepare
    const base = figures();

    // Act
    const result = decide({ ...base, difference: { ...base.difference, accuracy: 0.05, mcnemarP: 0.0003 } });

    // Assess
    expect(result.verdict).toBe('PROMOTE');
  });

  it('refuses a class whose recall falls below half the baseline, judging only well-supported classes', () => {
    // Prepare
    const base = figures();
    const candidate = model(base.candidate.runId, 0.64, { 5: [0.6, 63], 6: [0.75, 102], 7: [0.29, 38] });
    const smallClass = model(base.candidate.runId, 0.64, {
      5: [0.6, 63],
      6: [0.75, 102],
      7: [0.553, 38],
      8: [0, 3],
    });

    // Act
    const collapsed = failed({ ...base, candidate });
    const ignored = decide({
      ...base,
      baseline: model(LIVE, 0.613, { 5: [0.571, 63], 6: [0.696, 102], 7: [0.605, 38], 8: [0.66, 3] }),
      candidate: smallClass,
    });

    // Assess
    expect(collapsed.map((c) => c.name)).toEqual(['recall']);
    expect(collapsed[0]?.detail).toContain('quality 7: 0.605 → 0.290 (38 rows)');
    expect(ignored.verdict).toBe('PROMOTE');
  });

  it('refuses the 11-feature run while producers send 3 features, naming the missing features and the share', () => {
    // Act
    const problems = failed(figures({ candidateFeatures: ALL }));

    // Assess
    expect(problems.map((c) => c.name)).toEqual(['input contract']);
    expect(problems[0]?.detail).toBe(
      'producers do not send what the candidate needs: 0.0 % of 100 valid-JSON records on wine-input since ' +
        '2026-01-01T00:00:00.000Z carry every candidate feature (the live run 1530befaaa6a54acdb34d0bb244882e7: ' +
        '100.0 %); missing: fixed acidity, citric acid, pH (absent from 100.0 %)',
    );
  });

  it('accepts features the live run does not take when the window shows producers send them', () => {
    // Prepare
    const sending = Array.from({ length: 60 }, () =>
      record({
        'fixed acidity': 7,
        'volatile acidity': 0.3,
        'citric acid': 0.3,
        alcohol: 9,
        sulphates: 0.5,
        pH: 3,
      }),
    );

    // Act
    const result = decide(figures({ candidateFeatures: ALL, win: window(sending) }));

    // Assess
    expect(result.verdict).toBe('PROMOTE');
  });

  it('judges the window relative to the live run: malformed records count against both alike', () => {
    // Prepare: a tenth of the records lack sulphates, for the live run as much as for the candidate
    const records = [...threeFeatureRecords(90), ...Array.from({ length: 10 }, () => record({ alcohol: 9 }))];

    // Act
    const result = decide(figures({ win: window(records) }));

    // Assess
    expect(result.verdict).toBe('PROMOTE');
    expect(result.checks.at(-1)?.detail).toContain('90.0 % of 100 valid-JSON records');
  });

  it('lets the signatures decide when the window was not read or is too small, and says so', () => {
    // Act
    const notRead = failed({
      ...figures(),
      contract: contractFigures(
        ALL,
        { runId: LIVE, role: 'baseline', features: SEED3 },
        { notDone: 'no --local or --env' },
      ),
    });
    const small = failed(
      figures({ candidateFeatures: ALL, win: window(threeFeatureRecords(GATE_RULE.windowMinRecords - 1)) }),
    );
    const noStream = decide({
      ...figures(),
      contract: contractFigures(
        SEED3,
        { runId: LIVE, role: 'baseline', features: SEED3 },
        { notDone: 'no --local or --env' },
      ),
    });

    // Assess
    expect(notRead.map((c) => c.name)).toEqual(['input contract']);
    expect(notRead[0]?.detail).toContain(
      'which the baseline run 1530befaaa6a54acdb34d0bb244882e7 does not take',
    );
    expect(small[0]?.detail).toMatch(
      /^the candidate needs fixed acidity, citric acid, pH, which the live run .* does not take, .*stream window check not done: only 49 valid-JSON records in the window$/,
    );
    expect(noStream.verdict).toBe('PROMOTE');
    expect(noStream.checks.at(-1)?.detail).toContain('stream window check not done: no --local or --env');
  });
});
