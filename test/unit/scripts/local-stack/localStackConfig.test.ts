import { LocalStackConfigError, parseLocalStackConfig } from '../../../../scripts/local-stack/config';
import { batchLine, cliCommands, type BannerInput } from '../../../../scripts/local-stack/console-output';
import type { BatchReport } from '../../../../scripts/poller';
import { chunkForPutRecords, PUT_RECORDS_LIMITS } from '../../../../scripts/streams/producer';
import { parseRecordFile, RecordFileError } from '../../../../scripts/records/files';

describe('local stack configuration', () => {
  it('defaults to docs/contract.md §7 and the stage event source mapping', () => {
    // Act
    const config = parseLocalStackConfig({});

    // Assess
    expect(config).toMatchObject({
      kinesisPort: 4568,
      s3Port: 4569,
      inputStream: 'wine-input',
      predictionsStream: 'wine-predictions',
      bucket: 'wine-models',
      experimentId: '1',
      runId: undefined,
      dir: undefined,
      poller: {
        batchSize: 500,
        maximumBatchingWindowMs: 1000,
        maximumRetryAttempts: 3,
        maximumRecordAgeMs: 3_600_000,
      },
    });
  });

  it('takes overrides from the environment and treats blank values as unset', () => {
    // Act
    const config = parseLocalStackConfig({
      LOCAL_KINESIS_PORT: '14568',
      INPUT_SHARDS: '4',
      RUN_ID: ' ',
      POLLER_MAX_RECORD_AGE_SECONDS: '-1',
    });

    // Assess
    expect(config).toMatchObject({
      kinesisPort: 14568,
      inputShards: 4,
      runId: undefined,
      poller: { maximumRecordAgeMs: -1 },
    });
  });

  it('names every bad variable at once', () => {
    // Act
    const attempt = () =>
      parseLocalStackConfig({ LOCAL_KINESIS_PORT: 'abc', MODEL_BUCKET: 'Not_A_Bucket', RUN_ID: 'xyz' });

    // Assess
    expect(attempt).toThrow(LocalStackConfigError);
    expect(attempt).toThrow(/LOCAL_KINESIS_PORT="abc"[\s\S]*MODEL_BUCKET="Not_A_Bucket"[\s\S]*RUN_ID="xyz"/);
  });

  it('refuses two emulators or the Lambda API on one port', () => {
    // Act
    const attempt = () => parseLocalStackConfig({ LOCAL_S3_PORT: '4570', LOCAL_LAMBDA_PORT: '4570' });

    // Assess
    expect(attempt).toThrow(/LOCAL_S3_PORT and LOCAL_LAMBDA_PORT are both 4570/);
  });

  it('refuses settings that contradict each other', () => {
    // Act
    const attempt = () =>
      parseLocalStackConfig({
        LOCAL_KINESIS_PORT: '5000',
        LOCAL_S3_PORT: '5000',
        PREDICTIONS_STREAM_NAME: 'wine-input',
        POLLER_MAX_RETRIES: '-1',
        POLLER_MAX_RECORD_AGE_SECONDS: '-1',
      });

    // Assess
    expect(attempt).toThrow(/both 5000[\s\S]*must differ[\s\S]*cannot both be -1/);
  });
});

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

describe('producer input', () => {
  it('reads JSON Lines with customer_id as partition key and refuses non-JSON lines unless raw', () => {
    // Prepare
    const content = '{"wine_features": {"alcohol": 9}, "customer_id": 7}\n\nnot json\n';

    // Act
    const raw = parseRecordFile('r.jsonl', content, { raw: true });

    // Assess
    expect(raw.map((r) => [Buffer.from(r.data).toString(), r.partitionKey])).toEqual([
      ['{"wine_features": {"alcohol": 9}, "customer_id": 7}', '7'],
      ['not json', '1'],
    ]);
    expect(() => parseRecordFile('r.jsonl', content)).toThrow(/r\.jsonl:3 is not JSON/);
    expect(() => parseRecordFile('r.txt', content)).toThrow(RecordFileError);
  });

  it('turns UCI CSV rows into records with all eleven features', () => {
    // Prepare
    const csv =
      '"fixed acidity";"volatile acidity";"citric acid";"residual sugar";"chlorides";"free sulfur dioxide";' +
      '"total sulfur dioxide";"density";"pH";"sulphates";"alcohol";"quality"\n7;0.27;0.36;20.7;0.045;45;170;1.001;3;0.45;8.8;6\n';

    // Act
    const [record] = parseRecordFile('white.csv', csv);

    // Assess
    const parsed = JSON.parse(Buffer.from(record!.data).toString()) as {
      wine_features: Record<string, number>;
    };
    expect(Object.keys(parsed.wine_features)).toHaveLength(11);
    expect(parsed).toMatchObject({
      wine_features: { alcohol: 8.8, 'volatile acidity': 0.27 },
      customer_id: 0,
    });
  });

  it('chunks PutRecords calls at 500 records and 5 MiB, keeping order', () => {
    // Prepare
    const small = Array.from({ length: 1_001 }, () => ({ data: new Uint8Array(10), partitionKey: 'k' }));
    const big = Array.from({ length: 6 }, () => ({ data: new Uint8Array(1024 * 1024), partitionKey: 'k' }));

    // Act
    const smallChunks = chunkForPutRecords(
      small,
      small.map((_, i) => i),
    );
    const bigChunks = chunkForPutRecords(
      big,
      big.map((_, i) => i),
    );

    // Assess
    expect(smallChunks.map((c) => c.length)).toEqual([PUT_RECORDS_LIMITS.records, 500, 1]);
    expect(smallChunks.flat()).toEqual(small.map((_, i) => i));
    expect(bigChunks.map((c) => c.length)).toEqual([4, 2]);
  });
});
