/** The text `model:compare` prints: the runs, the side-by-side figures, both confusion matrices, the contract, the verdict. */
import type { Comparison } from './comparison';
import { GATE_RULE, type ModelFigures } from './gate';
import { BOOTSTRAP_DEFAULTS } from './statistics';

const fixed = (value: number): string => value.toFixed(3);
const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

function runLine(label: string, comparison: Comparison, which: 'candidate' | 'baseline'): string {
  const run = comparison[which];
  const { live } = comparison;
  const liveNote = live && live.version.runId === run.runId ? `, live (version ${live.version.version})` : '';
  return `${label.padEnd(10)} ${run.runId}  ${run.signature.feature_set} (${run.signature.features.join(', ')})  ${run.origin}${liveNote}`;
}

function metricRow(name: string, baseline: number, candidate: number, extra = ''): string {
  return `${name.padEnd(28)} ${fixed(baseline).padStart(8)} ${fixed(candidate).padStart(10)} ${signed(candidate - baseline).padStart(11)}${extra}`;
}

function matrices(classes: readonly number[], baseline: ModelFigures, candidate: ModelFigures): string[] {
  const width = Math.max(
    4,
    ...[baseline, candidate].flatMap((m) => m.confusion.flat().map((n) => String(n).length + 1)),
  );
  const cell = (value: number | string) => String(value).padStart(width);
  const block = (figures: ModelFigures) => [
    `${' '.repeat(4)}${classes.map(cell).join('')}`,
    ...classes.map(
      (label, t) => `${String(label).padStart(4)}${(figures.confusion[t] ?? []).map(cell).join('')}`,
    ),
  ];
  const left = block(baseline);
  const right = block(candidate);
  const gap = '    ';
  const leftWidth = Math.max(...left.map((line) => line.length));
  return [
    `${'baseline'.padEnd(leftWidth)}${gap}candidate`,
    ...left.map((line, i) => `${line.padEnd(leftWidth)}${gap}${right[i] ?? ''}`),
  ];
}

/** The full report. */
export function renderComparison(comparison: Comparison): string {
  const { figures, result, rows } = comparison;
  const { baseline, candidate, difference, contract } = figures;
  const interval = difference.bootstrap95;
  const lines = [
    runLine('Candidate', comparison, 'candidate'),
    runLine('Baseline', comparison, 'baseline'),
    `Rows       ${rows.description}`,
    '',
    `${''.padEnd(28)} ${'baseline'.padStart(8)} ${'candidate'.padStart(10)} ${'difference'.padStart(11)}`,
    metricRow(
      'accuracy',
      baseline.accuracy,
      candidate.accuracy,
      `   95 % CI [${signed(interval.low)}, ${signed(interval.high)}] (paired bootstrap, ${BOOTSTRAP_DEFAULTS.resamples} resamples)`,
    ),
    metricRow('macro-F1', baseline.macroF1, candidate.macroF1),
    ...baseline.perClass.map((b) => {
      const c = candidate.perClass.find((k) => k.label === b.label);
      const rowsOf = `${b.support} row${b.support === 1 ? '' : 's'}`;
      return metricRow(`recall quality ${b.label} (${rowsOf})`, b.recall, c?.recall ?? 0);
    }),
    `McNemar exact p = ${difference.mcnemarP.toFixed(4)}: ${difference.discordant.candidateOnly} rows only the candidate ` +
      `got right, ${difference.discordant.baselineOnly} only the baseline`,
    '',
    'Confusion matrices (rows: true quality, columns: predicted)',
    ...matrices(figures.classes, baseline, candidate),
    '',
    'Input contract',
    `  candidate features: ${contract.candidateFeatures.join(', ')}`,
    `  ${contract.reference.role} run ${contract.reference.runId} takes: ${contract.reference.features.join(', ')}` +
      (contract.missingFromReference.length === 0
        ? ' (every candidate feature)'
        : `; not: ${contract.missingFromReference.join(', ')}`),
    'notDone' in contract.window
      ? `  input stream window: not checked (${contract.window.notDone})`
      : `  input stream ${contract.window.stream} since ${contract.window.since}: ${contract.window.records} records, ` +
        `${contract.window.validJson} valid JSON; carrying every candidate feature: ${percent(contract.window.candidateShare)} ` +
        `(${contract.reference.role} run: ${percent(contract.window.referenceShare)})${contract.window.capped ? ' [capped]' : ''}`,
    '',
    `Verdict: ${result.verdict}`,
    ...result.checks.map((check) => `  ${check.passed ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`),
    `  (rule: ≥ ${GATE_RULE.minRows} rows; accuracy difference ≥ −${GATE_RULE.accuracyTolerance}; not significantly worse ` +
      `at α = ${GATE_RULE.alpha}; no class recall below ${GATE_RULE.recallCollapseRatio} × the baseline's; producers send ` +
      'every candidate feature — docs/model-lifecycle.md)',
  ];
  return lines.join('\n');
}
