/**
 * Accounting for records sent through the pipeline: every record put on the input stream must end up exactly once as
 * a prediction, a quarantined rejection, or an on-failure record — or it is reported missing. Pure: the caller feeds
 * it what it sent and what it observed (output stream, quarantine objects, on-failure records), in any order and as
 * often as it likes (observations are idempotent per source; repeated predictions count as duplicates, which
 * at-least-once delivery allows). The demo uses it; end-to-end and fault-injection tests can reuse it.
 */
import { summarizeLatencies, type LatencySummary } from '../stats';

export type { LatencySummary } from '../stats';

/** A record's identity on the input stream (what prediction `source` and quarantine keys carry). */
export interface SourceKey {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** What the sender expects to become of a record. */
export type Expectation =
  | { readonly outcome: 'prediction'; /** The true label, for accuracy. */ readonly label?: number }
  | {
      readonly outcome: 'rejection';
      /** The expected quarantine reason, when known. */ readonly reason?: string;
    };

export interface SentRecord extends SourceKey {
  /** When the producer sent it (ms since epoch). */
  readonly sentAtMs: number;
  readonly expected: Expectation;
  /** Free text for reports, e.g. `test row 17` or `malformed: invalid_json`. */
  readonly tag?: string;
}

export interface PredictionObservation extends SourceKey {
  readonly wineQuality: number;
  /** When the prediction reached the output stream (its ApproximateArrivalTimestamp, ms). */
  readonly arrivedAtMs: number;
  /** The prediction event's `version` (run id). */
  readonly version?: string;
  /**
   * The record's data as text. When given, repeated predictions for one source must carry the same payload: a
   * redelivery is harmless only if it is identical (consumers keep the first and drop the rest).
   */
  readonly payload?: string;
}

export interface RejectionObservation extends SourceKey {
  readonly reason: string;
}

/** An on-failure record: the poller (or Lambda) gave up on these records. */
export interface FailureObservation {
  readonly shardId: string;
  readonly sequenceNumbers: readonly string[];
  readonly condition: string;
}

export type Outcome = 'predicted' | 'rejected' | 'failed' | 'missing';

export interface Mismatch {
  readonly record: SentRecord;
  readonly problem: string;
}

export interface LedgerReport {
  readonly sent: number;
  readonly predicted: number;
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
  /** Of those, how many differ from the first one's payload (each also listed in `mismatches`). */
  readonly differingDuplicates: number;
  /** Observations whose source was never sent (e.g. left over from an earlier run). */
  readonly unexpected: number;
  /** A record that ended differently than expected (predicted instead of rejected, another reason, two outcomes). */
  readonly mismatches: readonly Mismatch[];
  /** Correct predictions / predictions with a known label; undefined without labels. */
  readonly accuracy:
    { readonly correct: number; readonly labelled: number; readonly value: number } | undefined;
  /** Sent → prediction on the output stream, first prediction per record. */
  readonly latency: LatencySummary | undefined;
  /** Records per second from the first send to the last prediction's arrival. */
  readonly throughput:
    { readonly records: number; readonly seconds: number; readonly perSecond: number } | undefined;
  /** Every record has exactly one expected outcome and none failed. */
  readonly ok: boolean;
}

const keyOf = (source: SourceKey) => `${source.shardId}/${source.sequenceNumber}`;

export class Ledger {
  private readonly sent = new Map<string, SentRecord>();
  private readonly predictions = new Map<string, PredictionObservation[]>();
  private readonly rejections = new Map<string, RejectionObservation>();
  private readonly failures = new Map<string, string>();
  private unexpectedCount = 0;

  /** Registers records as sent. */
  expect(records: Iterable<SentRecord>): void {
    for (const record of records) this.sent.set(keyOf(record), record);
  }

  observePrediction(observation: PredictionObservation): void {
    const key = keyOf(observation);
    if (!this.sent.has(key)) {
      this.unexpectedCount += 1;
      return;
    }
    const list = this.predictions.get(key) ?? [];
    list.push(observation);
    this.predictions.set(key, list);
  }

  /** Idempotent per source: listing the quarantine again does not double-count. */
  observeRejection(observation: RejectionObservation): void {
    const key = keyOf(observation);
    if (!this.sent.has(key)) {
      if (!this.rejections.has(key)) this.unexpectedCount += 1;
      this.rejections.set(key, observation);
      return;
    }
    this.rejections.set(key, observation);
  }

  /** Idempotent per source. */
  observeFailure(observation: FailureObservation): void {
    for (const sequenceNumber of observation.sequenceNumbers) {
      this.failures.set(keyOf({ shardId: observation.shardId, sequenceNumber }), observation.condition);
    }
  }

  /** What became of one record so far (a prediction or quarantine object outranks an on-failure listing). */
  outcomeOf(source: SourceKey): Outcome {
    const key = keyOf(source);
    if (this.predictions.has(key)) return 'predicted';
    if (this.rejections.has(key)) return 'rejected';
    if (this.failures.has(key)) return 'failed';
    return 'missing';
  }

  /** How many predictions arrived for one record (more than 1: redelivered). */
  predictionCount(source: SourceKey): number {
    return this.predictions.get(keyOf(source))?.length ?? 0;
  }

  /** The predictions observed for one record, in the order they were observed. */
  predictionsOf(source: SourceKey): readonly PredictionObservation[] {
    return this.predictions.get(keyOf(source)) ?? [];
  }

  /** The quarantine reason observed for one record, if any. */
  rejectionReason(source: SourceKey): string | undefined {
    return this.rejections.get(keyOf(source))?.reason;
  }

  /** The on-failure condition recorded for one record, if any. */
  failureCondition(source: SourceKey): string | undefined {
    return this.failures.get(keyOf(source));
  }

  /** Sent records without any outcome yet. */
  pending(): number {
    let count = 0;
    for (const record of this.sent.values()) if (this.outcomeOf(record) === 'missing') count += 1;
    return count;
  }

  report(): LedgerReport {
    const records = [...this.sent.values()];
    const rejectedByReason: Record<string, number> = {};
    const failedByCondition: Record<string, number> = {};
    const missing: SentRecord[] = [];
    const mismatches: Mismatch[] = [];
    const latencies: number[] = [];
    let predicted = 0;
    let rejected = 0;
    let failed = 0;
    let alsoInOnFailure = 0;
    let duplicatePredictions = 0;
    let differingDuplicates = 0;
    let correct = 0;
    let labelled = 0;
    let lastArrival = Number.NEGATIVE_INFINITY;

    for (const record of records) {
      const key = keyOf(record);
      const seen = this.predictions.get(key) ?? [];
      const rejection = this.rejections.get(key);
      const condition = this.failures.get(key);
      if (seen.length > 0 && rejection) mismatches.push({ record, problem: 'both predicted and rejected' });
      if (condition !== undefined) {
        if (seen.length > 0 || rejection) alsoInOnFailure += 1;
        else {
          failed += 1;
          failedByCondition[condition] = (failedByCondition[condition] ?? 0) + 1;
          continue;
        }
      }
      const first = seen.reduce<PredictionObservation | undefined>(
        (earliest, p) => (earliest === undefined || p.arrivedAtMs < earliest.arrivedAtMs ? p : earliest),
        undefined,
      );
      if (first) {
        predicted += 1;
        duplicatePredictions += seen.length - 1;
        const differing = seen.filter(
          (p) => p.payload !== undefined && first.payload !== undefined && p.payload !== first.payload,
        ).length;
        if (differing > 0) {
          differingDuplicates += differing;
          mismatches.push({
            record,
            problem: `${differing} redelivered prediction(s) differ from the first`,
          });
        }
        latencies.push(first.arrivedAtMs - record.sentAtMs);
        lastArrival = Math.max(lastArrival, first.arrivedAtMs);
        if (record.expected.outcome === 'rejection') {
          mismatches.push({ record, problem: 'predicted, but expected a rejection' });
        } else if (record.expected.label !== undefined) {
          labelled += 1;
          if (first.wineQuality === record.expected.label) correct += 1;
        }
      } else if (rejection) {
        rejected += 1;
        rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;
        if (record.expected.outcome === 'prediction') {
          mismatches.push({ record, problem: `rejected (${rejection.reason}), but expected a prediction` });
        } else if (record.expected.reason !== undefined && record.expected.reason !== rejection.reason) {
          mismatches.push({
            record,
            problem: `rejected as ${rejection.reason}, expected ${record.expected.reason}`,
          });
        }
      } else {
        missing.push(record);
      }
    }

    const firstSent = Math.min(...records.map((r) => r.sentAtMs));
    const seconds = (lastArrival - firstSent) / 1000;
    return {
      sent: records.length,
      predicted,
      rejected,
      rejectedByReason,
      failed,
      failedByCondition,
      alsoInOnFailure,
      missing,
      duplicatePredictions,
      differingDuplicates,
      unexpected: this.unexpectedCount,
      mismatches,
      accuracy: labelled > 0 ? { correct, labelled, value: correct / labelled } : undefined,
      latency: summarizeLatencies(latencies),
      throughput:
        latencies.length > 0 && seconds > 0
          ? { records: predicted + rejected, seconds, perSecond: (predicted + rejected) / seconds }
          : undefined,
      ok: missing.length === 0 && failed === 0 && mismatches.length === 0,
    };
  }
}

/**
 * What follows the on-failure count in a summary: ` (RetryAttemptsExhausted 17); 8 more listed there already had their
 * outcome (…)`, or nothing.
 */
export function onFailureDetail(report: LedgerReport): string {
  const conditions = Object.entries(report.failedByCondition)
    .map(([condition, count]) => `${condition} ${count}`)
    .join(', ');
  return (
    (conditions ? ` (${conditions})` : '') +
    (report.alsoInOnFailure > 0
      ? `; ${report.alsoInOnFailure} more listed there already had their outcome (the retried batch's later records)`
      : '')
  );
}
