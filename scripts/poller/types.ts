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

/** What an invocation ran: Lambda's `ExecutedVersion`, and the model run that version serves (its `RUN_ID`). */
export interface ExecutedVersion {
  /** The published version's number ("1", "2", …). */
  readonly version: string;
  /** The `RUN_ID` frozen into that version: the `version` field of every prediction event it writes. */
  readonly runId: string;
}

/** One published version of the function: immutable configuration and code. */
export interface FunctionVersion extends ExecutedVersion {
  readonly handler: KinesisHandler;
}

/**
 * Resolves the alias the mapping targets to a version. Called once before every invocation, as Lambda resolves an
 * alias ARN per invoke: a batch runs entirely on the version it was resolved to, so moving the alias takes effect at
 * the next batch while the batch in flight finishes on the old version.
 */
export type AliasResolver = () => FunctionVersion;

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
  /** The version (and its model run) that ran this batch; absent when the mapping invokes a plain handler. */
  readonly executed?: ExecutedVersion;
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
