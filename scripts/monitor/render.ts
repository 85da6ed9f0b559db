/**
 * The drift report as one self-contained HTML page: inline CSS, inline SVG, no scripts, no external resources, so
 * it can be mailed, archived or opened offline. Pure: `renderReport(data)` returns the page.
 */
import { PSI_EPSILON, PSI_THRESHOLDS, type PsiLevel } from '../../functions/core/drift';
import type {
  DriftReportData,
  FeatureSection,
  PredictionSection,
  ReasonCount,
  RejectedSection,
} from './analysis';
import { barChart, binLabels } from './histogram';
import { formatCount, formatPsi, formatShare, formatValue, html, type Html } from './html';

const COLOURS = { training: '#7b8fb8', heldOut: '#a6a6a6', live: '#e8743b' } as const;

const LEVEL_TEXT: Readonly<Record<PsiLevel, string>> = {
  stable: `stable (< ${PSI_THRESHOLDS.stable})`,
  moderate: `moderate (${PSI_THRESHOLDS.stable}–${PSI_THRESHOLDS.drift})`,
  drift: `drift (> ${PSI_THRESHOLDS.drift})`,
};

/** The `id` of a feature's section: `feature-volatile-acidity`. */
export function featureAnchor(name: string): string {
  return `feature-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/**
 * Renders the report.
 *
 * @example
 * fs.writeFileSync('reports/drift.html', renderReport(analyse(input)));
 */
export function renderReport(data: DriftReportData): string {
  const title = `Drift report: run ${data.runId}`;
  return `<!DOCTYPE html>\n${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <header>
          <h1>${title} <small>(${data.featureSet})</small></h1>
          ${header(data)}
        </header>
        <main>
          ${summary(data)}
          <h2 id="features">Input features</h2>
          ${data.features.map((feature) => featureSection(feature, data.minRecords))}
          ${predictionSection(data.prediction, data.minRecords)} ${rejectedSection(data.rejected)}
          ${method(data)}
        </main>
      </body>
    </html>`.value
  }\n`;
}

function header(data: DriftReportData): Html {
  const s = data.sources;
  const window = s.since === undefined ? `everything retained up to ${s.until}` : `${s.since} to ${s.until}`;
  const capped = (yes: boolean) =>
    yes ? html` <strong>(capped at ${formatCount(s.maxRecords)})</strong>` : '';
  return html`<dl class="facts">
    <dt>Generated</dt>
    <dd>${data.generatedAt}</dd>
    <dt>Window</dt>
    <dd>${window}</dd>
    <dt>Input stream</dt>
    <dd>
      <code>${s.inputStream}</code>: ${formatCount(data.inputRecords)} records,
      ${formatCount(data.validRecords)} valid${capped(s.inputCapped)}
    </dd>
    <dt>Prediction stream</dt>
    <dd>
      <code>${s.predictionsStream}</code>: ${formatCount(data.prediction.liveTotal)} predictions of this
      run${capped(s.predictionsCapped)}
    </dd>
    <dt>Endpoint</dt>
    <dd>${s.endpoint}</dd>
    <dt>Reference</dt>
    <dd><code>${s.reference}</code></dd>
  </dl>`;
}

function levelBadge(level: PsiLevel | undefined): Html {
  if (level === undefined) return html`<span class="level level-none">no data</span>`;
  return html`<span class="level level-${level}">${LEVEL_TEXT[level]}</span>`;
}

function psiCell(psi: number | undefined, level: PsiLevel | undefined): Html {
  return html`<td class="num psi" ${psi === undefined ? '' : html` data-psi="${psi.toFixed(6)}"`}>
      ${formatPsi(psi)}
    </td>
    <td>${levelBadge(level)}</td>`;
}

function fewRecords(total: number, minRecords: number): Html | string {
  return total > 0 && total < minRecords
    ? html`<p class="note">
        Only ${formatCount(total)} records (fewer than ${formatCount(minRecords)}): this PSI is mostly noise;
        the function emits none for so few.
      </p>`
    : '';
}

function summary(data: DriftReportData): Html {
  const drifted = data.features.filter((f) => f.level === 'drift').map((f) => f.name);
  const verdict =
    drifted.length > 0
      ? html`<p class="verdict verdict-drift">Drift in ${drifted.join(', ')}.</p>`
      : data.validRecords === 0
        ? html`<p class="verdict verdict-none">No valid input records in this window.</p>`
        : html`<p class="verdict verdict-stable">No feature drifted beyond ${PSI_THRESHOLDS.drift}.</p>`;
  return html`<section id="summary">
    <h2>Summary</h2>
    ${verdict}
    <table class="summary">
      <thead>
        <tr>
          <th>Distribution</th>
          <th class="num">PSI</th>
          <th>Level</th>
          <th class="num">Training mean</th>
          <th class="num">Live mean</th>
          <th class="num">Live min–max</th>
          <th class="num">Records</th>
        </tr>
      </thead>
      <tbody>
        ${data.features.map(
          (f) =>
            html`<tr data-feature="${f.name}">
              <td><a href="#${featureAnchor(f.name)}">${f.name}</a></td>
              ${psiCell(f.psi, f.level)}
              <td class="num">${formatValue(f.training.mean)}</td>
              <td class="num">${f.live ? formatValue(f.live.mean) : '–'}</td>
              <td class="num">${f.live ? `${formatValue(f.live.min)}–${formatValue(f.live.max)}` : '–'}</td>
              <td class="num">${formatCount(f.liveTotal)}</td>
            </tr>`,
        )}
        <tr data-distribution="predictions">
          <td><a href="#predictions">predicted quality</a></td>
          ${psiCell(data.prediction.psi, data.prediction.level)}
          <td></td>
          <td></td>
          <td></td>
          <td class="num">${formatCount(data.prediction.liveTotal)}</td>
        </tr>
      </tbody>
    </table>
    <p class="legend-text">
      PSI levels: ${(['stable', 'moderate', 'drift'] as const).map((l) => html`${levelBadge(l)} `)}
    </p>
  </section>`;
}

function featureSection(feature: FeatureSection, minRecords: number): Html {
  // Cut points exactly as reference.json has them: they define the bins.
  const labels = binLabels(feature.cuts, String);
  const liveShares = feature.liveCounts.map((n) => (feature.liveTotal > 0 ? n / feature.liveTotal : 0));
  return html`<section class="feature" id="${featureAnchor(feature.name)}" data-feature="${feature.name}">
    <h3>
      ${feature.name}
      <span class="psi-inline">PSI <b>${formatPsi(feature.psi)}</b></span> ${levelBadge(feature.level)}
    </h3>
    ${fewRecords(feature.liveTotal, minRecords)}
    <div class="pair">
      ${barChart({
        title: `${feature.name}: training vs live share per reference bin`,
        labels,
        series: [
          { name: 'training', colour: COLOURS.training, shares: feature.referenceShares },
          { name: `live (${formatCount(feature.liveTotal)})`, colour: COLOURS.live, shares: liveShares },
        ],
      })}
      <table class="bins">
        <thead>
          <tr>
            <th>Bin</th>
            <th class="num">Training</th>
            <th class="num">Live</th>
            <th class="num">Records</th>
          </tr>
        </thead>
        <tbody>
          ${labels.map(
            (label, k) =>
              html`<tr>
                <td>${label}</td>
                <td class="num">${formatShare(feature.referenceShares[k] ?? 0)}</td>
                <td class="num">${feature.liveTotal > 0 ? formatShare(liveShares[k] ?? 0) : '–'}</td>
                <td class="num">${formatCount(feature.liveCounts[k] ?? 0)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function predictionSection(prediction: PredictionSection, minRecords: number): Html {
  const labels = prediction.classes.map((c) => String(c.label));
  const liveShares = prediction.classes.map((c) =>
    prediction.liveTotal > 0 ? c.liveCount / prediction.liveTotal : 0,
  );
  const hasHeldOut = prediction.classes.every((c) => c.heldOutShare !== undefined);
  const ignored = [
    prediction.otherVersions > 0 ? `${formatCount(prediction.otherVersions)} of other model versions` : '',
    prediction.duplicates > 0 ? `${formatCount(prediction.duplicates)} redelivered duplicates` : '',
    prediction.unreadable > 0 ? `${formatCount(prediction.unreadable)} that are not prediction events` : '',
  ].filter(Boolean);
  return html`<section class="predictions" id="predictions" data-distribution="predictions">
    <h2>
      Predicted quality
      <span class="psi-inline">PSI <b>${formatPsi(prediction.psi)}</b></span> ${levelBadge(prediction.level)}
    </h2>
    ${fewRecords(prediction.liveTotal, minRecords)}
    <p class="note">
      Against the training labels' shares. A classifier predicts rare classes less often than they occur, so
      this PSI is not 0 without
      drift${
        prediction.heldOutPsi === undefined
          ? ''
          : html`: the model's own predictions on its held-out test rows score
              <b class="held-out-psi">${formatPsi(prediction.heldOutPsi)}</b>`
      }.
      Compare with that level, not with 0.
    </p>
    ${ignored.length > 0 ? html`<p class="note">Left out: ${ignored.join(', ')}.</p>` : ''}
    <div class="pair">
      ${barChart({
        title: 'Predicted quality: training labels vs live predictions',
        labels,
        series: [
          {
            name: 'training labels',
            colour: COLOURS.training,
            shares: prediction.classes.map((c) => c.referenceShare),
          },
          ...(hasHeldOut
            ? [
                {
                  name: 'held-out predictions',
                  colour: COLOURS.heldOut,
                  shares: prediction.classes.map((c) => c.heldOutShare ?? 0),
                },
              ]
            : []),
          { name: `live (${formatCount(prediction.liveTotal)})`, colour: COLOURS.live, shares: liveShares },
        ],
      })}
      <table class="bins">
        <thead>
          <tr>
            <th>Quality</th>
            <th class="num">Training</th>
            ${hasHeldOut ? html`<th class="num">Held-out pred.</th>` : ''}
            <th class="num">Live</th>
            <th class="num">Records</th>
          </tr>
        </thead>
        <tbody>
          ${prediction.classes.map(
            (c, k) =>
              html`<tr>
                <td>${c.label}</td>
                <td class="num">${formatShare(c.referenceShare)}</td>
                ${hasHeldOut ? html`<td class="num">${formatShare(c.heldOutShare ?? 0)}</td>` : ''}
                <td class="num">${prediction.liveTotal > 0 ? formatShare(liveShares[k] ?? 0) : '–'}</td>
                <td class="num">${formatCount(c.liveCount)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function reasonTable(reasons: readonly ReasonCount[], id: string): Html {
  return html`<table class="reasons" id="${id}">
    <thead>
      <tr>
        <th>Reason</th>
        <th class="num">Records</th>
        <th>Example</th>
      </tr>
    </thead>
    <tbody>
      ${reasons.map(
        (r) =>
          html`<tr data-reason="${r.reason}">
            <td><code>${r.reason}</code></td>
            <td class="num">${formatCount(r.count)}</td>
            <td class="detail">${r.example}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function rejectedSection(rejected: RejectedSection): Html {
  const q = rejected.quarantine;
  const quarantine =
    q.status === 'read'
      ? html`<h3>
            Quarantine objects <small><code>${q.location}</code></small>
          </h3>
          <p>
            ${formatCount(q.entries.length)} quarantined records received in the
            window${q.capped ? html` <strong>(capped)</strong>` : ''}.
          </p>
          ${q.entries.length > 0 ? reasonTable(rejected.quarantineReasons, 'quarantine-reasons') : ''}`
      : q.status === 'unavailable'
        ? html`<h3>Quarantine objects</h3>
            <p class="note">Not reachable at <code>${q.location}</code>: ${q.why}</p>`
        : html`<h3>Quarantine objects</h3>
            <p class="note">Not read: ${q.why}</p>`;
  return html`<section id="rejected">
    <h2>Rejected records</h2>
    <h3>In the input window <small>(validated here with the function's own rules)</small></h3>
    ${
      rejected.inputTotal === 0
        ? html`<p>None: every input record of the window is valid.</p>`
        : html`<p>${formatCount(rejected.inputTotal)} records would be rejected.</p>
            ${reasonTable(rejected.input, 'input-reasons')}`
    }
    ${quarantine}
  </section>`;
}

function method(data: DriftReportData): Html {
  return html`<section id="method">
    <h2>How these numbers are made</h2>
    <p>
      Bins are the training deciles of <code>reference.json</code> (a value equal to a cut point belongs to
      the lower bin). Live values are read from the input stream and binned as the scoring function bins its
      float32 tensor. PSI = Σ (live − training) · ln(live / training) over the bins, with empty bins counted
      as ${PSI_EPSILON}. Levels: &lt; ${PSI_THRESHOLDS.stable} stable,
      ${PSI_THRESHOLDS.stable}–${PSI_THRESHOLDS.drift} moderate, &gt; ${PSI_THRESHOLDS.drift} drift. The
      function emits the same PSI as CloudWatch metrics (<code>FeaturePSI</code> per batch of ≥
      ${formatCount(data.minRecords)} records, <code>FeaturePSIWindow</code> over its rolling window).
    </p>
  </section>`;
}

const STYLE = `
:root { color-scheme: light; --text: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--text);
  margin: 0; background: #fff; }
header { background: #f6f8fa; border-bottom: 1px solid var(--line); padding: 16px 32px; }
main { padding: 8px 32px 32px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 8px; } h1 small { color: var(--muted); font-weight: normal; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; } h3 small { color: var(--muted); font-weight: normal; font-size: 13px; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; background: #eff2f5; padding: 1px 4px; border-radius: 3px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.detail { color: var(--muted); max-width: 520px; word-break: break-word; }
.level { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  border: 1px solid transparent; white-space: nowrap; }
.level-stable { background: #dafbe1; color: #116329; border-color: #4ac26b; }
.level-moderate { background: #fff8c5; color: #7d4e00; border-color: #d4a72c; }
.level-drift { background: #ffebe9; color: #a40e26; border-color: #ff8182; }
.level-none { background: #eff2f5; color: var(--muted); }
.verdict { font-size: 15px; font-weight: 600; padding: 8px 12px; border-radius: 6px; display: inline-block; }
.verdict-drift { background: #ffebe9; color: #a40e26; }
.verdict-stable { background: #dafbe1; color: #116329; }
.verdict-none { background: #eff2f5; color: var(--muted); }
.psi-inline { font-weight: normal; color: var(--muted); font-size: 14px; margin-left: 8px; }
.psi-inline b { color: var(--text); }
.note { color: var(--muted); max-width: 900px; }
.pair { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { width: 640px; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.chart .grid { stroke: #e6eaef; } .chart .axis { stroke: #8c959f; }
.chart text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #424a53; }
.chart .legend { font-size: 12px; }
section.feature { border-top: 1px dashed var(--line); padding-top: 4px; }
`;
