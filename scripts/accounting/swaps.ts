/**
 * The model-swap half of the verdict: when the poller invokes an alias that moves while records flow, every batch
 * must run on exactly one version, and that version's run must have scored the batch's records. Pure: the poller's
 * batch reports (each names the version and run it executed) and the ledger's observations in, problems and a
 * per-shard timeline out.
 */
import type { BatchReport } from '../poller';
import type { Ledger } from './ledger';

/** One shard's batches, in the order the poller ran them. */
export interface RunTimeline {
  readonly shardId: string;
  readonly batches: number;
  /** The runs that executed its batches, consecutive repeats merged: `[A, B, A]` for a promote then a rollback. */
  readonly runs: readonly string[];
  /** Batches per entry of {@link runs}. */
  readonly batchesPerRun: readonly number[];
}

/** What {@link checkSwaps} found. */
export interface SwapCheck {
  readonly timelines: readonly RunTimeline[];
  readonly problems: readonly string[];
}

type ItemFailures = { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined;

/**
 * Checks that runs changed only at batch boundaries:
 * - every batch names the version and run it executed, and that run is one of `servingRuns`;
 * - every record a batch completed (all of a successful batch; a partial batch's records before its lowest reported
 *   failure) that was meant to be predicted has a prediction by that batch's run — so no batch mixed runs, and no
 *   prediction came from a run that did not execute its batch.
 */
export function checkSwaps(
  ledger: Ledger,
  batches: readonly BatchReport[],
  servingRuns: readonly string[],
): SwapCheck {
  const problems: string[] = [];
  const timelines = new Map<string, { batches: number; runs: string[]; batchesPerRun: number[] }>();
  const sent = new Map(ledger.sentRecords().map((r) => [`${r.shardId}/${r.sequenceNumber}`, r]));
  for (const batch of batches) {
    const at = `batch of ${batch.records} on ${batch.shardId} from ${batch.sequenceNumbers[0] ?? '?'}`;
    const run = batch.executed?.runId;
    if (run === undefined) {
      problems.push(`${at} names no executed version`);
      continue;
    }
    if (!servingRuns.includes(run)) problems.push(`${at} ran run ${run}, which does not serve here`);
    const timeline = timelines.get(batch.shardId) ?? { batches: 0, runs: [], batchesPerRun: [] };
    timelines.set(batch.shardId, timeline);
    timeline.batches += 1;
    if (timeline.runs.at(-1) === run) {
      timeline.batchesPerRun[timeline.batchesPerRun.length - 1] = (timeline.batchesPerRun.at(-1) ?? 0) + 1;
    } else {
      timeline.runs.push(run);
      timeline.batchesPerRun.push(1);
    }
    if (batch.outcome === 'error') continue;
    const failed = ((batch.response as ItemFailures)?.batchItemFailures ?? []).map((f) =>
      BigInt(String(f.itemIdentifier)),
    );
    const lowestFailed = failed.reduce<bigint | undefined>(
      (low, s) => (low === undefined || s < low ? s : low),
      undefined,
    );
    for (const sequenceNumber of batch.sequenceNumbers) {
      if (lowestFailed !== undefined && BigInt(sequenceNumber) >= lowestFailed) continue;
      const record = sent.get(`${batch.shardId}/${sequenceNumber}`);
      if (record?.expected.outcome !== 'prediction') continue;
      const versions = ledger.predictionsOf(record).map((p) => p.version);
      if (!versions.includes(run)) {
        problems.push(
          `${batch.shardId}/${sequenceNumber} was completed by a batch run ${run} but has no prediction by it ` +
            `(predictions by ${versions.length > 0 ? versions.join(', ') : 'none'})`,
        );
      }
    }
  }
  return {
    timelines: [...timelines]
      .map(([shardId, t]) => ({ shardId, ...t }))
      .sort((a, b) => a.shardId.localeCompare(b.shardId)),
    problems,
  };
}

/** `shardId-000000000000  1530befa ×12 → 7572c494 ×9 → 1530befa ×7`: one line per shard. */
export function formatTimelines(timelines: readonly RunTimeline[]): string[] {
  return timelines.map(
    (t) =>
      `${t.shardId}  ${t.runs.map((run, i) => `${run.slice(0, 8)} ×${t.batchesPerRun[i] ?? 0}`).join(' → ')}`,
  );
}
