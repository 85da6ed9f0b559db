import { LocalStackConfigError, parseLocalStackConfig } from '../../../../scripts/local-stack/config';

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

  it('checks an s3:// on-failure destination as it parses, and takes any other value as a folder', () => {
    // Act
    const attempt = () => parseLocalStackConfig({ POLLER_ON_FAILURE: 's3://Failures/esm' });
    const folder = parseLocalStackConfig({ POLLER_ON_FAILURE: './failures' });

    // Assess
    expect(attempt).toThrow(
      'POLLER_ON_FAILURE="s3://Failures/esm" names "Failures", which is not a valid S3 bucket name',
    );
    expect(folder.poller.onFailure).toBe('./failures');
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
