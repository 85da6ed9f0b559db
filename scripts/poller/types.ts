/** The function the poller invokes and what it reports about each invocation. */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { FailureCondition } from './failure-record';
import type { Step } from './retry-policy';

/**
 * A Kinesis handler as Lambda's Node.js runtime calls it. The resolved value is read like Lambda reads it: with
 * `reportBatchItemFailures`, a `KinesisStreamBatchResponse`-shaped `{ batchItemFailures }`; anything else is a success.
 * Typed `unknown` because the poller checks the shape at run time, exactly where Lambda would reject it.
 */
export type KinesisHandler = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/** One invocation, after the poller decided what to do about it. */
export interface BatchReport {
  readonly shardId: string;
  /** Records in the event. */
  readonly records: number;
  /** Their sequence numbers, in shard order. */
  readonly sequenceNumbers: readonly string[];
  /** Age of the newest record when the function was invoked (Lambda's `IteratorAge` metric). */
  readonly iteratorAgeMs: number;
  readonly outcome: 'success' | 'partial' | 'error';
  readonly action: Step['action'];
  /** Records checkpointed after this invocation. */
  readonly committed: number;
  /** Records sent to the on-failure destination after this invocation. */
  readonly discarded: number;
  /** Wall time of the invocation. */
  readonly durationMs: number;
  /** What the handler resolved with (undefined when it threw or timed out). */
  readonly response: unknown;
  /** The error message for `outcome: 'error'`. */
  readonly error?: string;
  /** Failed invocations in a row of the oldest unprocessed record, after this one. */
  readonly failures: number;
}

/** Records given up on and written to the on-failure destination. */
export interface DiscardReport {
  readonly shardId: string;
  readonly condition: FailureCondition;
  readonly records: number;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** Where the on-failure record went: destination location + key. */
  readonly location: string;
}

/** Callbacks for progress output; they must not throw. */
export interface PollerObserver {
  onBatch?(report: BatchReport): void;
  onDiscard?(report: DiscardReport): void;
}
