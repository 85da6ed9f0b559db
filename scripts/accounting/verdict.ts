/**
 * Room `scripts/accounting/` — one job: say what became of every record sent. The ledger of observations
 * (`ledger.ts`), the readers that feed it from the output stream, quarantine and on-failure destination
 * (`sources.ts`), and this verdict.
 *
 * The one verdict on a {@link Ledger}, shared by `npm run demo` and the end-to-end harness: {@link account} classifies
 * every sent record once — predicted, quarantined with the expected reason, only in an on-failure record, missing, or
 * wrong (the other outcome, another reason, two outcomes) — gathers the figures (rejections by reason, accuracy,
 * put → prediction latency, throughput, redeliveries) and checks the sources for anything else: outputs for records
 * never sent, unreadable objects, a record quarantined twice, redeliveries that differ from the first. The demo prints
 * its summary from the result; `formatAccounting` renders the compact table the tests and the benchmark print. Pure.
 */
import { RejectionReason } from '../../functions/core/types';
import { summarizeLatencies, type LatencySummary } from '../stats';
import type { Expectation, Ledger, PredictionObservation, SentRecord, SourceKey } from './ledger';
import type { SourceTotals } from './sources';

export type { SourceTotals } from './sources';

/** A record as sent, with the kind it was built as (`valid` or the expected rejection reason). */
export interface SentOfKind extends SourceKey {
  readonly kind: string;
}

/**
 * What a run expects besides one outcome per record. The end-to-end harness injects faults, so the poller is meant to
 * give up on some records, and every scenario has fresh streams and prefixes; the demo injects none, and a kept
 * `LOCAL_STACK_DIR` holds earlier demos' quarantine objects.
 */
export interface VerdictRules {
  /** A record whose only trace is an on-failure record: accounted for, or a problem. */
  readonly onFailure: 'accounted' | 'problem';
  /** Outputs for records never sent: a problem, or ignored. */
  readonly unexpected: 'problem' | 'ignored';
  /**
   * The model runs that may have served (a swap under load: the old and the new run). When set, a prediction by any
   * other run is a problem, and a redelivery that differs from the first prediction only because another of these
   * runs scored it (the batch was retried after the alias moved) is counted as redelivered across a swap, not as a
   * mismatch. Unset: one run serves, and every redelivery must be byte-identical.
   */
  readonly servingRuns?: readonly string[];
}

/** The end-to-end harness's rules. */
export const E2E_RULES: VerdictRules = { onFailure: 'accounted', unexpected: 'problem' };
/** `npm run demo`'s rules. */
export const DEMO_RULES: VerdictRules = { onFailure: 'problem', unexpected: 'ignored' };

/** A record that ended otherwise than expected. */
export interface Mismatch {
  readonly record: SentRecord;
  readonly problem: string;
}

/** The figures of a run. */
export interface LedgerReport {
  readonly sent: number;
  /** Records with a prediction (expected or not). */
  readonly predicted: number;
  /** Records with a quarantine object and no prediction. */
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Records whose only outcome is an on-failure record. */
  readonly failed: number;
  readonly failedByCondition: Readonly<Record<string, number>>;
  /**
   * Records with a prediction or quarantine object that an on-failure record lists too. Not a second outcome: like
   * Lambda's, an on-failure record covers the whole batch retried from its lowest failed record, so it also holds the
   * records after it that an earlier attempt completed (replaying it re-creates their outputs, which de-duplicate).
   */
  readonly alsoInOnFailure: number;
  readonly missing: readonly SentRecord[];
  /** Predictions beyond the first for the same source (redeliveries). */
  readonly duplicatePredictions: number;
  /** Of those, how many differ from the first one's payload (each record also listed in `mismatches`). */
  readonly differingDuplicates: number;
  /** Redeliveries scored by another serving run than the first prediction (`servingRuns`; not mismatches). */
  readonly redeliveredAcrossSwap: number;
  /** Observations whose source was never sent (e.g. left over from an earlier run). */
  readonly unexpected: number;
  /** Records that ended otherwise than expected (another outcome or reason, two outcomes, differing redeliveries). */
  readonly mismatches: readonly Mismatch[];
  /** Correct predictions / predictions with a known label; undefined without labels. */
  readonly accuracy:
    { readonly correct: number; readonly labelled: number; readonly value: number } | undefined;
  /** Sent → prediction on the output stream, first prediction per record. */
  readonly latency: LatencySummary | undefined;
  /** Records per second from the first send to the last prediction's arrival. */
  readonly throughput:
    { readonly records: number; readonly seconds: number; readonly perSecond: number } | undefined;
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
  readonly rules: VerdictRules;
  /** Every input has exactly one outcome of the kind expected for it (or, by the rules, an on-failure record). */
  readonly balanced: boolean;
  /** Why not, one line each (empty when balanced): per record, then about the sources. */
  readonly problems: readonly string[];
  /** The problems that are not about one record (unreadable objects, outputs never sent, …). */
  readonly sourceProblems: readonly string[];
}

type Cell = 'predicted' | 'quarantined' | 'onFailure' | 'missing' | 'wrong';

/** Table order: valid first, then the rejection reasons in the order the function checks them. */
const KIND_ORDER: readonly string[] = ['valid', ...Object.values(RejectionReason)];

/** `valid`, or the reason a record must be quarantined with (`rejection` when any reason will do). */
export function kindOf(expected: Expectation): string {
  return expected.outcome === 'prediction' ? 'valid' : (expected.reason ?? 'rejection');
}

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

/** A record's cell and, when it ended otherwise than expected, why. */
function classify(
  expected: Expectation,
  predicted: boolean,
  reason: string | undefined,
  condition: string | undefined,
): { cell: Cell; problem?: string } {
  if (predicted && reason !== undefined) {
    return { cell: 'wrong', problem: `has 2 outcomes: predicted and quarantined as ${reason}` };
  }
  if (predicted) {
    return expected.outcome === 'rejection'
      ? { cell: 'wrong', problem: 'predicted, but expected a rejection' }
      : { cell: 'predicted' };
  }
  if (reason !== undefined) {
    if (expected.outcome === 'prediction') {
      return { cell: 'wrong', problem: `rejected (${reason}), but expected a prediction` };
    }
    return expected.reason !== undefined && expected.reason !== reason
      ? { cell: 'wrong', problem: `rejected as ${reason}, expected ${expected.reason}` }
      : { cell: 'quarantined' };
  }
  return { cell: condition === undefined ? 'missing' : 'onFailure' };
}

function earliest(predictions: readonly PredictionObservation[]): PredictionObservation | undefined {
  return predictions.reduce<PredictionObservation | undefined>(
    (first, p) => (first === undefined || p.arrivedAtMs < first.arrivedAtMs ? p : first),
    undefined,
  );
}

const count = (tally: Record<string, number>, key: string) => (tally[key] = (tally[key] ?? 0) + 1);

/**
 * Classifies every record the ledger was told about and reaches the verdict.
 *
 * @param totals - what the sources held besides the observations (see `LedgerSources.totals`)
 * @param rules - {@link E2E_RULES} (default) or {@link DEMO_RULES}
 */
export function account(ledger: Ledger, totals: SourceTotals, rules: VerdictRules = E2E_RULES): Accounting {
  const records = ledger.sentRecords();
  const rows = new Map<string, KindRow>();
  const total = emptyRow('total');
  const rejectedByReason: Record<string, number> = {};
  const failedByCondition: Record<string, number> = {};
  const missing: SentRecord[] = [];
  const mismatches: Mismatch[] = [];
  const latencies: number[] = [];
  const figures = {
    predicted: 0,
    rejected: 0,
    failed: 0,
    alsoInOnFailure: 0,
    differing: 0,
    acrossSwap: 0,
    correct: 0,
    labelled: 0,
  };
  let lastArrival = Number.NEGATIVE_INFINITY;

  for (const record of records) {
    const kind = kindOf(record.expected);
    const row = rows.get(kind) ?? emptyRow(kind);
    rows.set(kind, row);
    const predictions = ledger.predictionsOf(record);
    const first = earliest(predictions);
    const reason = ledger.rejectionReason(record);
    const condition = ledger.failureCondition(record);
    const { cell, problem } = classify(record.expected, first !== undefined, reason, condition);
    for (const target of [row, total]) {
      target.sent += 1;
      target[cell] += 1;
      target.redelivered += Math.max(0, predictions.length - 1);
    }
    if (problem !== undefined) mismatches.push({ record, problem });
    if (cell === 'missing') missing.push(record);
    if (cell === 'onFailure' && condition !== undefined) {
      figures.failed += 1;
      count(failedByCondition, condition);
    } else if (condition !== undefined) figures.alsoInOnFailure += 1;

    if (first) {
      figures.predicted += 1;
      const serving = rules.servingRuns;
      const strangers = serving
        ? [...new Set(predictions.map((p) => p.version ?? '(no version)'))].filter(
            (v) => !serving.includes(v),
          )
        : [];
      if (strangers.length > 0) {
        mismatches.push({
          record,
          problem: `predicted by run ${strangers.join(', ')}, which does not serve here`,
        });
      }
      const redeliveries = predictions.filter((p) => p !== first);
      const differing = redeliveries.filter(
        (p) => p.payload !== undefined && first.payload !== undefined && p.payload !== first.payload,
      );
      // A retried batch that the alias sent to the other run re-scores the record: a different payload, by design.
      const acrossSwap = serving ? differing.filter((p) => p.version !== first.version) : [];
      figures.acrossSwap += acrossSwap.length;
      const wrong = differing.length - acrossSwap.length;
      if (wrong > 0) {
        figures.differing += wrong;
        mismatches.push({ record, problem: `${wrong} redelivered prediction(s) differ from the first` });
      }
      latencies.push(first.arrivedAtMs - record.sentAtMs);
      lastArrival = Math.max(lastArrival, first.arrivedAtMs);
      if (record.expected.outcome === 'prediction' && record.expected.label !== undefined) {
        figures.labelled += 1;
        if (first.wineQuality === record.expected.label) figures.correct += 1;
      }
    } else if (reason !== undefined) {
      figures.rejected += 1;
      count(rejectedByReason, reason);
    }
  }

  const where = (record: SentRecord) =>
    `${record.shardId}/${record.sequenceNumber} (${kindOf(record.expected)})`;
  const recordProblems = mismatches.map(({ record, problem }) => `${where(record)} ${problem}`);
  if (total.missing > 0) recordProblems.push(`${total.missing} record(s) have no outcome`);
  if (rules.onFailure === 'problem' && figures.failed > 0) {
    recordProblems.push(
      `${figures.failed} record(s) ended only in an on-failure record${conditionList(failedByCondition)}`,
    );
  }
  const sourceProblems = checkSources(ledger.unexpected, totals, rules);
  const problems = [...recordProblems, ...sourceProblems];

  const firstSent = Math.min(...records.map((r) => r.sentAtMs));
  const seconds = (lastArrival - firstSent) / 1000;
  const settled = figures.predicted + figures.rejected;
  const rank = (kind: string) => {
    const at = KIND_ORDER.indexOf(kind);
    return at === -1 ? KIND_ORDER.length : at;
  };
  return {
    rows: [...rows.values()].sort((a, b) => rank(a.kind) - rank(b.kind)),
    total,
    report: {
      sent: records.length,
      predicted: figures.predicted,
      rejected: figures.rejected,
      rejectedByReason,
      failed: figures.failed,
      failedByCondition,
      alsoInOnFailure: figures.alsoInOnFailure,
      missing,
      duplicatePredictions: total.redelivered,
      differingDuplicates: figures.differing,
      redeliveredAcrossSwap: figures.acrossSwap,
      unexpected: ledger.unexpected,
      mismatches,
      accuracy:
        figures.labelled > 0
          ? {
              correct: figures.correct,
              labelled: figures.labelled,
              value: figures.correct / figures.labelled,
            }
          : undefined,
      latency: summarizeLatencies(latencies),
      throughput:
        latencies.length > 0 && seconds > 0
          ? { records: settled, seconds, perSecond: settled / seconds }
          : undefined,
    },
    totals,
    rules,
    balanced: problems.length === 0,
    problems,
    sourceProblems,
  };
}

/** What the sources held that is not one record's outcome. */
function checkSources(unexpected: number, totals: SourceTotals, rules: VerdictRules): string[] {
  const problems: string[] = [];
  if (rules.unexpected === 'problem' && unexpected > 0) {
    problems.push(`${unexpected} output(s) for records never sent`);
  }
  const { unreadable } = totals;
  if (unreadable.outputRecords + unreadable.quarantineObjects + unreadable.onFailureObjects > 0) {
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
  return problems;
}

function conditionList(byCondition: Readonly<Record<string, number>>): string {
  const conditions = Object.entries(byCondition)
    .map(([condition, n]) => `${condition} ${n}`)
    .join(', ');
  return conditions ? ` (${conditions})` : '';
}

/**
 * What follows the on-failure count in a summary: ` (RetryAttemptsExhausted 17); 8 more listed there already had their
 * outcome (…)`, or nothing.
 */
export function onFailureDetail(report: LedgerReport): string {
  return (
    conditionList(report.failedByCondition) +
    (report.alsoInOnFailure > 0
      ? `; ${report.alsoInOnFailure} more listed there already had their outcome (the retried batch's later records)`
      : '')
  );
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
      `redeliveries (${report.differingDuplicates} differing${report.redeliveredAcrossSwap > 0 || accounting.rules.servingRuns ? `, ${report.redeliveredAcrossSwap} by the other run after a swap` : ''}), ` +
      `${totals.unreadable.outputRecords} unreadable, ` +
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
