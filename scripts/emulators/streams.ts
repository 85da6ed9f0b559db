import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/**
 * Creates the stream if it does not exist and resolves once it is ACTIVE. Polls every 100 ms and fails at once on any
 * error but "not found yet": the SDK's `waitUntilStreamExists` would retry every error (a refused connection, denied
 * access) until its timeout, and its default first delay of 10 s dwarfs the ≈0.5 s an emulator takes.
 */
export async function ensureStream(
  client: KinesisClient,
  streamName: string,
  shardCount = 1,
  timeoutMs = 20_000,
): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { StreamDescriptionSummary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`stream ${streamName} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
