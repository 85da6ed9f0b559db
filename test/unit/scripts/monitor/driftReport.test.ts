import { parse, type HTMLElement } from 'node-html-parser';
import {
  countClasses,
  countFeatureBins,
  featureShares,
  populationStabilityIndex,
  psiLevel,
} from '../../../../functions/core/drift';
import {
  analyse,
  type AnalysisInput,
  type QuarantineRead,
  type StreamRecord,
} from '../../../../scripts/monitor/analysis';
import { binLabels } from '../../../../scripts/monitor/histogram';
import { escapeHtml, html } from '../../../../scripts/monitor/html';
import { featureAnchor, renderReport } from '../../../../scripts/monitor/render';
import { COMMITTED_RUNS, committedRun, tensorOf, whiteWine } from '../../../helpers/drift';

const NOW = new Date('2026-01-02T12:00:00Z');

function inputRecord(payload: unknown, n: number): StreamRecord {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    data: Buffer.from(text),
    shardId: 'shardId-000000000000',
    sequenceNumber: String(n),
    arrival: NOW,
  };
}

function predictionRecord(label: number, version: string, n: number): StreamRecord {
  const event = {
    model: 'wine_quality_prediction_model',
    version,
    prediction: { wine_quality: label, probability: 0.5, probabilities: {} },
    source: { shard_id: 'shardId-000000000000', sequence_number: String(n), partition_key: String(n) },
  };
  return inputRecord(event, n);
}

/** The run's held-out rows as producer records, alcohol shifted by `shift`, plus a bad record or two. */
function scenario(
  runId: string,
  shift: number,
  quarantine: QuarantineRead = { status: 'skipped', why: 'test' },
) {
  const run = committedRun(runId);
  const wine = whiteWine();
  const inputs = run.testRows.map((row, i) =>
    inputRecord(
      {
        wine_features: Object.fromEntries(
          run.signature.features.map((name) => [
            name,
            wine.columns[name][row]! + (name === 'alcohol' ? shift : 0),
          ]),
        ),
        customer_id: i,
      },
      i,
    ),
  );
  inputs.push(inputRecord('not json', 9001), inputRecord({ wine_features: { alcohol: 'high' } }, 9002));
  // Predictions: the true labels stand in for the model's (the report only counts them), plus noise to be ignored.
  const predictions = run.testRows.map((row, i) => predictionRecord(wine.quality[row]!, runId, i));
  predictions.push(predictionRecord(6, runId, 0)); // a redelivery
  predictions.push(predictionRecord(6, 'f'.repeat(32), 7000)); // another model version
  const input: AnalysisInput = {
    reference: run.reference,
    features: run.signature.features,
    runId,
    featureSet: run.signature.feature_set,
    heldOutPredictions: new Map([
      [5, 300],
      [6, 500],
      [7, 180],
    ]),
    inputs,
    predictions,
    quarantine,
    sources: {
      inputStream: 'wine-input',
      predictionsStream: 'wine-predictions',
      endpoint: 'test',
      reference: `model/artifacts/${runId}/reference.json`,
      since: '2026-01-02T11:00:00.000Z',
      until: NOW.toISOString(),
      maxRecords: 100_000,
      inputCapped: false,
      predictionsCapped: false,
    },
    now: NOW,
  };
  return { run, input, wine };
}

function sectionOf(page: HTMLElement, feature: string): HTMLElement {
  const section = page.querySelector(`section.feature[data-feature="${feature}"]`);
  if (!section) throw new Error(`no section for ${feature}`);
  return section;
}

describe('drift report', () => {
  describe.each(COMMITTED_RUNS)('of run %s', (runId) => {
    it('has a section per feature whose PSI is the PSI of the window’s records against reference.json', () => {
      // Prepare
      const { run, input } = scenario(runId, 1.5);
      // Expected, straight from the core: the same rows as a float32 tensor, counted into the reference's bins.
      const batch = tensorOf(run.testRows, run.signature.features, { alcohol: 1.5 });
      const counts = countFeatureBins(run.reference, batch);
      const expected = run.signature.features.map((name, j) => ({
        name,
        psi: populationStabilityIndex(featureShares(run.reference, j), counts, run.reference.binOffsets[j]),
      }));

      // Act
      const page = parse(renderReport(analyse(input)));

      // Assess
      const sections = page.querySelectorAll('section.feature');
      expect(sections.map((s) => s.getAttribute('data-feature'))).toEqual(run.signature.features);
      for (const { name, psi } of expected) {
        const section = sectionOf(page, name);
        expect(section.id).toBe(featureAnchor(name));
        expect(section.querySelector('h3 .psi-inline b')?.text).toBe(psi.toFixed(3));
        expect(section.querySelector(`.level-${psiLevel(psi)}`)).not.toBeNull();
        const row = page.querySelector(`table.summary tr[data-feature="${name}"]`);
        expect(Number(row?.querySelector('td.psi')?.getAttribute('data-psi'))).toBeCloseTo(psi, 6);
        expect(row?.querySelector('td.psi')?.text.trim()).toBe(psi.toFixed(3));
      }
      expect(expected.find((e) => e.name === 'alcohol')!.psi).toBeGreaterThan(0.25);
      expect(page.querySelector('.verdict-drift')?.text).toBe('Drift in alcohol.');
    });

    it('draws training and live bars for every reference bin and lists them in a table', () => {
      // Prepare
      const { run, input } = scenario(runId, 0);

      // Act
      const page = parse(renderReport(analyse(input)));

      // Assess
      for (const feature of run.json.features) {
        const section = sectionOf(page, feature.name);
        const bins = feature.cuts.length + 1;
        expect(section.querySelectorAll('svg g.bin')).toHaveLength(bins);
        expect(section.querySelectorAll('svg g.bin rect')).toHaveLength(bins * 2);
        const rows = section.querySelectorAll('table.bins tbody tr');
        expect(rows.map((r) => r.querySelector('td')?.text.trim())).toEqual(
          binLabels(feature.cuts, (v) => String(v)),
        );
        expect(rows.map((r) => r.querySelectorAll('td')[1]?.text.trim())).toEqual(
          feature.shares.map((s) => `${(s * 100).toFixed(1)} %`),
        );
      }
      expect(page.querySelector('.verdict-stable')).not.toBeNull();
    });
  });

  it('counts each prediction of the served run once, and compares it with the training classes', () => {
    // Prepare
    const { run, input, wine } = scenario(COMMITTED_RUNS[0]!, 0);
    const labels = run.testRows.map((row) => wine.quality[row]!);
    const expected = populationStabilityIndex(run.reference.classShares, countClasses(run.reference, labels));

    // Act
    const data = analyse(input);
    const page = parse(renderReport(data));

    // Assess
    expect(data.prediction).toMatchObject({
      liveTotal: run.testRows.length,
      otherVersions: 1,
      duplicates: 1,
    });
    const section = page.querySelector('section#predictions')!;
    expect(section.querySelector('h2 .psi-inline b')?.text).toBe(expected.toFixed(3));
    expect(section.querySelectorAll('svg g.bin')).toHaveLength(run.signature.classes.length);
    expect(section.querySelectorAll('svg g.bin rect')).toHaveLength(run.signature.classes.length * 3);
    expect(section.text).toContain('1 of other model versions, 1 redelivered duplicates');
    expect(section.querySelector('.held-out-psi')).not.toBeNull();
  });

  it('lists rejected reasons from the input window and the quarantine, escaping what producers sent', () => {
    // Prepare
    const hostile = '<script>alert("x")</script> & <img src=x>';
    const { input } = scenario(COMMITTED_RUNS[0]!, 0, {
      status: 'read',
      location: 's3://wine-models/quarantine',
      capped: false,
      entries: [
        { reason: 'invalid_json', detail: hostile, receivedAt: NOW.toISOString() },
        { reason: 'invalid_json', detail: 'second', receivedAt: NOW.toISOString() },
        { reason: 'too_large', detail: 'big', receivedAt: NOW.toISOString() },
      ],
    });

    // Act
    const text = renderReport(analyse(input));
    const page = parse(text);

    // Assess
    const reasons = (id: string) =>
      page
        .querySelectorAll(`table#${id} tbody tr`)
        .map((r) => [r.getAttribute('data-reason'), r.querySelectorAll('td')[1]?.text.trim()]);
    expect(reasons('input-reasons')).toEqual([
      ['invalid_json', '1'],
      ['invalid_value', '1'],
    ]);
    expect(reasons('quarantine-reasons')).toEqual([
      ['invalid_json', '2'],
      ['too_large', '1'],
    ]);
    expect(page.querySelectorAll('script')).toHaveLength(0);
    expect(page.querySelectorAll('img')).toHaveLength(0);
    expect(page.querySelector('table#quarantine-reasons td.detail')?.text.trim()).toBe(hostile);
  });

  it('says why the quarantine is missing when it could not be read', () => {
    // Prepare
    const { input } = scenario(COMMITTED_RUNS[0]!, 0, {
      status: 'unavailable',
      location: 's3://nope/quarantine',
      why: 'NoSuchBucket: The specified bucket does not exist',
    });

    // Act
    const page = parse(renderReport(analyse(input)));

    // Assess
    expect(page.querySelector('section#rejected')?.text).toContain(
      'Not reachable at s3://nope/quarantine: NoSuchBucket: The specified bucket does not exist',
    );
  });

  it('loads nothing from elsewhere: no scripts, stylesheets, images or remote URLs', () => {
    // Prepare
    const { input } = scenario(COMMITTED_RUNS[1]!, 1.5);

    // Act
    const text = renderReport(analyse(input));
    const page = parse(text);

    // Assess
    expect(page.querySelectorAll('script, link, img, iframe, object')).toHaveLength(0);
    expect(text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(new Set(text.match(/https?:\/\/[^"\s<]+/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('warns that a PSI over few records is noise and shows no data without records', () => {
    // Prepare
    const { input } = scenario(COMMITTED_RUNS[0]!, 0);
    const few = { ...input, inputs: input.inputs.slice(0, 20) };
    const none = { ...input, inputs: [], predictions: [] };

    // Act
    const fewPage = parse(renderReport(analyse(few)));
    const nonePage = parse(renderReport(analyse(none)));

    // Assess
    expect(sectionOf(fewPage, 'alcohol').querySelector('.note')?.text).toContain(
      'Only 20 records (fewer than 500)',
    );
    expect(sectionOf(nonePage, 'alcohol').querySelector('.level-none')?.text).toBe('no data');
    expect(nonePage.querySelector('.verdict-none')?.text).toBe('No valid input records in this window.');
  });
});

describe('report building blocks', () => {
  it('labels bins with the reference rule: upper edge included', () => {
    // Prepare / Act
    const labels = binLabels([9, 9.4, 12.4], String);

    // Assess
    expect(labels).toEqual(['≤ 9', '9–9.4', '9.4–12.4', '> 12.4']);
  });

  it('escapes every interpolated value and keeps nested markup', () => {
    // Prepare
    const name = `"><b onload='x'>`;

    // Act
    const markup = html`<p title="${name}">${name}${html`<i>ok</i>`}</p>`.value;

    // Assess
    expect(escapeHtml('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(markup).toBe(
      '<p title="&quot;&gt;&lt;b onload=&#39;x&#39;&gt;">&quot;&gt;&lt;b onload=&#39;x&#39;&gt;<i>ok</i></p>',
    );
  });

  it('refuses to print an object as [object Object]', () => {
    // Prepare / Act / Assess
    expect(() => html`<p>${{ a: 1 }}</p>`).toThrow('cannot interpolate a object into HTML');
  });
});
