import { MODEL_NAME } from '../../../../model/src/contract';
import { createPredictionEncoder } from '../../../../functions/core/encode';
import { createBatchProcessor } from '../../../../functions/core/processBatch';
import type { Scorer } from '../../../../functions/core/scorer';
import {
  inputRecord,
  RUN_ID,
  SHARD_ID,
  sequenceNumber,
  signatureFor,
  winePayload,
} from '../../../helpers/factories';

const signature = signatureFor('seed3');
const source = { shard_id: SHARD_ID, sequence_number: sequenceNumber(9), partition_key: '123' };

describe('prediction events', () => {
  it('follows the docs/contract.md §2 shape: model, run id as version, label, its probability, all classes, source', () => {
    // Prepare
    const encode = createPredictionEncoder(signature);
    const probabilities = Float32Array.from([0, 0.02, 0.21, 0.54, 0.19, 0.04, 0]);

    // Act
    const event = encode(0, [6], probabilities, source, 123);

    // Assess
    expect(event).toEqual({
      model: MODEL_NAME,
      version: RUN_ID,
      prediction: {
        wine_quality: 6,
        probability: 0.54,
        probabilities: { '3': 0, '4': 0.02, '5': 0.21, '6': 0.54, '7': 0.19, '8': 0.04, '9': 0 },
        customer_id: 123,
      },
      source,
    });
  });

  it('reads the probability of the predicted label from that label’s column of the given row', () => {
    // Prepare
    const encode = createPredictionEncoder(signatureFor('seed3', { classes: [5, 6, 7] }));
    const probabilities = Float32Array.from([0.5, 0.25, 0.25, 0.125, 0.125, 0.75]);

    // Act
    const event = encode(1, [5, 7], probabilities, source, undefined);

    // Assess
    expect(event.prediction).toEqual({
      wine_quality: 7,
      probability: 0.75,
      probabilities: { '5': 0.125, '6': 0.125, '7': 0.75 },
    });
  });

  it('leaves customer_id out when the input has none and echoes a string one unchanged', async () => {
    // Prepare
    const scorer: Scorer = {
      score: (batch) =>
        Promise.resolve({
          labels: Array.from({ length: batch.rows }, () => 6),
          probabilities: new Float32Array(batch.rows * 7).fill(1 / 7),
        }),
    };
    const process = createBatchProcessor(signature, scorer);

    // Act
    const { predictions } = await process([
      inputRecord({ payload: winePayload({ features: signature.features, customerId: null }) }),
      inputRecord({ payload: winePayload({ features: signature.features, customerId: 'c-42' }) }),
    ]);

    // Assess
    expect('customer_id' in predictions[0]!.event.prediction).toBe(false);
    expect(predictions[1]!.event.prediction.customer_id).toBe('c-42');
  });

  it('writes the event as UTF-8 JSON bytes, the same as the event object', async () => {
    // Prepare
    const scorer: Scorer = {
      score: () => Promise.resolve({ labels: [6], probabilities: new Float32Array(7).fill(1 / 7) }),
    };
    const process = createBatchProcessor(signature, scorer);

    // Act
    const { predictions } = await process([
      inputRecord({ payload: winePayload({ features: signature.features, customerId: 'Müller' }) }),
    ]);

    // Assess
    const decoded: unknown = JSON.parse(Buffer.from(predictions[0]!.data).toString('utf8'));
    expect(decoded).toEqual(predictions[0]!.event);
    expect(predictions[0]!.event.prediction.customer_id).toBe('Müller');
  });
});
