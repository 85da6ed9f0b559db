import { batchLine, cliCommands, type BannerInput } from '../../../../scripts/local-stack/console-output';
import type { BatchReport } from '../../../../scripts/poller';

describe('npm start output', () => {
  const banner: BannerInput = {
    kinesisEndpoint: 'http://127.0.0.1:4568',
    s3Endpoint: 'http://127.0.0.1:4569',
    lambdaEndpoint: 'http://127.0.0.1:4570',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    inputStream: 'wine-input',
    inputShards: 1,
    predictionsStream: 'wine-predictions',
    bucket: 'wine-models',
    runId: 'r',
    featureSet: 'seed3',
    features: ['alcohol'],
    modelUri: 's3://wine-models/1/r/artifacts/model/',
    quarantineLocation: 's3://wine-models/quarantine',
    onFailureLocation: 's3://wine-models/esm-failures',
    dir: '/tmp/x',
    dirKept: false,
    poller: {
      batchSize: 500,
      maximumBatchingWindowMs: 1000,
      maximumRetryAttempts: 3,
      maximumRecordAgeMs: 3_600_000,
    },
    exampleRecord: '{"wine_features": {"alcohol": 8.8}, "customer_id": 123}',
    examplePartitionKey: '123',
  };

  it('prints the v2 put with raw-in-base64-out, the v1 put without, and the read pipeline', () => {
    // Act
    const text = cliCommands(banner);
    const puts = text.split('\n\n')[1] ?? '';

    // Assess
    expect(text).toContain(
      'export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1',
    );
    expect(puts.match(/aws kinesis put-record --endpoint-url http:\/\/localhost:4568/g)).toHaveLength(2);
    expect(puts.match(/--cli-binary-format raw-in-base64-out/g)).toHaveLength(1);
    expect(text).toContain('--shard-iterator-type TRIM_HORIZON');
    expect(text).toContain("| jq -r '.Records[-1].Data' | base64 --decode | jq");
  });

  const report = (overrides: Partial<BatchReport>): BatchReport => ({
    shardId: 'shardId-000000000000',
    records: 5,
    sequenceNumbers: ['1', '2', '3', '4', '5'],
    iteratorAgeMs: 812.4,
    outcome: 'success',
    action: 'checkpoint',
    committed: 5,
    discarded: 0,
    durationMs: 14.2,
    response: { batchItemFailures: [] },
    failures: 0,
    ...overrides,
  });

  it('derives predicted from records, quarantined and reported failures', () => {
    // Act
    const line = batchLine(
      report({ outcome: 'partial', response: { batchItemFailures: [{ itemIdentifier: '5' }] } }),
      1,
      new Date('2024-01-01T10:00:00.123Z'),
    );

    // Assess
    expect(line).toBe(
      '10:00:00.123  shardId-000000000000  5 records → 3 predicted, 1 rejected, 1 reported for retry  (handler 14 ms, iterator age 812 ms)',
    );
  });

  it('names the version and the model run that scored the batch when the poller invokes an alias', () => {
    // Act
    const line = batchLine(
      report({ executed: { version: '2', runId: '7572c494b7f99282d107a36e098bf452' } }),
      0,
      new Date('2024-01-01T10:00:00.123Z'),
    );

    // Assess
    expect(line).toBe(
      '10:00:00.123  shardId-000000000000  v2 run 7572c494  5 records → 5 predicted, 0 rejected  (handler 14 ms, iterator age 812 ms)',
    );
  });

  it('shows a function error with what the poller does next', () => {
    // Act
    const line = batchLine(
      report({ outcome: 'error', action: 'bisect', error: 'Error: boom', response: undefined }),
      0,
    );

    // Assess
    expect(line).toMatch(/5 records → function error \(bisecting\): Error: boom/);
  });
});
