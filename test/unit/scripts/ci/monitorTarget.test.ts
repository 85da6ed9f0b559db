/**
 * What drift.yml watches: the stack's streams, and the run the function serves with its model folder (committed, or
 * published in the model bucket) and quarantine.
 */
import { monitorTarget, MonitorTargetError, targetLines } from '../../../../scripts/ci/monitorTarget';
import type { StackFacts } from '../../../../scripts/ci/stack';

const RUN = '0123456789abcdef0123456789abcdef';
const FACTS: StackFacts = {
  environment: 'prod',
  region: 'eu-west-1',
  backend: { type: 's3', bucket: 'tf', key: 'prod.tfstate', region: 'eu-west-1', dynamodbTable: undefined },
  functionName: 'wq-prod-scorer',
  aliasName: 'live',
  inputStream: 'wq-prod-input',
  outputStream: 'wq-prod-predictions',
  ecrRepository: { name: 'wq-prod-scorer', address: 'aws_ecr_repository.x' },
  imageBuild: undefined,
  resources: [],
};
const VARIABLES = {
  RUN_ID: RUN,
  MODEL_BUCKET: 'wq-prod-models-abc',
  EXPERIMENT_ID: '1',
  QUARANTINE_LOCATION: 's3://wq-prod-models-abc/quarantine',
};

describe('monitor target', () => {
  it('reads a run that is not committed from the model bucket', () => {
    // Act
    const target = monitorTarget(FACTS, VARIABLES, () => undefined);

    // Assess
    expect(targetLines(target)).toEqual([
      'region=eu-west-1',
      'input_stream=wq-prod-input',
      'predictions_stream=wq-prod-predictions',
      `run_id=${RUN}`,
      `model_location=s3://wq-prod-models-abc/1/${RUN}/artifacts/model`,
      'quarantine=s3://wq-prod-models-abc/quarantine',
    ]);
  });

  it('prefers the committed run folder', () => {
    // Act
    const target = monitorTarget(FACTS, VARIABLES, (run) => `model/artifacts/${run}`);

    // Assess
    expect(target.modelLocation).toBe(`model/artifacts/${RUN}`);
  });

  it('names the function version whose RUN_ID is unusable', () => {
    // Act / Assess
    expect(() => monitorTarget(FACTS, { ...VARIABLES, RUN_ID: 'latest' }, () => undefined)).toThrow(
      new MonitorTargetError('wq-prod-scorer:live: RUN_ID "latest" is not a run id'),
    );
  });
});
