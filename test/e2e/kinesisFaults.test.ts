/**
 * Kinesis faults on the end-to-end pipeline: the emulator killed mid-stream and restarted from its persisted data,
 * and output writes throttled per entry at the handler's client. Each test prints its ledger and asserts it balances.
 */
import { DEFAULT_RUN_ID } from '../../model/src/artifacts';
import { loadWhiteWine } from '../../scripts/records/wine';
import { HandlerGate, injectPutRecordsThrottling, watchFailures } from '../../scripts/e2e/faults';
import { E2eEmulators, Scenario } from '../../scripts/e2e/pipeline';
import { interleave, malformedRecords, testSplitRows, validRecords } from '../../scripts/records/catalogue';
import { waitFor } from '../helpers/waitFor';

jest.setTimeout(120_000);

const READ_FAILED = /^poller: reading kinesis-restart-in\/\S+ failed/;

/** How the poller's invocations ended, e.g. `success 9, partial 1`. */
function outcomes(scenario: Scenario): string {
  const counts = new Map<string, number>();
  for (const batch of scenario.batches) counts.set(batch.outcome, (counts.get(batch.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${outcome} ${n}`).join(', ');
}

describe('end-to-end under Kinesis faults', () => {
  let emulators: E2eEmulators;
  const table = loadWhiteWine();
  const rows = testSplitRows(DEFAULT_RUN_ID);

  beforeAll(async () => {
    emulators = await E2eEmulators.start({ persistKinesis: true, publish: [DEFAULT_RUN_ID] });
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('loses nothing when kinesis-local is killed mid-stream and restarted with its persisted data', async () => {
    // Prepare
    const { kinesis, s3 } = emulators.handlerClients();
    const writes = watchFailures(kinesis, 'PutRecordsCommand');
    const gate = new HandlerGate(2);
    const scenario = await Scenario.create(emulators, {
      name: 'kinesis-restart',
      inputShards: 2,
      mapping: { batchSize: 20, maximumRetryAttempts: 5, retryDelayMs: 250 },
      clients: { kinesis, s3 },
      wrapHandler: (handler) => gate.wrap(handler),
    });
    const records = interleave(validRecords(table, rows, 110), malformedRecords(table));
    const beforeKill = records.slice(0, 90);
    const afterRestart = records.slice(90);

    try {
      await scenario.startPoller();
      await scenario.send(beforeKill);
      // Two batches done; the third is read and held in flight; the other shard's consumer finishes its records
      // and keeps polling. Nothing writes from then on, and kinesis-local has persisted everything it acknowledged.
      const heldShard = await gate.holding;
      await waitFor(() => scenario.caughtUp(heldShard) && gate.running === 0, 'quiet shards', 30_000);
      await emulators.kinesisSnapshotted();
      const pidBefore = emulators.kinesisPid;

      // Act
      await emulators.killKinesis();
      gate.release(); // the in-flight batch now writes its predictions to a dead endpoint
      // Down until the idle consumer has failed a read (it polls once a second), then back.
      await waitFor(() => scenario.pollerMessages.some((m) => READ_FAILED.test(m)), 'a failed poller read');
      await emulators.restartKinesis();
      await scenario.send(afterRestart);
      const accounting = await scenario.settle({ timeoutMs: 90_000 });
      console.log(
        `${scenario.table('kinesis-local SIGKILLed mid-stream, restarted on its data', accounting)}\n` +
          `invocations    ${outcomes(scenario)}; batchItemFailures ${scenario.reportedItemFailures().length}; ` +
          `handler PutRecords calls ${writes.requests}, failed ${writes.failed} (${writes.errors[0] ?? ''})\n` +
          `poller         ${scenario.pollerMessages.filter((m) => /failed|again/.test(m)).join('\n               ')}`,
      );

      // Assess
      expect(accounting.problems).toEqual([]);
      expect(accounting.total).toMatchObject({
        sent: records.length,
        predicted: 110,
        quarantined: records.length - 110,
        onFailure: 0,
      });
      expect(emulators.kinesisPid).not.toBe(pidBefore);
      expect(writes.failed).toBeGreaterThan(0);
      expect(scenario.pollerMessages.some((m) => /again after .* s \(from /.test(m))).toBe(true);
    } finally {
      gate.release();
      await scenario.stop();
      kinesis.destroy();
      s3.destroy();
    }
  });

  it('writes every prediction when output entries are throttled, and counts the identical redeliveries', async () => {
    // Prepare
    const { kinesis, s3 } = emulators.handlerClients();
    // Every third prediction is throttled on its first two sends (the sink's own retries absorb that); one is
    // throttled on its first nine, outlasting the sink's 8 attempts, so its record must come back from the poller.
    const victim = 'customer-10';
    const log = injectPutRecordsThrottling(kinesis, (entry, appearance) => {
      if (entry.PartitionKey === victim) return appearance <= 9;
      const index = Number(/^customer-(\d+)$/.exec(entry.PartitionKey ?? '')?.[1] ?? 1);
      return index % 3 === 0 && appearance <= 2;
    });
    const scenario = await Scenario.create(emulators, {
      name: 'throttled-output',
      clients: { kinesis, s3 },
    });
    const records = interleave(validRecords(table, rows, 60), malformedRecords(table));

    try {
      // Act
      const sent = await scenario.send(records); // before the poller starts: one batch holds them all
      await scenario.startPoller();
      const accounting = await scenario.settle();
      console.log(
        `${scenario.table('output PutRecords entries throttled (ProvisionedThroughputExceededException)', accounting)}\n` +
          `injected       ${log.injected} throttled entries over ${log.requests} PutRecords calls; ` +
          `invocations ${outcomes(scenario)}; batchItemFailures ${scenario.reportedItemFailures().length}`,
      );

      // Assess
      const victimSequence = sent.find((s) => s.record?.partitionKey === victim)?.sequenceNumber;
      expect(accounting.problems).toEqual([]);
      expect(accounting.total).toMatchObject({
        sent: records.length,
        predicted: 60,
        quarantined: records.length - 60,
        onFailure: 0,
      });
      expect(log.injected).toBeGreaterThanOrEqual(2 * 20 + 9);
      expect(scenario.reportedItemFailures()).toEqual([victimSequence]);
      expect(accounting.total.redelivered).toBeGreaterThan(0);
    } finally {
      await scenario.stop();
      kinesis.destroy();
      s3.destroy();
    }
  });
  it('sends a batch whose predictions cannot be written within the retry budget to on-failure, and loses nothing', async () => {
    // Prepare: every PutRecords entry is throttled until the poller has given up on one batch
    const { kinesis, s3 } = emulators.handlerClients();
    const scenario = await Scenario.create(emulators, {
      name: 'output-outage',
      mapping: { batchSize: 25, maximumRetryAttempts: 1, retryDelayMs: 250 },
      clients: { kinesis, s3 },
    });
    const log = injectPutRecordsThrottling(kinesis, () => scenario.discards.length === 0);
    const records = interleave(validRecords(table, rows, 50), malformedRecords(table));

    try {
      // Act
      await scenario.send(records); // before the poller starts: the first batch is the first 25 records
      await scenario.startPoller();
      const accounting = await scenario.settle({ timeoutMs: 90_000 });
      console.log(
        `${scenario.table('output stream unwritable for longer than the retry budget', accounting)}\n` +
          `injected       ${log.injected} throttled entries over ${log.requests} PutRecords calls; ` +
          `invocations ${outcomes(scenario)}; discarded ${scenario.discards
            .map((d) => `${d.records} records (${d.condition})`)
            .join(', ')}`,
      );

      // Assess
      const [discard, ...moreDiscards] = scenario.discards;
      expect(moreDiscards).toEqual([]);
      expect(discard?.condition).toBe('RetryAttemptsExhausted');
      expect(accounting.problems).toEqual([]);
      const { total, report } = accounting;
      expect(total.onFailure).toBeGreaterThan(0);
      expect(total.predicted + total.onFailure).toBe(50);
      expect(total.quarantined).toBe(records.length - 50);
      // The on-failure record covers the retried batch: its failed records, and the ones after them it had completed.
      expect(total.onFailure + report.alsoInOnFailure).toBe(discard?.records);
      expect(report.alsoInOnFailure).toBeGreaterThan(0);
    } finally {
      await scenario.stop();
      kinesis.destroy();
      s3.destroy();
    }
  });
});
