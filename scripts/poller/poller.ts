/**
 * A local stand-in for Lambda's Kinesis event source mapping: one consumer per shard, invoking an in-process handler
 * with Lambda-shaped events and Lambda's batching, checkpointing, retry, bisect, record-age and on-failure rules.
 *
 * @example
 * const poller = await EventSourcePoller.start({
 *   client, handler, onFailure: folderDestination('.local-stack/failures'),
 *   streamName: 'wine-input', startingPosition: 'TRIM_HORIZON', batchSize: 100,
 *   reportBatchItemFailures: true, bisectBatchOnFunctionError: true, maximumRetryAttempts: 2,
 * });
 * // …
 * await poller.stop();
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { FailureDestination } from './failure-destination';
import { listShards } from './list-shards';
import { silentLogger, type PollerLogger } from './logger';
import {
  resolveMappingOptions,
  type EventSourceMappingOptions,
  type ResolvedMappingOptions,
} from './options';
import { ShardConsumer } from './shard-consumer';
import { ShardReader } from './shard-reader';
import type { AliasResolver, KinesisHandler, PollerObserver } from './types';

/** What the poller invokes: the function itself (`handler`), or an alias resolved before every invocation. */
export type PollerTarget =
  | { readonly handler: KinesisHandler; readonly alias?: never }
  | { readonly alias: AliasResolver; readonly handler?: never };

export type PollerConfig = EventSourceMappingOptions &
  PollerTarget & {
    /** Reads the stream (use `createKinesisClient` so it works against kinesis-mock and AWS alike). */
    readonly client: KinesisClient;
    /** Where discarded batches go (`DestinationConfig.OnFailure`); required so no record is ever dropped silently. */
    readonly onFailure: FailureDestination;
    readonly logger?: PollerLogger;
    readonly observer?: PollerObserver;
  };

export class EventSourcePoller {
  private constructor(
    readonly options: ResolvedMappingOptions & { readonly mappingId: string },
    readonly streamArn: string,
    private readonly consumers: readonly ShardConsumer[],
    /** Settles when every consumer has ended: after `stop()`, or once all shards are closed and drained. */
    readonly done: Promise<void>,
    private readonly abort: () => void,
  ) {}

  /**
   * Validates the options, describes the stream, lists its shards and starts one consumer per shard. A child shard's
   * consumer starts once its parents' consumers have drained them, preserving per-key order across a reshard.
   *
   * @throws {PollerConfigError} for invalid options; the SDK's error when the stream does not exist.
   */
  static async start(config: PollerConfig): Promise<EventSourcePoller> {
    const resolved = resolveMappingOptions(config);
    const options = { ...resolved, mappingId: resolved.mappingId ?? randomUUID() };
    const logger = config.logger ?? silentLogger;
    const { client } = config;
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: options.streamName }));
    const streamArn = summary.StreamDescriptionSummary?.StreamARN;
    if (!streamArn) throw new Error(`DescribeStreamSummary returned no ARN for ${options.streamName}`);
    const [, , , region = '', account = ''] = streamArn.split(':');
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${options.functionName}`;
    const invokeIdentityArn =
      options.invokeIdentityArn ?? `arn:aws:iam::${account}:role/${options.functionName}-role`;
    const shards = await listShards(client, options.streamName);

    const controller = new AbortController();
    // Every consumer's reads and sleeps listen on this one signal: more than 10 shards would trip Node's leak warning.
    setMaxListeners(0, controller.signal);
    const consumers = shards.map(
      (shard) =>
        new ShardConsumer({
          reader: new ShardReader(
            client,
            options.streamName,
            shard.ShardId ?? '',
            options.startingPosition,
            logger,
          ),
          target: config.alias ?? { handler: config.handler },
          options,
          source: { shardId: shard.ShardId ?? '', streamArn, awsRegion: region, invokeIdentityArn },
          functionArn,
          destination: config.onFailure,
          logger,
          observer: config.observer ?? {},
        }),
    );
    // Iterators first: LATEST then means "records put after start() resolved", and a bad stream fails here.
    await Promise.all(consumers.map((consumer) => consumer.prime(controller.signal)));
    const runs = new Map<string, Promise<void>>();
    for (const [index, shard] of shards.entries()) {
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId]
        .map((id) => (id === undefined ? undefined : runs.get(id)))
        .filter((run): run is Promise<void> => run !== undefined);
      const consumer = consumers[index];
      if (!consumer) continue;
      runs.set(
        consumer.shardId,
        Promise.all(parents).then(() =>
          controller.signal.aborted ? undefined : consumer.run(controller.signal),
        ),
      );
    }
    logger.info(
      `poller: ${options.streamName} (${shards.length} shard${shards.length === 1 ? '' : 's'}) → ${options.functionName}, ` +
        `batch ${options.batchSize}, window ${options.maximumBatchingWindowMs} ms, on failure → ${config.onFailure.location}`,
    );
    const done = Promise.all(runs.values()).then(() => undefined);
    return new EventSourcePoller(options, streamArn, consumers, done, () => controller.abort());
  }

  /** The newest done sequence number per shard id (undefined for shards with nothing done yet). */
  checkpoints(): Record<string, string | undefined> {
    return Object.fromEntries(this.consumers.map((consumer) => [consumer.shardId, consumer.checkpoint]));
  }

  /** Stops reading, lets in-flight invocations finish, and resolves when every consumer has ended. */
  async stop(): Promise<void> {
    this.abort();
    await this.done;
  }
}
