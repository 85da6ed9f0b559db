/**
 * The swap rules of the verdict: with two runs serving, a redelivery scored by the other run is "across a swap", a
 * prediction by a third run is wrong, and every batch must have scored its records with the run it executed. Each
 * rule is shown to fail. Pure (no emulators).
 */
import { Ledger } from '../../../../scripts/accounting/ledger';
import { checkSwaps, formatTimelines } from '../../../../scripts/accounting/swaps';
import { account, E2E_RULES, type SourceTotals } from '../../../../scripts/accounting/verdict';
import type { BatchReport } from '../../../../scripts/poller';

const shardId = 'shardId-000000000000';
const OLD = 'a'.repeat(32);
const NEW = 'b'.repeat(32);
const totals: SourceTotals = {
  read: { outputRecords: 3, quarantineObjects: 0, onFailureObjects: 0 },
  unreadable: { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 },
  quarantineKeysPerSource: new Map(),
};

/** A ledger expecting valid records `1`, `2` and `3`. */
function threeRecords() {
  const ledger = new Ledger();
  ledger.expect(
    ['1', '2', '3'].map((sequenceNumber) => ({
      shardId,
      sequenceNumber,
      sentAtMs: 0,
      expected: { outcome: 'prediction' as const },
    })),
  );
  const predict = (sequenceNumber: string, version: string, arrivedAtMs = 10) =>
    ledger.observePrediction({
      shardId,
      sequenceNumber,
      wineQuality: 6,
      arrivedAtMs,
      version,
      payload: JSON.stringify({ version, sequenceNumber }),
    });
  return { ledger, predict };
}

function batch(sequenceNumbers: string[], runId: string | undefined, failed: string[] = []): BatchReport {
  return {
    shardId,
    records: sequenceNumbers.length,
    sequenceNumbers,
    iteratorAgeMs: 0,
    outcome: failed.length > 0 ? 'partial' : 'success',
    action: 'checkpoint',
    committed: sequenceNumbers.length,
    discarded: 0,
    durationMs: 1,
    response: { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) },
    failures: 0,
    ...(runId === undefined ? {} : { executed: { version: runId === OLD ? '1' : '2', runId } }),
  };
}

describe('verdict with two serving runs', () => {
  it('counts a redelivery by the other run as across a swap, not as a mismatch', () => {
    // Prepare: 2 and 3 were written by the old run, then their batch was retried by the new one
    const { ledger, predict } = threeRecords();
    for (const s of ['1', '2', '3']) predict(s, OLD);
    for (const s of ['2', '3']) predict(s, NEW, 20);

    // Act
    const swapped = account(ledger, totals, { ...E2E_RULES, servingRuns: [OLD, NEW] });
    const single = account(ledger, totals);

    // Assess
    expect(swapped.balanced).toBe(true);
    expect(swapped.report.redeliveredAcrossSwap).toBe(2);
    expect(single.balanced).toBe(false);
    expect(single.report.differingDuplicates).toBe(2);
  });

  it('rejects a prediction by a run that does not serve', () => {
    // Prepare
    const { ledger, predict } = threeRecords();
    predict('1', OLD);
    predict('2', NEW);
    predict('3', 'c'.repeat(32));

    // Act
    const accounting = account(ledger, totals, { ...E2E_RULES, servingRuns: [OLD, NEW] });

    // Assess
    expect(accounting.problems).toEqual([
      `${shardId}/3 (valid) predicted by run ${'c'.repeat(32)}, which does not serve here`,
    ]);
  });
});

describe('runs change only at batch boundaries', () => {
  it('passes batches each scored by the run it executed, and draws the timeline', () => {
    // Prepare: batch (1, 2) on the old run, then (3) on the new run
    const { ledger, predict } = threeRecords();
    predict('1', OLD);
    predict('2', OLD);
    predict('3', NEW);

    // Act
    const check = checkSwaps(ledger, [batch(['1', '2'], OLD), batch(['3'], NEW)], [OLD, NEW]);

    // Assess
    expect(check.problems).toEqual([]);
    expect(check.timelines.map((t) => t.runs)).toEqual([[OLD, NEW]]);
    expect(formatTimelines(check.timelines)).toEqual([`${shardId}  aaaaaaaa ×1 → bbbbbbbb ×1`]);
  });

  it('finds a batch that mixed runs', () => {
    // Prepare: the batch ran the new run, but record 2 was scored by the old one only
    const { ledger, predict } = threeRecords();
    predict('1', NEW);
    predict('2', OLD);
    predict('3', NEW);

    // Act
    const check = checkSwaps(ledger, [batch(['1', '2', '3'], NEW)], [OLD, NEW]);

    // Assess
    expect(check.problems).toEqual([
      `${shardId}/2 was completed by a batch run ${NEW} but has no prediction by it (predictions by ${OLD})`,
    ]);
  });

  it('does not expect predictions from the part of a batch it reported as failed', () => {
    // Prepare: batch (1, 2, 3) on the old run reported 2 as failed; the retry from 2 ran on the new run
    const { ledger, predict } = threeRecords();
    predict('1', OLD);
    predict('3', OLD);
    predict('2', NEW, 20);
    predict('3', NEW, 20);

    // Act
    const check = checkSwaps(
      ledger,
      [batch(['1', '2', '3'], OLD, ['2']), batch(['2', '3'], NEW)],
      [OLD, NEW],
    );

    // Assess
    expect(check.problems).toEqual([]);
  });

  it('finds a batch with no executed version, or one run by a run that does not serve', () => {
    // Prepare
    const { ledger, predict } = threeRecords();
    predict('1', OLD);

    // Act
    const check = checkSwaps(ledger, [batch(['1'], undefined), batch(['1'], 'c'.repeat(32))], [OLD, NEW]);

    // Assess
    expect(check.problems).toEqual([
      `batch of 1 on ${shardId} from 1 names no executed version`,
      `batch of 1 on ${shardId} from 1 ran run ${'c'.repeat(32)}, which does not serve here`,
      `${shardId}/1 was completed by a batch run ${'c'.repeat(32)} but has no prediction by it (predictions by ${OLD})`,
    ]);
  });
});
