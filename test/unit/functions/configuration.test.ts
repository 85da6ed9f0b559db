import { parseConfig } from '../../../functions/config';
import { ConfigError } from '../../../functions/errors';
import { RUN_ID } from '../../helpers/factories';

const minimal = { MODEL_BUCKET: 'wine-models', RUN_ID, PREDICTIONS_STREAM_NAME: 'wine-predictions' };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('function configuration', () => {
  it('locates the model by bucket, experiment and run, and quarantines under the model bucket by default', () => {
    // Prepare
    const env = { ...minimal };

    // Act
    const config = parseConfig(env);

    // Assess
    expect(config).toEqual({
      model: { kind: 's3', bucket: 'wine-models', prefix: `1/${RUN_ID}/artifacts/model` },
      expectedRunId: RUN_ID,
      output: {
        kind: 'write',
        predictionsStreamName: 'wine-predictions',
        quarantine: { bucket: 'wine-models', prefix: 'quarantine' },
      },
      intraOpNumThreads: 1,
    });
  });

  it('takes MODEL_LOCATION as an S3 prefix or a local folder, and QUARANTINE_LOCATION as an S3 prefix', () => {
    // Prepare
    const s3 = {
      ...minimal,
      MODEL_LOCATION: 's3://other-bucket/models/run/',
      QUARANTINE_LOCATION: 's3://dlq/bad/',
    };
    const local = { MODEL_LOCATION: './model/artifacts/x', TEST_RUN: 'True' };

    // Act
    const fromS3 = parseConfig(s3);
    const fromFolder = parseConfig(local);

    // Assess
    expect(fromS3.model).toEqual({ kind: 's3', bucket: 'other-bucket', prefix: 'models/run' });
    expect(fromS3.output).toMatchObject({ quarantine: { bucket: 'dlq', prefix: 'bad' } });
    expect(fromFolder).toEqual({
      model: { kind: 'local', directory: './model/artifacts/x' },
      expectedRunId: undefined,
      output: { kind: 'dry-run' },
      intraOpNumThreads: 1,
    });
  });

  it('needs no output stream with TEST_RUN=True and honours EXPERIMENT_ID and the thread count', () => {
    // Prepare
    const env = {
      MODEL_BUCKET: 'wine-models',
      RUN_ID,
      EXPERIMENT_ID: '7',
      TEST_RUN: 'true',
      ONNX_INTRA_OP_NUM_THREADS: '2',
    };

    // Act
    const config = parseConfig(env);

    // Assess
    expect(config.model).toEqual({
      kind: 's3',
      bucket: 'wine-models',
      prefix: `7/${RUN_ID}/artifacts/model`,
    });
    expect(config.output).toEqual({ kind: 'dry-run' });
    expect(config.intraOpNumThreads).toBe(2);
  });

  it('treats blank variables as unset', () => {
    // Prepare
    const env = { ...minimal, MODEL_LOCATION: '', TEST_RUN: ' ', QUARANTINE_LOCATION: '' };

    // Act
    const config = parseConfig(env);

    // Assess
    expect(config.model).toMatchObject({ kind: 's3', bucket: 'wine-models' });
    expect(config.output.kind).toBe('write');
  });

  it('is frozen, nested objects included', () => {
    // Prepare
    const config = parseConfig(minimal);

    // Act
    const mutate = () => {
      (config.model as { bucket: string }).bucket = 'elsewhere';
    };

    // Assess
    expect(mutate).toThrow(TypeError);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails with one error naming every bad or missing variable', () => {
    // Prepare
    const env = {
      RUN_ID: 'not-a-run-id',
      TEST_RUN: 'yes',
      EXPERIMENT_ID: 'a/b',
      ONNX_INTRA_OP_NUM_THREADS: '0',
      QUARANTINE_LOCATION: 'https://bucket/prefix',
      AWS_ENDPOINT_URL_KINESIS: 'localhost:4568',
    };

    // Act
    const error = configError(env);

    // Assess
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems.map((p) => p.split(/[ =]/)[0]).sort()).toEqual(
      [
        'AWS_ENDPOINT_URL_KINESIS',
        'EXPERIMENT_ID',
        'MODEL_BUCKET',
        'ONNX_INTRA_OP_NUM_THREADS',
        'PREDICTIONS_STREAM_NAME',
        'QUARANTINE_LOCATION',
        'RUN_ID',
        'TEST_RUN',
      ].sort(),
    );
    for (const problem of error.problems) expect(error.message).toContain(problem);
    expect(error.message).toContain('RUN_ID="not-a-run-id" must be 32 lowercase hex characters');
    expect(error.message).toContain('MODEL_BUCKET is required unless MODEL_LOCATION is set');
  });

  it('rejects an invalid bucket name inside an S3 location and a URL scheme other than s3 for the model', () => {
    // Prepare
    const env = {
      ...minimal,
      MODEL_LOCATION: 'https://example.com/model',
      QUARANTINE_LOCATION: 's3://Bad_Bucket/q',
    };

    // Act
    const error = configError(env);

    // Assess
    expect(error.problems).toEqual([
      'MODEL_LOCATION="https://example.com/model" must be s3://bucket/prefix or a local folder',
      'QUARANTINE_LOCATION="s3://Bad_Bucket/q" names "Bad_Bucket", which is not a valid S3 bucket name',
    ]);
  });

  it('requires a quarantine location when there is no model bucket to default to', () => {
    // Prepare
    const env = { MODEL_LOCATION: '/opt/model', PREDICTIONS_STREAM_NAME: 'out' };

    // Act
    const error = configError(env);

    // Assess
    expect(error.problems).toEqual([
      expect.stringMatching(/^QUARANTINE_LOCATION is required when MODEL_BUCKET/),
    ]);
  });
});
