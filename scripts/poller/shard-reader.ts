/**
 * Reads one shard with GetRecords and keeps a valid iterator: it re-acquires one (AFTER_SEQUENCE_NUMBER of the last
 * record read, or the starting position before any) when the iterator expired or the emulator restarted, backing off
 * while Kinesis is unreachable. It never skips a record it has not returned and never throws for transient faults.
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { ShardRecord } from './event';
import type { PollerLogger } from './logger';
import type { StartingPosition } from './options';
import { sleep } from './sleep';

export interface ReadResult {
  readonly records: ShardRecord[];
  /** The shard is closed (resharded) and every record has been returned. */
  readonly ended: boolean;
  /** How far behind the newest record the reader is (0 = caught up). */
  readonly millisBehindLatest: number | undefined;
  /** The read failed (Kinesis unreachable, throttled, …) and was backed off; `records` is empty. */
  readonly unavailable?: true;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export class ShardReader {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private unavailableSince: number | undefined;
  private backoffMs = MIN_BACKOFF_MS;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    readonly shardId: string,
    private readonly startingPosition: StartingPosition,
    private readonly logger: PollerLogger,
  ) {}

  /** Acquires an iterator ahead of the first read (errors surface here, at start, rather than as retries). */
  async prime(signal: AbortSignal): Promise<void> {
    this.iterator ??= await this.acquireIterator(signal);
  }

  /**
   * Returns up to `limit` records after the last one returned (possibly none). On a transient fault it waits a
   * growing backoff and returns no records; the next call tries again with a fresh iterator. Once `signal` aborts it
   * returns no records.
   */
  async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
    const from = this.lastSequenceNumber ? `after ${this.lastSequenceNumber}` : this.startingPosition;
    try {
      this.iterator ??= await this.acquireIterator(signal);
      const out = await this.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }),
        {
          abortSignal: signal,
        },
      );
      const records = (out.Records ?? []).map(toShardRecord);
      const last = records.at(-1);
      if (last) this.lastSequenceNumber = last.sequenceNumber;
      this.iterator = out.NextShardIterator;
      this.recovered(from);
      return { records, ended: out.NextShardIterator == null, millisBehindLatest: out.MillisBehindLatest };
    } catch (error) {
      this.iterator = undefined;
      if (signal.aborted) return { records: [], ended: false, millisBehindLatest: undefined };
      if (error instanceof ExpiredIteratorException)
        return { records: [], ended: false, millisBehindLatest: undefined };
      await this.unavailable(error, signal);
      return { records: [], ended: false, millisBehindLatest: undefined, unavailable: true };
    }
  }

  private async acquireIterator(signal: AbortSignal): Promise<string> {
    const position = this.lastSequenceNumber
      ? {
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const,
          StartingSequenceNumber: this.lastSequenceNumber,
        }
      : { ShardIteratorType: this.startingPosition };
    const out = await this.client.send(
      new GetShardIteratorCommand({ StreamName: this.streamName, ShardId: this.shardId, ...position }),
      { abortSignal: signal },
    );
    if (!out.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${this.shardId}`);
    return out.ShardIterator;
  }

  private async unavailable(error: unknown, signal: AbortSignal): Promise<void> {
    if (this.unavailableSince === undefined) {
      this.unavailableSince = Date.now();
      this.logger.warn(
        `poller: reading ${this.streamName}/${this.shardId} failed (${describe(error)}); retrying with backoff`,
      );
    }
    await sleep(this.backoffMs, signal);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private recovered(from: string): void {
    if (this.unavailableSince === undefined) return;
    const seconds = ((Date.now() - this.unavailableSince) / 1000).toFixed(1);
    this.logger.info(
      `poller: reading ${this.streamName}/${this.shardId} again after ${seconds} s (from ${from})`,
    );
    this.unavailableSince = undefined;
    this.backoffMs = MIN_BACKOFF_MS;
  }
}

function toShardRecord(record: _Record): ShardRecord {
  if (!record.SequenceNumber || record.PartitionKey === undefined || !record.Data) {
    throw new Error(`GetRecords returned a record without sequence number, partition key or data`);
  }
  return {
    sequenceNumber: record.SequenceNumber,
    partitionKey: record.PartitionKey,
    data: record.Data,
    approximateArrivalTimestamp: record.ApproximateArrivalTimestamp ?? new Date(),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code)
      ? `${error.name} ${code}: ${error.message}`
      : `${error.name}: ${error.message}`;
  }
  return String(error);
}
