/**
 * A burst: 5,000 records put as fast as PutRecords takes them, over 4 input shards (kinesis-local slows down as a
 * shard fills, so the load is spread: ≈1,250 records per shard) into 4 output shards, through the deployed batch size.
 */
import { DEFAULT_RUN_ID } from '../../model/src/artifacts';
import { loadWhiteWine } from '../../scripts/records/wine';
import { E2eEmulators, Scenario } from '../../scripts/e2e/pipeline';
import { interleave, malformedRecords, testSplitRows, validRecords } from '../../scripts/records/catalogue';

jest.setTimeout(180_000);

const BURST = 5_000;

describe('end-to-end under a burst', () => {
  let emulators: E2eEmulators;

  beforeAll(async () => {
    emulators = await E2eEmulators.start({ publish: [DEFAULT_RUN_ID] });
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('accounts for every one of 5,000 records put at once over 4 shards', async () => {
    // Prepare
    const table = loadWhiteWine();
    // Malformed records are 1 in 50, spread through the burst: each kind several times.
    const malformed = Array.from({ length: 6 }, () => malformedRecords(table))
      .flat()
      .map((record, i) => ({ ...record, partitionKey: `malformed-${i}` }))
      .slice(0, BURST / 50);
    const valid = validRecords(table, testSplitRows(DEFAULT_RUN_ID), BURST - malformed.length);
    const records = interleave(valid, malformed);
    const scenario = await Scenario.create(emulators, {
      name: 'burst',
      inputShards: 4,
      outputShards: 4,
      mapping: { batchSize: 500, maximumBatchingWindowMs: 250 },
    });

    try {
      // Act
      await scenario.startPoller();
      const putStarted = performance.now();
      await scenario.send(records);
      const putSeconds = (performance.now() - putStarted) / 1000;
      const accounting = await scenario.settle({ timeoutMs: 150_000 });
      const throughput = accounting.report.throughput;
      console.log(
        `${scenario.table(`burst of ${BURST} records over 4 shards`, accounting)}\n` +
          `load           put ${BURST} records in ${putSeconds.toFixed(1)} s (${Math.round(BURST / putSeconds)} records/s); ` +
          `${scenario.batches.length} invocations, largest ${Math.max(...scenario.batches.map((b) => b.records))} records; ` +
          `first put → last prediction ${throughput?.seconds.toFixed(1) ?? '?'} s`,
      );

      // Assess
      expect(accounting.problems).toEqual([]);
      expect(accounting.total).toMatchObject({
        sent: BURST,
        predicted: valid.length,
        quarantined: malformed.length,
        onFailure: 0,
        missing: 0,
      });
      expect(new Set(scenario.batches.map((b) => b.shardId)).size).toBe(4);
      expect(scenario.invocationErrors()).toEqual([]);
    } finally {
      await scenario.stop();
    }
  });
});
