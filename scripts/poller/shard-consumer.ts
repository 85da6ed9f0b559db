/**
 * One shard's consumer: gathers a batch (batch size, batching window, payload limit), drops records past the maximum
 * age, invokes the function, and applies the retry policy. It processes one batch at a time, in shard order, like
 * Lambda with `ParallelizationFactor: 1`. The checkpoint only moves past a record once the function succeeded with it
 * or its on-failure record is stored: every record ends up processed or in the destination, never skipped.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { createContext } from './context';
import { FunctionTimeoutError } from './errors';
import { buildKinesisEvent, recordsThatFit, type EventSource, type ShardRecord } from './event';
import type { FailureDestination } from './failure-destination';
import { buildFailureRecord, failureRecordKey, type FailureCondition } from './failure-record';
import type { PollerLogger } from './logger';
import type { ResolvedMappingOptions } from './options';
import { interpretResponse } from './response';
import {
  consumePlan,
  expiredPrefixLength,
  INITIAL_RETRY_STATE,
  nextStep,
  type InvocationOutcome,
  type RetryState,
} from './retry-policy';
import type { ShardReader } from './shard-reader';
import { sleep } from './sleep';
import type { AliasResolver, ExecutedVersion, KinesisHandler, PollerObserver } from './types';

export interface ShardConsumerDeps {
  readonly reader: ShardReader;
  /** The function (a plain handler), or the alias to resolve before each invocation. */
  readonly target: AliasResolver | { readonly handler: KinesisHandler };
  readonly options: ResolvedMappingOptions & { readonly mappingId: string };
  readonly source: EventSource;
  readonly functionArn: string;
  readonly destination: FailureDestination;
  readonly logger: PollerLogger;
  readonly observer: PollerObserver;
}

const DESTINATION_RETRY_MS = 1_000;

export class ShardConsumer {
  private buffer: ShardRecord[] = [];
  private state: RetryState = INITIAL_RETRY_STATE;
  private lastCheckpoint: string | undefined;
  private ended = false;
  /** Invocations each unprocessed record was part of (the on-failure record's `approximateInvokeCount`). */
  private readonly invocations = new Map<string, number>();
  private lastOutcome: 'function-error' | 'partial-failure' | undefined;
  private lastError: string | undefined;

  constructor(private readonly deps: ShardConsumerDeps) {}

  get shardId(): string {
    return this.deps.source.shardId;
  }

  /** Sequence number of the newest record that is done (processed or discarded); undefined before any. */
  get checkpoint(): string | undefined {
    return this.lastCheckpoint;
  }

  /** Acquires the shard iterator now, so that LATEST means "after the poller started", not "after the first read". */
  async prime(signal: AbortSignal): Promise<void> {
    await this.deps.reader.prime(signal);
  }

  /** Runs until `signal` aborts or the shard is closed and drained. An in-flight invocation always completes. */
  async run(signal: AbortSignal): Promise<void> {
    const { options } = this.deps;
    while (!signal.aborted) {
      if (this.state.plan.length === 0 && !(await this.fill(signal))) break;
      if (this.buffer.length === 0) {
        if (this.ended) break;
        continue;
      }
      const length = this.state.plan[0] ?? recordsThatFit(this.buffer, options.batchSize);
      const arrivals = this.buffer.slice(0, length).map((r) => r.approximateArrivalTimestamp.getTime());
      const expired = expiredPrefixLength(arrivals, Date.now(), options.maximumRecordAgeMs);
      if (expired > 0) {
        if (!(await this.discard(expired, 'RecordAgeExceeded', signal))) break;
        this.state = { plan: consumePlan(this.state.plan, expired), failures: 0 };
        continue;
      }
      await this.invoke(length, signal);
    }
  }

  /** Reads until a full batch, the end of the batching window, or the shard's end; false once stopped. */
  private async fill(signal: AbortSignal): Promise<boolean> {
    const { reader, options } = this.deps;
    let deadline: number | undefined =
      this.buffer.length > 0 ? Date.now() + options.maximumBatchingWindowMs : undefined;
    while (!signal.aborted && !this.ended && this.buffer.length < options.batchSize) {
      const result = await reader.read(options.batchSize - this.buffer.length, signal);
      this.buffer.push(...result.records);
      if (result.ended) this.ended = true;
      if (this.buffer.length === 0) {
        if (!this.ended) await sleep(options.pollIntervalMs, signal);
        continue;
      }
      deadline ??= Date.now() + options.maximumBatchingWindowMs;
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) break;
      if (result.records.length === 0 || result.millisBehindLatest === 0) {
        await sleep(Math.min(options.pollIntervalMs, left), signal);
      }
    }
    return !signal.aborted;
  }

  private async invoke(length: number, signal: AbortSignal): Promise<void> {
    const { options, observer } = this.deps;
    const batch = this.buffer.slice(0, length);
    const event = buildKinesisEvent(batch, this.deps.source);
    const iteratorAgeMs = Date.now() - (batch.at(-1)?.approximateArrivalTimestamp.getTime() ?? Date.now());
    const started = performance.now();
    let response: unknown;
    let outcome: InvocationOutcome;
    let executed: ExecutedVersion | undefined;
    try {
      // Resolved once per invocation: the whole batch runs on this version, whatever the alias does meanwhile.
      const { target } = this.deps;
      let handler: KinesisHandler;
      if (typeof target === 'function') {
        const resolved = target();
        executed = { version: resolved.version, runId: resolved.runId };
        handler = resolved.handler;
      } else {
        handler = target.handler;
      }
      const context = createContext({
        functionName: options.functionName,
        functionArn: this.deps.functionArn,
        timeoutMs: options.functionTimeoutMs,
        ...(executed ? { functionVersion: executed.version } : {}),
      });
      response = await withTimeout(handler(event, context), options.functionTimeoutMs);
      const verdict = interpretResponse(
        response,
        batch.map((r) => r.sequenceNumber),
        options.reportBatchItemFailures,
      );
      outcome = verdict.kind === 'failure' ? { kind: 'error', message: verdict.reason } : verdict;
    } catch (error) {
      outcome = {
        kind: 'error',
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
    const durationMs = performance.now() - started;

    const step = nextStep(this.state, length, outcome, options);
    for (const { sequenceNumber } of batch) {
      this.invocations.set(sequenceNumber, (this.invocations.get(sequenceNumber) ?? 0) + 1);
    }
    this.commit(step.commit);
    if (outcome.kind !== 'success') {
      this.lastOutcome = outcome.kind === 'error' ? 'function-error' : 'partial-failure';
      this.lastError =
        outcome.kind === 'error'
          ? outcome.message
          : `batchItemFailures reported ${batch[outcome.failedIndex]?.sequenceNumber ?? '?'}`;
    }
    this.state = step.state;
    observer.onBatch?.({
      shardId: this.shardId,
      records: length,
      sequenceNumbers: batch.map((r) => r.sequenceNumber),
      iteratorAgeMs,
      outcome: outcome.kind,
      action: step.action,
      committed: step.commit,
      discarded: step.discard,
      durationMs,
      response,
      ...(outcome.kind === 'error' ? { error: outcome.message } : {}),
      failures: step.state.failures,
      ...(executed ? { executed } : {}),
    });
    if (step.discard > 0) await this.discard(step.discard, 'RetryAttemptsExhausted', signal);
    await sleep(step.delayMs, signal);
  }

  /** Moves the checkpoint past the `count` oldest records. */
  private commit(count: number): void {
    if (count === 0) return;
    const done = this.buffer.splice(0, count);
    this.lastCheckpoint = done.at(-1)?.sequenceNumber ?? this.lastCheckpoint;
    for (const { sequenceNumber } of done) this.invocations.delete(sequenceNumber);
    this.lastOutcome = undefined;
    this.lastError = undefined;
  }

  /**
   * Stores an on-failure record for the `count` oldest records, retrying the destination until it accepts it, then
   * checkpoints past them. Returns false when stopped before the record was stored (the records stay unprocessed).
   */
  private async discard(count: number, condition: FailureCondition, signal: AbortSignal): Promise<boolean> {
    const { destination, options, logger, observer } = this.deps;
    const records = this.buffer.slice(0, count);
    const event: KinesisStreamEvent = buildKinesisEvent(records, this.deps.source);
    const now = new Date();
    const record = buildFailureRecord({
      condition,
      functionArn: this.deps.functionArn,
      shardId: this.shardId,
      streamArn: this.deps.source.streamArn,
      event,
      invokeCount: Math.max(...records.map((r) => this.invocations.get(r.sequenceNumber) ?? 0)),
      ...(this.lastOutcome ? { lastOutcome: this.lastOutcome } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      now,
    });
    const key = failureRecordKey(options.mappingId, this.shardId, now);
    for (;;) {
      try {
        await destination.write(key, record);
        break;
      } catch (error) {
        logger.error(
          `poller: could not store the on-failure record for ${count} record(s) of ${this.shardId} in ` +
            `${destination.location} (${error instanceof Error ? error.message : String(error)}); retrying`,
        );
        await sleep(DESTINATION_RETRY_MS, signal);
        if (signal.aborted) return false;
      }
    }
    const { startSequenceNumber, endSequenceNumber } = record.KinesisBatchInfo;
    const location = `${destination.location}/${key}`;
    logger.warn(
      `poller: ${condition}: ${count} record(s) of ${this.shardId} (${startSequenceNumber}…${endSequenceNumber}) ` +
        `written to ${location}`,
    );
    this.commit(count);
    observer.onDiscard?.({
      shardId: this.shardId,
      condition,
      records: count,
      startSequenceNumber,
      endSequenceNumber,
      location,
    });
    return true;
  }
}

/** Races the invocation against the function timeout; the handler's promise itself cannot be cancelled in-process. */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
