/**
 * The ledger of records sent through the pipeline and of what was observed of them: predictions on the output stream,
 * quarantine objects and on-failure records, fed in any order and as often as the caller likes (rejections and
 * failures are idempotent per source; repeated predictions are kept, since at-least-once delivery allows
 * redeliveries). It only records and answers per-record questions; the verdict — what each record became and whether
 * everything balances — is `account()` in ./verdict, shared by `npm run demo` and the end-to-end harness.
 */
import type { PutResult } from '../streams/producer';

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

  /** Every record registered as sent, in the order first registered. */
  sentRecords(): readonly SentRecord[] {
    return [...this.sent.values()];
  }

  /** Observations whose source was never sent (e.g. left over from an earlier run). */
  get unexpected(): number {
    return this.unexpectedCount;
  }
}

/** What a sender knows of a record besides where it landed. */
export interface Described {
  readonly expected: Expectation;
  readonly tag?: string;
}

/**
 * The ledger's view of records the producer put: where each landed, when it was first sent, and what must become of
 * it. `results` and `records` are parallel (the producer returns one result per record, in order).
 */
export function toSentRecords(results: readonly PutResult[], records: readonly Described[]): SentRecord[] {
  return results.map((result, i) => {
    const record = records[i];
    if (!record) throw new Error(`no record for PutRecords result ${i}`);
    return {
      shardId: result.shardId,
      sequenceNumber: result.sequenceNumber,
      sentAtMs: result.firstSentAtMs,
      expected: record.expected,
      ...(record.tag === undefined ? {} : { tag: record.tag }),
    };
  });
}
