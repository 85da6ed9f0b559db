/**
 * The compose TEST_RUN=False check reads where to reach the stack from docker-compose.yml, and judges predictions read
 * from the stream like docker:invoke judges a TEST_RUN=True response.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InvokeExpectations } from '../../../../docker/invoke-check';
import {
  ComposeFileError,
  composeLambdaImage,
  composeTargets,
  judgeStreamedPredictions,
} from '../../../../scripts/ci/composeStream';

const ROOT = path.resolve(__dirname, '../../../..');
const COMPOSE = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const EVENT = JSON.parse(
  readFileSync(path.join(ROOT, 'docker/events/kinesis-valid.json'), 'utf8'),
) as KinesisStreamEvent;
const EXPECTATIONS = JSON.parse(
  readFileSync(path.join(ROOT, 'docker/expectations/kinesis-valid.json'), 'utf8'),
) as InvokeExpectations;

/** A well-formed prediction event answering one record of the event. */
function predictionFor(record: KinesisStreamEvent['Records'][number]) {
  return {
    model: 'wine_quality_prediction_model',
    version: '0123456789abcdef0123456789abcdef',
    prediction: { wine_quality: 6, probability: 0.6, probabilities: { '5': 0.4, '6': 0.6 } },
    source: {
      shard_id: record.eventID.split(':')[0],
      sequence_number: record.kinesis.sequenceNumber,
      partition_key: record.kinesis.partitionKey,
    },
  };
}

describe('compose targets', () => {
  it('follow the compose file: published ports, the lambda service’s stream, region and credentials', () => {
    // Act
    const targets = composeTargets(COMPOSE);

    // Assess
    expect(targets).toEqual({
      invokeUrl: 'http://localhost:8080/2015-03-31/functions/function/invocations',
      kinesisEndpoint: 'http://localhost:4568',
      predictionsStream: 'wine-predictions',
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    expect(composeLambdaImage(COMPOSE)).toBe('wine-quality-scorer:local');
  });

  it('name what the compose file lacks', () => {
    // Prepare
    const unpublished = COMPOSE.replace("- '4568:4568'", "- '4568'");

    // Act / Assess
    expect(() => composeTargets(unpublished)).toThrow(
      new ComposeFileError('service "kinesis" does not publish container port 4568'),
    );
  });
});

describe('predictions read back from the stream', () => {
  it('pass when every record is predicted once and the response carries nothing else', () => {
    // Act
    const check = judgeStreamedPredictions(
      EVENT,
      { batchItemFailures: [] },
      EVENT.Records.map(predictionFor),
      EXPECTATIONS,
    );

    // Assess
    expect(check.problems).toEqual([]);
    expect(check.predicted).toBe(EVENT.Records.length);
  });

  it('fail when a prediction is missing', () => {
    // Act
    const check = judgeStreamedPredictions(
      EVENT,
      { batchItemFailures: [] },
      EVENT.Records.slice(1).map(predictionFor),
      EXPECTATIONS,
    );

    // Assess
    expect(check.problems).toEqual([
      `record ${EVENT.Records[0]!.kinesis.sequenceNumber} is neither predicted nor rejected`,
    ]);
  });

  it('fail when the response carries the predictions (TEST_RUN=True)', () => {
    // Act
    const check = judgeStreamedPredictions(
      EVENT,
      { batchItemFailures: [], predictions: [], rejected: [] },
      EVENT.Records.map(predictionFor),
      EXPECTATIONS,
    );

    // Assess
    expect(check.problems).toEqual([
      'the response carries predictions: is TEST_RUN=False set on the function?',
    ]);
  });
});
