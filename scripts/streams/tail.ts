/**
 * Reads every shard of a stream from TRIM_HORIZON or LATEST, poll by poll, reusing the poller's shard reader (so it
 * survives expired iterators and emulator restarts). Used by `read-predictions` and the demo's accounting.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { setMaxListeners } from 'node:events';
import {
  listShardIds,
  ShardReader,
  silentLogger,
  type PollerLogger,
  type ShardRecord,
  type StartingPosition,
} from '../poller';

export interface TailRecord extends ShardRecord {
  readonly shardId: string;
}

export class StreamTail {
  private readonly controller = new AbortController();
  private caughtUpShards = new Set<string>();

  private constructor(
    readonly streamName: string,
    private readonly readers: readonly ShardReader[],
  ) {
    // One signal for every shard's reads: more than 10 shards would trip Node's listener-leak warning.
    setMaxListeners(0, this.controller.signal);
  }

  /** Lists the stream's shards and prepares one reader each. */
  static async open(
    client: KinesisClient,
    streamName: string,
    from: StartingPosition = 'TRIM_HORIZON',
    logger: PollerLogger = silentLogger,
  ): Promise<StreamTail> {
    const shardIds = await listShardIds(client, streamName);
    const readers = shardIds.map((id) => new ShardReader(client, streamName, id, from, logger));
    const tail = new StreamTail(streamName, readers);
    if (from === 'LATEST') await Promise.all(readers.map((reader) => reader.prime(tail.controller.signal)));
    return tail;
  }

  /** Whether the last poll found every shard at its newest record. */
  get caughtUp(): boolean {
    return this.caughtUpShards.size === this.readers.length;
  }

  /** One GetRecords per shard; returns what arrived since the previous poll, shard by shard in shard order. */
  async poll(limitPerShard = 10_000): Promise<TailRecord[]> {
    const batches = await Promise.all(
      this.readers.map(async (reader) => {
        const result = await reader.read(limitPerShard, this.controller.signal);
        const idle =
          result.records.length === 0 && !result.unavailable && (result.millisBehindLatest ?? 0) === 0;
        if (idle) this.caughtUpShards.add(reader.shardId);
        else this.caughtUpShards.delete(reader.shardId);
        return result.records.map((record) => ({ ...record, shardId: reader.shardId }));
      }),
    );
    return batches.flat();
  }

  /** Polls until a poll returns nothing on every shard. */
  async drain(limitPerShard = 10_000): Promise<TailRecord[]> {
    const all: TailRecord[] = [];
    for (;;) {
      const records = await this.poll(limitPerShard);
      all.push(...records);
      if (records.length === 0 && this.caughtUp) return all;
    }
  }

  /** Stops any backoff in progress. */
  close(): void {
    this.controller.abort();
  }
}
