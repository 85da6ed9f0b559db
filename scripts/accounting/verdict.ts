/**
 * The end-to-end verdict on a {@link Ledger}: per kind of input, how many records ended as a prediction, a quarantine
 * object with the expected reason, an on-failure record, nothing (missing) or something else (wrong), plus the checks
 * that nothing else appeared (no unexpected or unreadable output, one quarantine object per record, redeliveries
 * identical). Pure; `formatAccounting` renders the compact table the tests and the benchmark print.
 */
import { RejectionReason } from '../../functions/core/types';
import { onFailureDetail, type Ledger, type LedgerReport, type SourceKey } from './ledger';
import type { SourceCounts } from './sources';

/** A record as sent, with the kind it was built as (`valid` or the expected rejection reason). */
export interface SentOfKind extends SourceKey {
  readonly kind: string;
}

/** What the sources held besides the observations themselves. */
export interface SourceTotals {
  /** Everything read from the output stream, the quarantine prefix and the on-failure prefix. */
  readonly read: SourceCounts;
  /** Of those, what was not a prediction event, quarantine document or on-failure record. */
  readonly unreadable: SourceCounts;
  /** Quarantine object keys per source (`shard/sequence`), from a final listing. */
  readonly quarantineKeysPerSource: ReadonlyMap<string, number>;
}

/** One row of the table. */
export interface KindRow {
  readonly kind: string;
  sent: number;
  /** Predicted, as expected. */
  predicted: number;
  /** Quarantined with the expected reason. */
  quarantined: number;
  /** In an on-failure record (the poller gave up on it; the record is kept there with its data). */
  onFailure: number;
  missing: number;
  /** Ended otherwise than expected: the other outcome, another reason, or more than one outcome. */
  wrong: number;
  /** Predictions beyond the first (at-least-once redeliveries). */
  redelivered: number;
}

export interface Accounting {
  readonly rows: readonly KindRow[];
  readonly total: KindRow;
  readonly report: LedgerReport;
  readonly totals: SourceTotals;
  /** Every input has exactly one outcome of the kind expected for it (or is in an on-failure record), and nothing else. */
  readonly balanced: boolean;
  /** Why not, one line each (empty when balanced). */
  readonly problems: readonly string[];
}

/** Table order: valid first, then the rejection reasons in the order the function checks them. */
const KIND_ORDER: readonly string[] = ['valid', ...Object.values(RejectionReason)];

const emptyRow = (kind: string): KindRow => ({
  kind,
  sent: 0,
  predicted: 0,
  quarantined: 0,
  onFailure: 0,
  missing: 0,
  wrong: 0,
  redelivered: 0,
});

/** Classifies every sent record and checks the sources for anything that is not one of their outcomes. */
export function account(ledger: Ledger, sent: readonly SentOfKind[], totals: SourceTotals): Accounting {
  const rows = new Map<string, KindRow>();
  const total = emptyRow('total');
  const problems: string[] = [];
  for (const record of sent) {
    const row = rows.get(record.kind) ?? emptyRow(record.kind);
    rows.set(record.kind, row);
    const predictions = ledger.predictionCount(record);
    const reason = ledger.rejectionReason(record);
    const condition = ledger.failureCondition(record);
    // An on-failure listing is not an outcome of its own for a record that has one (see LedgerReport.alsoInOnFailure).
    const where = `${record.shardId}/${record.sequenceNumber} (${record.kind})`;
    let cell: 'predicted' | 'quarantined' | 'onFailure' | 'missing' | 'wrong';
    if (reason === undefined && predictions === 0) cell = condition === undefined ? 'missing' : 'onFailure';
    else if (reason !== undefined && predictions > 0) {
      cell = 'wrong';
      problems.push(`${where} has 2 outcomes`);
    } else if (reason === undefined) {
      cell = record.kind === 'valid' ? 'predicted' : 'wrong';
      if (cell === 'wrong') problems.push(`${where} was predicted`);
    } else {
      cell = reason === record.kind ? 'quarantined' : 'wrong';
      if (cell === 'wrong') problems.push(`${where} was quarantined as ${reason}`);
    }
    for (const target of [row, total]) {
      target.sent += 1;
      target[cell] += 1;
      target.redelivered += Math.max(0, predictions - 1);
    }
  }
  if (total.missing > 0) problems.push(`${total.missing} record(s) have no outcome`);

  const report = ledger.report();
  if (report.differingDuplicates > 0) {
    problems.push(`${report.differingDuplicates} redelivered prediction(s) differ from the first`);
  }
  if (report.unexpected > 0) problems.push(`${report.unexpected} output(s) for records never sent`);
  const { unreadable } = totals;
  const unreadableTotal =
    unreadable.outputRecords + unreadable.quarantineObjects + unreadable.onFailureObjects;
  if (unreadableTotal > 0) {
    problems.push(
      `unreadable: ${unreadable.outputRecords} output record(s), ${unreadable.quarantineObjects} quarantine ` +
        `object(s), ${unreadable.onFailureObjects} on-failure object(s)`,
    );
  }
  const several = [...totals.quarantineKeysPerSource].filter(([, keys]) => keys > 1);
  if (several.length > 0) {
    problems.push(
      `${several.length} record(s) have more than one quarantine object: ${several[0]?.[0] ?? ''}…`,
    );
  }
  const rank = (kind: string) => {
    const at = KIND_ORDER.indexOf(kind);
    return at === -1 ? KIND_ORDER.length : at;
  };
  return {
    rows: [...rows.values()].sort((a, b) => rank(a.kind) - rank(b.kind)),
    total,
    report,
    totals,
    balanced: problems.length === 0,
    problems,
  };
}

const COLUMNS: readonly (keyof Omit<KindRow, 'kind'>)[] = [
  'sent',
  'predicted',
  'quarantined',
  'onFailure',
  'missing',
  'wrong',
  'redelivered',
];
const HEADERS: Readonly<Record<(typeof COLUMNS)[number], string>> = {
  sent: 'sent',
  predicted: 'predicted',
  quarantined: 'quarantined',
  onFailure: 'on-failure',
  missing: 'missing',
  wrong: 'wrong',
  redelivered: 'redelivered',
};

/** The compact table: one row per kind, a total, then what the output stream, quarantine and on-failure held. */
export function formatAccounting(title: string, accounting: Accounting): string {
  const { total, report, totals } = accounting;
  const kindWidth = Math.max(16, ...accounting.rows.map((r) => r.kind.length + 2));
  const widths = COLUMNS.map((c) => Math.max(HEADERS[c].length, 5));
  const line = (label: string, cells: readonly string[]) =>
    label.padEnd(kindWidth) + cells.map((cell, i) => cell.padStart((widths[i] ?? 5) + 2)).join('');
  const row = (r: KindRow) =>
    line(
      r.kind,
      COLUMNS.map((c) => String(r[c])),
    );
  const quarantineObjects = [...totals.quarantineKeysPerSource.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `ledger: ${title}`,
    line(
      'kind',
      COLUMNS.map((c) => HEADERS[c]),
    ),
    ...accounting.rows.map(row),
    row(total),
    `output stream  ${totals.read.outputRecords} records: ${total.predicted} predictions + ${total.redelivered} ` +
      `redeliveries (${report.differingDuplicates} differing), ${totals.unreadable.outputRecords} unreadable, ` +
      `${report.unexpected} unexpected`,
    `quarantine     ${quarantineObjects} objects for ${report.rejected} records` +
      (totals.unreadable.quarantineObjects > 0 ? `, ${totals.unreadable.quarantineObjects} unreadable` : ''),
    `on-failure     ${totals.read.onFailureObjects} on-failure records holding ${report.failed} records${onFailureDetail(report)}`,
  ];
  if (report.latency) {
    const { p50Ms, p95Ms, p99Ms, maxMs } = report.latency;
    lines.push(
      `put→prediction p50 ${Math.round(p50Ms)} ms, p95 ${Math.round(p95Ms)} ms, p99 ${Math.round(p99Ms)} ms, ` +
        `max ${Math.round(maxMs)} ms`,
    );
  }
  lines.push(
    accounting.balanced
      ? `verdict        BALANCED: every input is exactly one prediction, one quarantine object or one on-failure entry; nothing else`
      : `verdict        NOT BALANCED:\n  - ${accounting.problems.slice(0, 10).join('\n  - ')}`,
  );
  return lines.join('\n');
}
