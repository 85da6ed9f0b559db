import { KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { listShardIds, listShards } from '../../../../scripts/poller';

const kinesis = mockClient(KinesisClient);
const shard = (ShardId: string, ParentShardId?: string): Shard => ({
  ShardId,
  ...(ParentShardId ? { ParentShardId } : {}),
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: { StartingSequenceNumber: '0' },
});

beforeEach(() => kinesis.reset());

describe('listing shards', () => {
  it('follows NextToken, sending the stream name only on the first page (Kinesis refuses both at once)', async () => {
    // Prepare
    kinesis
      .on(ListShardsCommand, { StreamName: 'wine-input' })
      .resolves({ Shards: [shard('shardId-0')], NextToken: 'page-2' })
      .on(ListShardsCommand, { NextToken: 'page-2' })
      .resolves({ Shards: [shard('shardId-1', 'shardId-0'), shard('shardId-2')] });
    const client = new KinesisClient({ region: 'us-east-1' });

    // Act
    const shards = await listShards(client, 'wine-input');
    const ids = await listShardIds(client, 'wine-input');

    // Assess
    expect(shards.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
      ['shardId-0', undefined],
      ['shardId-1', 'shardId-0'],
      ['shardId-2', undefined],
    ]);
    expect(ids).toEqual(['shardId-0', 'shardId-1', 'shardId-2']);
    expect(kinesis.commandCalls(ListShardsCommand).map((call) => call.args[0].input)).toEqual([
      { StreamName: 'wine-input' },
      { NextToken: 'page-2' },
      { StreamName: 'wine-input' },
      { NextToken: 'page-2' },
    ]);
  });
});
