import { DEFAULT_MAX_OBJECT_BYTES, parseBatchConfig } from '../../../../functions/batch/config';
import { ConfigError } from '../../../../functions/errors';

describe('batch handler configuration', () => {
  it('reads the model as the stream function does and the batch limits with their defaults', () => {
    // Prepare
    const runId = '0123456789abcdef0123456789abcdef';

    // Act
    const config = parseBatchConfig({ MODEL_BUCKET: 'wine-models', RUN_ID: runId, BATCH_SIZE: '2500' });

    // Assess
    expect(config).toEqual({
      model: { kind: 's3', bucket: 'wine-models', prefix: `1/${runId}/artifacts/model` },
      expectedRunId: runId,
      intraOpNumThreads: 1,
      maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
      batchSize: 2500,
      timeMarginMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('needs neither a predictions stream nor a quarantine location', () => {
    // Act / Assess
    expect(parseBatchConfig({ MODEL_LOCATION: '/models/run' }).model).toEqual({
      kind: 'local',
      directory: '/models/run',
    });
  });

  it('names every bad variable of both parts at once', () => {
    // Act
    const attempt = () =>
      parseBatchConfig({ RUN_ID: 'nope', BATCH_SIZE: '0', BATCH_MAX_OBJECT_BYTES: 'big' });

    // Assess
    expect(attempt).toThrow(ConfigError);
    const problems = (() => {
      try {
        attempt();
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems.join('\n')).toMatch(/RUN_ID="nope"/);
    expect(problems.join('\n')).toMatch(/MODEL_BUCKET is required/);
    expect(problems.join('\n')).toMatch(/BATCH_SIZE="0" must be a whole number from 1/);
    expect(problems.join('\n')).toMatch(/BATCH_MAX_OBJECT_BYTES="big" must be a whole number/);
  });
});
