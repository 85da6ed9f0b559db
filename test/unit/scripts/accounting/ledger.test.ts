import { Ledger, type SentRecord } from '../../../../scripts/accounting/ledger';
import { toFailureObservation, toRejectionObservation } from '../../../../scripts/accounting/sources';
import { account, DEMO_RULES } from '../../../../scripts/accounting/verdict';

const shardId = 'shardId-000000000000';
const sent = (sequenceNumber: string, expected: SentRecord['expected'], sentAtMs = 1_000): SentRecord => ({
  shardId,
  sequenceNumber,
  sentAtMs,
  expected,
});

/** The demo's verdict (an on-failure record is a failure) on sources that held nothing else. */
const verdict = (ledger: Ledger) =>
  account(
    ledger,
    {
      read: { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 },
      unreadable: { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 },
      quarantineKeysPerSource: new Map(),
    },
    DEMO_RULES,
  );

describe('ledger', () => {
  it('accounts for predictions, rejections and on-failure records, with accuracy, latency and throughput', () => {
    // Prepare
    const ledger = new Ledger();
    ledger.expect([
      sent('1', { outcome: 'prediction', label: 6 }),
      sent('2', { outcome: 'prediction', label: 5 }),
      sent('3', { outcome: 'rejection', reason: 'invalid_json' }),
      sent('4', { outcome: 'prediction', label: 7 }),
    ]);

    // Act
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 1_100 });
    ledger.observePrediction({ shardId, sequenceNumber: '2', wineQuality: 6, arrivedAtMs: 1_300 });
    ledger.observeRejection({ shardId, sequenceNumber: '3', reason: 'invalid_json' });
    ledger.observeRejection({ shardId, sequenceNumber: '3', reason: 'invalid_json' });
    ledger.observeFailure({ shardId, sequenceNumbers: ['4'], condition: 'RetryAttemptsExhausted' });
    const report = verdict(ledger).report;

    // Assess
    expect(report).toMatchObject({
      sent: 4,
      predicted: 2,
      rejected: 1,
      rejectedByReason: { invalid_json: 1 },
      failed: 1,
      failedByCondition: { RetryAttemptsExhausted: 1 },
      missing: [],
      duplicatePredictions: 0,
      mismatches: [],
      accuracy: { correct: 1, labelled: 2, value: 0.5 },
      latency: { count: 2, p50Ms: 100, p95Ms: 300, maxMs: 300 },
      throughput: { records: 3, seconds: 0.3 },
    });
    expect(verdict(ledger).balanced).toBe(false);
  });

  it('counts a record an on-failure record lists after an earlier attempt completed it by that outcome', () => {
    // Prepare: a batch 1–3 retried from record 2 until the retries ran out; record 3 was quarantined by then
    const ledger = new Ledger();
    ledger.expect([
      sent('1', { outcome: 'prediction' }),
      sent('2', { outcome: 'prediction' }),
      sent('3', { outcome: 'rejection', reason: 'invalid_json' }),
    ]);
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 1_100 });
    ledger.observeRejection({ shardId, sequenceNumber: '3', reason: 'invalid_json' });

    // Act
    ledger.observeFailure({ shardId, sequenceNumbers: ['2', '3'], condition: 'RetryAttemptsExhausted' });
    const report = verdict(ledger).report;

    // Assess
    expect(report).toMatchObject({
      predicted: 1,
      rejected: 1,
      failed: 1,
      failedByCondition: { RetryAttemptsExhausted: 1 },
      alsoInOnFailure: 1,
      missing: [],
      mismatches: [],
    });
    expect(['1', '2', '3'].map((sequenceNumber) => ledger.outcomeOf({ shardId, sequenceNumber }))).toEqual([
      'predicted',
      'failed',
      'rejected',
    ]);
  });

  it('is ok only when every record has its expected outcome', () => {
    // Prepare
    const ledger = new Ledger();
    ledger.expect([
      sent('1', { outcome: 'prediction' }),
      sent('2', { outcome: 'rejection', reason: 'too_large' }),
    ]);
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 2_000 });

    // Act
    const before = verdict(ledger);
    ledger.observeRejection({ shardId, sequenceNumber: '2', reason: 'too_large' });
    const after = verdict(ledger);

    // Assess
    expect(before.balanced).toBe(false);
    expect(before.report.missing.map((r) => r.sequenceNumber)).toEqual(['2']);
    expect(ledger.pending()).toBe(0);
    expect(after.balanced).toBe(true);
  });

  it('counts redelivered predictions as duplicates and measures latency from the first one', () => {
    // Prepare
    const ledger = new Ledger();
    ledger.expect([sent('1', { outcome: 'prediction' })]);

    // Act
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 1_500 });
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 1_200 });
    const report = verdict(ledger).report;

    // Assess
    expect(report.duplicatePredictions).toBe(1);
    expect(report.latency?.maxMs).toBe(200);
    expect(verdict(ledger).balanced).toBe(true);
  });

  it('accepts identical redeliveries and flags a redelivery whose payload differs from the first', () => {
    // Prepare
    const ledger = new Ledger();
    ledger.expect([sent('1', { outcome: 'prediction' }), sent('2', { outcome: 'prediction' })]);
    const prediction = (sequenceNumber: string, payload: string) =>
      ledger.observePrediction({ shardId, sequenceNumber, wineQuality: 6, arrivedAtMs: 1_100, payload });

    // Act
    prediction('1', '{"a":1}');
    prediction('1', '{"a":1}');
    prediction('2', '{"b":1}');
    prediction('2', '{"b":2}');
    const report = verdict(ledger).report;

    // Assess
    expect(report.duplicatePredictions).toBe(2);
    expect(report.differingDuplicates).toBe(1);
    expect(report.mismatches.map((m) => [m.record.sequenceNumber, m.problem])).toEqual([
      ['2', '1 redelivered prediction(s) differ from the first'],
    ]);
    expect(ledger.predictionCount({ shardId, sequenceNumber: '1' })).toBe(2);
    expect(verdict(ledger).balanced).toBe(false);
  });

  it('flags outcomes that differ from the expectation and observations of records never sent', () => {
    // Prepare
    const ledger = new Ledger();
    ledger.expect([
      sent('1', { outcome: 'rejection', reason: 'invalid_json' }),
      sent('2', { outcome: 'prediction' }),
      sent('3', { outcome: 'rejection', reason: 'too_large' }),
    ]);

    // Act
    ledger.observePrediction({ shardId, sequenceNumber: '1', wineQuality: 6, arrivedAtMs: 1_000 });
    ledger.observeRejection({ shardId, sequenceNumber: '2', reason: 'missing_feature' });
    ledger.observeRejection({ shardId, sequenceNumber: '3', reason: 'invalid_value' });
    ledger.observePrediction({ shardId, sequenceNumber: '99', wineQuality: 6, arrivedAtMs: 1_000 });
    const report = verdict(ledger).report;

    // Assess
    expect(report.mismatches.map((m) => m.problem)).toEqual([
      'predicted, but expected a rejection',
      'rejected (missing_feature), but expected a prediction',
      'rejected as invalid_value, expected too_large',
    ]);
    expect(report.unexpected).toBe(1);
    expect(verdict(ledger).balanced).toBe(false);
  });
});

describe('ledger sources', () => {
  it('reads a quarantine object (docs/contract.md §4) as a rejection', () => {
    // Act
    const observation = toRejectionObservation({
      reason: 'invalid_json',
      detail: 'x',
      source: { shard_id: shardId, sequence_number: '5', partition_key: 'k' },
    });

    // Assess
    expect(observation).toEqual({ shardId, sequenceNumber: '5', reason: 'invalid_json' });
    expect(toRejectionObservation({ reason: 'invalid_json' })).toBeUndefined();
  });

  it('reads the records an on-failure record carries', () => {
    // Act
    const observation = toFailureObservation({
      requestContext: { condition: 'RecordAgeExceeded' },
      KinesisBatchInfo: { shardId },
      payload: { Records: [{ kinesis: { sequenceNumber: '7' } }, { kinesis: { sequenceNumber: '8' } }] },
    });

    // Assess
    expect(observation).toEqual({ shardId, sequenceNumbers: ['7', '8'], condition: 'RecordAgeExceeded' });
  });
});
