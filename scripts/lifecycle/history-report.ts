/** The table `model:history` prints, one line per registry record. */
import type { RegistryRecord } from './registry';
import { latencySummary } from './smoke';

const short = (run: { runId: string; version: string | null }): string =>
  `${run.runId.slice(0, 8)}${run.version === null ? '' : ` v${run.version}`}`;

function gate(record: RegistryRecord): string {
  if (!record.gate) return '-';
  const difference = record.gate.accuracy.difference;
  const p = record.gate.mcnemarP < 0.001 ? 'p<0.001' : `p=${record.gate.mcnemarP.toFixed(3)}`;
  return `${record.gate.verdict}${record.forced ? ' (forced)' : ''} Δacc ${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(3)} ${p}`;
}

function smoke(record: RegistryRecord): string {
  if (!record.smoke) return '-';
  const passed = record.smoke.passed ? 'passed' : 'FAILED';
  return `${passed} ${record.smoke.checked} canaries, ${latencySummary(record.smoke.latencyMs)}`;
}

/** Columns: when, environment, action, outcome, from → to, gate, smoke, who, reason. */
export function renderHistory(records: readonly RegistryRecord[]): string {
  const rows = records.map((r) => [
    r.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    r.environment,
    r.action,
    r.outcome,
    `${short(r.from)} → ${short(r.to)}`,
    gate(r),
    smoke(r),
    r.who,
    r.reason ?? r.error ?? '',
  ]);
  const header = ['when (UTC)', 'env', 'action', 'outcome', 'from → to', 'gate', 'smoke', 'who', 'reason'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
