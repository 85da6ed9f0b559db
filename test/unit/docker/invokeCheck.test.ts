import type { KinesisStreamEvent } from 'aws-lambda';
import { checkInvokeResponse } from '../../../docker/invoke-check';

const RUN = '0123456789abcdef0123456789abcdef';

function event(...partitionKeys: string[]): KinesisStreamEvent {
  return {
    Records: partitionKeys.map((partitionKey, i) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber: String(100 + i),
        data: '',
        approximateArrivalTimestamp: 1,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${100 + i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn',
    })),
  };
}

const source = (i: number, partitionKey: string) => ({
  shard_id: 'shardId-000000000000',
  sequence_number: String(100 + i),
  partition_key: partitionKey,
});

const prediction = (i: number, partitionKey: string) => ({
  model: 'wine_quality_prediction_model',
  version: RUN,
  prediction: { wine_quality: 6, probability: 0.75, probabilities: { '5': 0.25, '6': 0.75 } },
  source: source(i, partitionKey),
});

const rejection = (i: number, partitionKey: string, reason = 'invalid_json') => ({
  reason,
  detail: 'record is not JSON',
  source: source(i, partitionKey),
});

describe('docker:invoke response check', () => {
  it('accepts a response that predicts the valid records and rejects the bad one', () => {
    // Prepare
    const body = { batchItemFailures: [], predictions: [prediction(0, 'a')], rejected: [rejection(1, 'b')] };

    // Act
    const check = checkInvokeResponse(event('a', 'b'), body, {
      records: { '100': 'prediction', '101': 'invalid_json' },
    });

    // Assess
    expect(check).toEqual({ problems: [], predicted: 1, rejectedByReason: { invalid_json: 1 } });
  });

  it('reports a record that is neither predicted nor rejected, and one answered twice', () => {
    // Prepare
    const body = {
      batchItemFailures: [],
      predictions: [prediction(0, 'a'), prediction(0, 'a')],
      rejected: [],
    };

    // Act
    const { problems } = checkInvokeResponse(event('a', 'b'), body);

    // Assess
    expect(problems).toEqual([
      'record 100 is answered twice',
      'record 101 is neither predicted nor rejected',
    ]);
  });

  it('reports an outcome other than the expected one', () => {
    // Prepare
    const body = { batchItemFailures: [], predictions: [prediction(0, 'a')], rejected: [] };

    // Act
    const { problems } = checkInvokeResponse(event('a'), body, { records: { '100': 'missing_feature' } });

    // Assess
    expect(problems).toEqual(['record 100: expected missing_feature, got prediction']);
  });

  it('reports the function error the emulator returns instead of a response', () => {
    // Act
    const { problems } = checkInvokeResponse(event('a'), {
      errorType: 'ConfigError',
      errorMessage: 'RUN_ID is required',
    });

    // Assess
    expect(problems).toEqual(['the function failed: ConfigError: RUN_ID is required']);
  });

  it('asks for TEST_RUN=True when the response carries no predictions', () => {
    // Act
    const { problems } = checkInvokeResponse(event('a'), { batchItemFailures: [] });

    // Assess
    expect(problems).toEqual(['predictions/rejected are missing: is TEST_RUN=True set on the function?']);
  });

  it('reports malformed predictions, unknown reasons, foreign sources and batch item failures', () => {
    // Prepare
    const bad = {
      ...prediction(0, 'a'),
      version: 'v1',
      prediction: { wine_quality: 6, probability: 0.5, probabilities: { '6': 0.75 } },
    };
    const body = {
      batchItemFailures: [{ itemIdentifier: '100' }],
      predictions: [bad, prediction(7, 'z')],
      rejected: [rejection(1, 'b', 'because')],
    };

    // Act
    const { problems } = checkInvokeResponse(event('a', 'b'), body);

    // Assess
    expect(problems).toEqual([
      'batchItemFailures is not empty: [{"itemIdentifier":"100"}]',
      'predictions[0]: version "v1" is not a run id',
      'predictions[0]: probabilities sum to 0.75, not 1',
      'predictions[0]: probability 0.5 is not probabilities["6"]',
      'predictions[1]: sequence number 107 is not in the event',
      expect.stringMatching(/^rejected\[0\]: reason is not one of /) as string,
      'record 101 is neither predicted nor rejected',
    ]);
  });
});
