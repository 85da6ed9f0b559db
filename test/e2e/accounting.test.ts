/**
 * End-to-end accounting: records through kinesis-local → the Lambda-like poller → the real handler (production
 * wiring, `createDefaultHandler`) → the output stream and the S3 quarantine, then every input is matched to its
 * outcome by `source.shard_id` + `source.sequence_number`. The printed ledger is the evidence.
 */
import { RejectionReason } from '../../functions/core/types';
import type { KinesisStreamEvent } from 'aws-lambda';
import { DEFAULT_RUN_ID } from '../../model/src/artifacts';
import { createContext } from '../../scripts/poller';
import { loadWhiteWine, wineRecord } from '../../scripts/records/wine';
import { E2eEmulators, Scenario } from '../../scripts/e2e/pipeline';
import {
  interleave,
  invalidBase64Payloads,
  malformedRecords,
  testSplitRows,
  validRecords,
} from '../../scripts/records/catalogue';
import { LOCAL_FUNCTION_NAME } from '../../scripts/local-stack/config';

jest.setTimeout(120_000);

const HAND_BUILT_SHARD = 'hand-built-event';

/**
 * A Lambda event whose `data` fields are not canonical base64: Kinesis never delivers such a record, so this is the
 * only way to reach the `invalid_base64` branch. One valid record rides along to show the batch is otherwise served.
 */
function handBuiltEvent(validJson: string): {
  event: KinesisStreamEvent;
  records: { sequenceNumber: string; kind: string; dataBase64: string }[];
} {
  const records = [
    ...invalidBase64Payloads().map((p, i) => ({
      sequenceNumber: String(i + 1),
      kind: 'invalid_base64',
      dataBase64: p.data,
    })),
    { sequenceNumber: '9', kind: 'valid', dataBase64: Buffer.from(validJson).toString('base64') },
  ];
  return {
    records,
    event: {
      Records: records.map((r) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: `hand-built-${r.sequenceNumber}`,
          sequenceNumber: r.sequenceNumber,
          data: r.dataBase64,
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${HAND_BUILT_SHARD}:${r.sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::000000000000:role/${LOCAL_FUNCTION_NAME}-role`,
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/hand-built',
      })),
    },
  };
}

describe('end-to-end accounting on kinesis-local, s3rver, the poller and the real handler', () => {
  let emulators: E2eEmulators;

  beforeAll(async () => {
    emulators = await E2eEmulators.start();
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('turns every input into exactly one prediction or one quarantine object with the right reason, and nothing else', async () => {
    // Prepare
    const table = loadWhiteWine();
    const rows = testSplitRows(DEFAULT_RUN_ID).filter((_, i) => i % 5 === 0);
    const valid = validRecords(table, rows);
    const malformed = malformedRecords(table);
    const scenario = await Scenario.create(emulators, { name: 'accounting', inputShards: 2 });
    const handBuilt = handBuiltEvent(JSON.stringify(wineRecord(table, rows[0] ?? 0)));
    scenario.expectDirect(
      handBuilt.records.map((r) => ({
        shardId: HAND_BUILT_SHARD,
        sequenceNumber: r.sequenceNumber,
        sentAtMs: Date.now(),
        kind: r.kind,
        dataBase64: r.dataBase64,
        expected: r.kind === 'valid' ? { outcome: 'prediction' } : { outcome: 'rejection', reason: r.kind },
      })),
    );

    try {
      // Act
      await scenario.startPoller();
      await scenario.send(interleave(valid, malformed));
      const handBuiltResponse = await scenario.handler(
        handBuilt.event,
        createContext({ functionName: LOCAL_FUNCTION_NAME, functionArn: 'local', timeoutMs: 60_000 }),
      );
      const accounting = await scenario.settle();
      console.log(scenario.table('accounting: test split + every malformed kind', accounting));

      // Assess
      expect(accounting.problems).toEqual([]);
      expect(accounting.total).toMatchObject({
        sent: valid.length + malformed.length + handBuilt.records.length,
        predicted: valid.length + 1,
        quarantined: malformed.length + 3,
        onFailure: 0,
        missing: 0,
        wrong: 0,
      });
      expect(accounting.rows.map((r) => r.kind).sort()).toEqual(
        ['valid', ...Object.values(RejectionReason)].sort(),
      );
      expect(accounting.totals.unreadable).toEqual({
        outputRecords: 0,
        quarantineObjects: 0,
        onFailureObjects: 0,
      });
      expect(handBuiltResponse).toEqual({ batchItemFailures: [] });
      expect(scenario.invocationErrors()).toEqual([]);
      expect(scenario.reportedItemFailures()).toEqual([]);
    } finally {
      await scenario.stop();
    }
  });
});
