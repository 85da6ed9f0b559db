/**
 * A model swap under continuous load: records flow over two shards while the lifecycle's own Lambda calls promote a
 * second run (set `RUN_ID`, publish a version, move alias `live`) and then roll back (move `live` to version 1). The
 * ledger must balance with both runs serving, every batch must run on one version, the runs must change only at batch
 * boundaries (old → new → old on every shard), and a record whose batch was retried across the swap must be reported
 * as redelivered by the other run, not as wrong.
 *
 * Not the whole `model:promote`: its gate and smoke test (canary records) are covered by the lifecycle tests; here only
 * the calls that move traffic run, so every record on the stream is one the ledger sent.
 */
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { DEFAULT_RUN_ID } from '../../model/src/artifacts';
import { injectPutRecordsThrottling } from '../../scripts/e2e/faults';
import { E2eEmulators, Scenario } from '../../scripts/e2e/pipeline';
import { moveAlias, publishRunVersion, readLive } from '../../scripts/lifecycle/versions';
import { readCandidates } from '../../scripts/local-stack/models';
import { interleave, malformedRecords, testSplitRows, validRecords } from '../../scripts/records/catalogue';
import { loadWhiteWine } from '../../scripts/records/wine';
import { waitFor } from '../helpers/waitFor';

jest.setTimeout(240_000);

const OLD = DEFAULT_RUN_ID;
const NEW = readCandidates()[0]!.run_id;
const CHUNK = 100;

/** The run a prediction entry was scored by (its event's `version`). */
function runOf(entry: PutRecordsRequestEntry): string | undefined {
  try {
    return (JSON.parse(Buffer.from(entry.Data ?? new Uint8Array()).toString('utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}

describe('a model swap under load', () => {
  let emulators: E2eEmulators;

  beforeAll(async () => {
    emulators = await E2eEmulators.start({ publish: [OLD, NEW] });
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('loses nothing and changes runs only at batch boundaries through a promote and a rollback', async () => {
    // Prepare
    const table = loadWhiteWine();
    const records = interleave(validRecords(table, testSplitRows(OLD), 3000), malformedRecords(table));
    const valid = records.filter((r) => r.kind === 'valid').length;
    // The first record's prediction is refused while the old run scores it, so its batch comes back to the poller
    // (batchItemFailures) and is retried — by the new run once the alias has moved: the records after it in that batch,
    // already written by the old run, are written again by the new one.
    const victim = records[0]!.partitionKey;
    const { kinesis, s3 } = emulators.handlerClients();
    const throttled = injectPutRecordsThrottling(
      kinesis,
      (entry) => entry.PartitionKey === victim && runOf(entry) === OLD,
    );
    const scenario = await Scenario.create(emulators, {
      name: 'model-swap',
      inputShards: 2,
      versioned: true,
      clients: { kinesis, s3 },
      mapping: { batchSize: 100, maximumRetryAttempts: 10 },
    });
    const target = scenario.lifecycle!.target;
    const log: string[] = [];
    const batchesBy = (run: string, after: number) =>
      new Set(
        scenario.batches
          .slice(after)
          .filter((b) => b.executed?.runId === run && b.outcome === 'success')
          .map((b) => b.shardId),
      );
    // The load comes in thirds: the first flows while the promote happens, the second only once the new run is live,
    // the last only after the rollback, so every run serves a phase on both shards while records keep arriving.
    const third = Math.ceil(records.length / 3);
    const phases = [0, 1, 2].map(() => {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    });
    phases[0]!.open();
    const produce = async () => {
      for (const [index, phase] of phases.entries()) {
        await phase.opened;
        const slice = records.slice(index * third, (index + 1) * third);
        for (let at = 0; at < slice.length; at += CHUNK) await scenario.send(slice.slice(at, at + CHUNK));
      }
    };

    try {
      // Act
      await scenario.startPoller();
      const producer = produce();
      await waitFor(() => scenario.reportedItemFailures().length > 0, 'the victim batch to fail', 60_000);
      const before = await readLive(target);
      const promoted = await publishRunVersion(target, NEW, (line) => log.push(line));
      await moveAlias(target, promoted.version, before.aliasRevisionId);
      const promotedAt = scenario.batches.length;
      phases[1]!.open();
      await waitFor(() => batchesBy(NEW, promotedAt).size === 2, 'both shards to run the new run', 120_000);
      const live = await readLive(target);
      await moveAlias(target, before.version.version, live.aliasRevisionId);
      const rolledBackAt = scenario.batches.length;
      phases[2]!.open();
      await producer;
      await waitFor(
        () => batchesBy(OLD, rolledBackAt).size === 2,
        'both shards to run the old run again',
        120_000,
      );
      const accounting = await scenario.settle({ timeoutMs: 120_000 });
      console.log(
        `${scenario.table('model swap under load: promote, then rollback', accounting)}\n` +
          `lifecycle      ${log.join('; ')}; live → version ${promoted.version} (run ${NEW.slice(0, 8)}) after ` +
          `${promotedAt} batches, back to version ${before.version.version} after ${rolledBackAt}\n` +
          `injected       ${throttled.injected} throttled entries (the victim, while the old run scored it)`,
      );

      // Assess
      expect(accounting.problems).toEqual([]);
      expect(accounting.total).toMatchObject({
        sent: records.length,
        predicted: valid,
        quarantined: records.length - valid,
        onFailure: 0,
        missing: 0,
        wrong: 0,
      });
      expect(accounting.report.redeliveredAcrossSwap).toBeGreaterThan(0);
      expect(accounting.report.differingDuplicates).toBe(0);
      expect(throttled.injected).toBeGreaterThan(0);
      expect(promoted.runId).toBe(NEW);
      expect(scenario.swapTimelines().map((t) => t.runs)).toEqual([
        [OLD, NEW, OLD],
        [OLD, NEW, OLD],
      ]);
    } finally {
      await scenario.stop();
    }
  });
});
