import { FEATURE_SETS, type FeatureSetName } from '../../../../model/src/contract';
import { createBatchProcessor } from '../../../../functions/core/processBatch';
import type { Scorer } from '../../../../functions/core/scorer';
import { ScoringError } from '../../../../functions/errors';
import {
  fakeLabel,
  fakeScorer,
  inputRecord,
  sequenceNumber,
  signatureFor,
  winePayload,
  WHITE_WINE_ROW,
} from '../../../helpers/factories';

describe('scoring a batch', () => {
  it.each(Object.keys(FEATURE_SETS) as FeatureSetName[])(
    'scores every valid record of a batch for the %s feature set in one call with an [N, F] tensor in signature order',
    async (featureSet) => {
      // Prepare
      const signature = signatureFor(featureSet);
      const scorer = fakeScorer(signature.classes);
      const process = createBatchProcessor(signature, scorer);
      const records = [10, 11, 12].map((n) =>
        inputRecord({
          sequenceNumber: sequenceNumber(n),
          payload: winePayload({ features: signature.features, overrides: { [signature.features[0]!]: n } }),
        }),
      );

      // Act
      const { predictions } = await process(records);

      // Assess
      const expectedRow = (n: number) =>
        signature.features.map((f, j) => Math.fround(j === 0 ? n : WHITE_WINE_ROW[f]));
      expect(scorer.calls).toHaveLength(1);
      expect(scorer.calls[0]).toMatchObject({ rows: 3, columns: signature.features.length });
      expect(Array.from(scorer.calls[0]!.data)).toEqual([10, 11, 12].flatMap(expectedRow));
      expect(predictions.map((p) => p.event.prediction.wine_quality)).toEqual(
        [10, 11, 12].map((n) => fakeLabel(signature.classes, n)),
      );
    },
  );

  it('keeps input order and each record’s source coordinates when rejections are interleaved', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    const process = createBatchProcessor(signature, fakeScorer(signature.classes));
    const alcohol = [3, 4, 5, 6, 7, 8];
    const records = alcohol.map((value, i) =>
      inputRecord({
        sequenceNumber: sequenceNumber(i),
        partitionKey: `customer-${i}`,
        shardId: 'shardId-000000000007',
        ...(i % 3 === 1
          ? { data: '***' }
          : {
              payload: winePayload({
                features: signature.features,
                overrides: { alcohol: value },
                customerId: i,
              }),
            }),
      }),
    );

    // Act
    const { predictions, rejections } = await process(records);

    // Assess
    expect(predictions.map((p) => p.index)).toEqual([0, 2, 3, 5]);
    expect(rejections.map((r) => r.index)).toEqual([1, 4]);
    for (const p of predictions) {
      expect(p.source).toEqual(records[p.index]!.source);
      expect(p.event.source).toEqual({
        shard_id: 'shardId-000000000007',
        sequence_number: sequenceNumber(p.index),
        partition_key: `customer-${p.index}`,
      });
      expect(p.partitionKey).toBe(`customer-${p.index}`);
      expect(p.event.prediction.customer_id).toBe(p.index);
      expect(p.event.prediction.wine_quality).toBe(fakeLabel(signature.classes, alcohol[p.index]!));
    }
  });

  it('ignores and counts feature keys the model does not use', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    const process = createBatchProcessor(signature, fakeScorer(signature.classes));
    const allEleven = inputRecord({ payload: winePayload({ features: FEATURE_SETS.all }) });

    // Act
    const result = await process([allEleven, allEleven]);

    // Assess
    expect(result.predictions).toHaveLength(2);
    expect(result.ignoredFeatureKeys).toBe(2 * (11 - 3));
  });

  it('fails the whole batch when the scorer throws', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    const broken: Scorer = { score: () => Promise.reject(new ScoringError('session.run failed')) };
    const process = createBatchProcessor(signature, broken);

    // Act
    const outcome = process([inputRecord({ payload: winePayload({ features: signature.features }) })]);

    // Assess
    await expect(outcome).rejects.toThrow(ScoringError);
  });

  it('fails the whole batch when the scorer returns the wrong number of rows', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    const short: Scorer = {
      score: () => Promise.resolve({ labels: [6], probabilities: new Float32Array(7) }),
    };
    const process = createBatchProcessor(signature, short);
    const record = inputRecord({ payload: winePayload({ features: signature.features }) });

    // Act
    const outcome = process([record, record]);

    // Assess
    await expect(outcome).rejects.toThrow(
      /returned 1 labels and 7 probabilities for 2 rows of a 7-class model/,
    );
  });

  it('fails the whole batch when the scorer returns a label outside the model’s classes', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    const odd: Scorer = {
      score: () => Promise.resolve({ labels: [42], probabilities: new Float32Array(7) }),
    };
    const process = createBatchProcessor(signature, odd);

    // Act
    const outcome = process([inputRecord({ payload: winePayload({ features: signature.features }) })]);

    // Assess
    await expect(outcome).rejects.toThrow(
      /label 42, which is not one of its classes \[3, 4, 5, 6, 7, 8, 9\]/,
    );
  });
});
