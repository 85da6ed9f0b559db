import {
  FEATURE_SETS,
  modelPrefix,
  signatureSchema,
  UCI_FEATURES,
  type ModelSignature,
} from '../../../model/src/contract';

const validSignature: ModelSignature = {
  run_id: '0123456789abcdef0123456789abcdef',
  model_name: 'wine_quality_prediction_model',
  feature_set: 'seed3',
  features: ['alcohol', 'volatile acidity', 'sulphates'],
  classes: [3, 4, 5, 6, 7, 8, 9],
  onnx: { input: 'input', label: 'label', probabilities: 'probabilities', opset: 17, ml_opset: 3 },
  created_at: '2026-11-22T00:00:00.000Z',
};

describe('model contract', () => {
  it('builds the MLflow-style run folder key', () => {
    expect(modelPrefix('1', validSignature.run_id)).toBe(
      '1/0123456789abcdef0123456789abcdef/artifacts/model/',
    );
  });

  it('keeps every feature set a subset of the UCI columns', () => {
    for (const features of Object.values(FEATURE_SETS)) {
      for (const name of features) expect(UCI_FEATURES).toContain(name);
    }
  });

  it('accepts a well-formed signature', () => {
    expect(signatureSchema.parse(validSignature)).toEqual(validSignature);
  });

  it.each([
    ['an upper-case run id', { run_id: '0123456789ABCDEF0123456789ABCDEF' }, 'run_id'],
    ['an unknown feature', { features: ['alcohol', 'colour'] }, 'features'],
    ['a duplicated feature', { features: ['alcohol', 'alcohol'] }, 'features'],
    ['duplicated classes', { classes: [5, 5] }, 'classes'],
  ])('rejects %s, naming the field', (_case, patch, field) => {
    const result = signatureSchema.safeParse({ ...validSignature, ...patch });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => String(issue.path[0]))).toContain(field);
  });
});
