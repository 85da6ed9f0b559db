/**
 * `scoreFile` with batches in flight (`batchesInFlight`, used with the scoring thread): never more than that many at
 * the scorer, output in input order whatever order answers come in, a failed batch stops the run with its error, and the
 * scorer's busy time counted once where batches overlap.
 */
import type { FeatureBatch, Scorer, Scores } from '../../../../functions/core/scorer';
import type { FilePredictionEvent } from '../../../../functions/batch/outputs';
import { ScoringError } from '../../../../functions/errors';
import { collectingSink, chunksOf, scoreText } from '../../../helpers/batchFiles';
import { fakeLabel, fakeScorer, signatureFor } from '../../../helpers/factories';
import { scoreFile } from '../../../../functions/batch/scoreFile';

const signature = signatureFor('seed3');
const { classes } = signature;

/** A CSV of `rows` good rows whose first feature is the row's index. */
function csv(rows: number): string {
  const lines = ['alcohol,volatile acidity,sulphates'];
  for (let i = 0; i < rows; i++) lines.push(`${i},0.5,0.5`);
  return `${lines.join('\n')}\n`;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The fake scorer, answering after one event-loop turn, even-numbered calls after three (so out of order). */
function outOfOrderScorer(): Scorer & { mostOpen: () => number; calls: () => number } {
  const inner = fakeScorer(classes);
  let open = 0;
  let mostOpen = 0;
  let calls = 0;
  return {
    mostOpen: () => mostOpen,
    calls: () => calls,
    async score(batch: FeatureBatch): Promise<Scores> {
      const late = calls++ % 2 === 0;
      open++;
      mostOpen = Math.max(mostOpen, open);
      for (let turn = 0; turn < (late ? 3 : 1); turn++) await nextTurn();
      open--;
      return inner.score(batch);
    },
  };
}

describe('scoring a file with batches in flight', () => {
  it.each([1, 2, 3])(
    'keeps at most %i batch(es) at the scorer and writes predictions in input order',
    async (batchesInFlight) => {
      // Prepare
      const scorer = outOfOrderScorer();
      const predictions = collectingSink();
      const text = csv(50);

      // Act
      const summary = await scoreFile({
        file: 'wines.csv',
        chunks: chunksOf(Buffer.from(text), 64),
        model: signature,
        scorer,
        batchSize: 4,
        batchesInFlight,
        predictions,
        predictionsFormat: 'jsonl',
        rejects: collectingSink(),
      });

      // Assess
      expect(scorer.calls()).toBe(13);
      expect(scorer.mostOpen()).toBe(batchesInFlight);
      const events = predictions.lines().map((l) => JSON.parse(l) as FilePredictionEvent);
      expect(events.map((e) => e.source.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      expect(events.map((e) => e.prediction.wine_quality)).toEqual(
        Array.from({ length: 50 }, (_, i) => fakeLabel(classes, i)),
      );
      expect(summary).toMatchObject({ rows: 50, predicted: 50, rejected: 0 });
    },
  );

  it('stops with the ScoringError of a batch that fails while an earlier one is still at the scorer', async () => {
    // Prepare: the second call fails at once; the first answers three event-loop turns later
    const inner = fakeScorer(classes);
    let calls = 0;
    const scorer: Scorer = {
      async score(batch) {
        const call = calls++;
        if (call === 1) throw new ScoringError('session.run failed on 4 rows: boom');
        for (let turn = 0; turn < 3; turn++) await nextTurn();
        return inner.score(batch);
      },
    };

    // Act
    const run = scoreText(csv(20), { model: signature, scorer, batchSize: 4, batchesInFlight: 2 });

    // Assess
    await expect(run).rejects.toThrow('session.run failed on 4 rows: boom');
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(calls).toBe(3);
  });

  it('counts the scorer busy once where batches overlap: 10 ms a batch is 10 ms a batch, within the wall time', async () => {
    // Prepare: a clock that moves only when the scorer answers; the scorer takes 10 ms a batch, one at a time
    let clock = 0;
    let lastAnswer = 0;
    const inner = fakeScorer(classes);
    const scorer: Scorer = {
      async score(batch) {
        const answerAt = Math.max(clock, lastAnswer) + 10;
        lastAnswer = answerAt;
        await nextTurn();
        clock = answerAt;
        return inner.score(batch);
      },
    };

    // Act
    const { summary } = await scoreText(csv(40), {
      model: signature,
      scorer,
      batchSize: 4,
      batchesInFlight: 2,
      now: () => clock,
    });

    // Assess: 10 batches
    expect(summary.inferenceMs).toBe(100);
    expect(summary.durationMs).toBe(100);
  });
});
