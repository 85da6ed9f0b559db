import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';

/**
 * Every shard of a stream, open and closed, in the order Kinesis lists them (parents before children), following
 * `NextToken`. Hand-written because the SDK ships no ListShards paginator: its generic one would send `StreamName` with
 * the `NextToken`, which Kinesis (and kinesis-mock) refuse ("Cannot define … StreamName if NextToken is defined").
 *
 * @throws the SDK's error, e.g. `ResourceNotFoundException` when the stream does not exist
 */
export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}

/** The ids of {@link listShards}. */
export async function listShardIds(client: KinesisClient, streamName: string): Promise<string[]> {
  return (await listShards(client, streamName)).flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []));
}
