import {
  ConfigError,
  FunctionError,
  ModelLoadError,
  ModelNotFoundError,
  ModelSignatureMismatchError,
  ScoringError,
} from '../../../functions/errors';

describe('error hierarchy', () => {
  it('gives each error its class name, a stable code and its cause', () => {
    // Prepare
    const cause = new Error('NoSuchKey');

    // Act
    const errors = [
      new ModelNotFoundError('s3://b/k/model.onnx', { cause }),
      new ModelSignatureMismatchError(['input "x" takes 11 features; signature lists 3']),
      new ScoringError('session.run failed', { cause }),
      new ConfigError(['RUN_ID is required']),
    ];

    // Assess
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['ModelNotFoundError', 'MODEL_NOT_FOUND'],
      ['ModelSignatureMismatchError', 'MODEL_SIGNATURE_MISMATCH'],
      ['ScoringError', 'SCORING_FAILED'],
      ['ConfigError', 'CONFIG_INVALID'],
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(FunctionError);
    expect(errors[0]).toBeInstanceOf(ModelLoadError);
    expect(errors[1]).toBeInstanceOf(ModelLoadError);
    expect(errors[0]!.cause).toBe(cause);
  });

  it('serialises to JSON with code, message and cause for structured logs', () => {
    // Prepare
    const error = new ModelNotFoundError('s3://b/k/model.onnx', {
      cause: new Error('NoSuchKey'),
      why: 'checked',
    });

    // Act
    const json: unknown = JSON.parse(JSON.stringify(error));

    // Assess
    expect(json).toEqual({
      name: 'ModelNotFoundError',
      code: 'MODEL_NOT_FOUND',
      message: 'Model file not found: s3://b/k/model.onnx (checked)',
      cause: { name: 'Error', message: 'NoSuchKey' },
    });
  });
});
