/**
 * The verdict the end-to-end tests rely on must be able to say NOT BALANCED: one case per way the pipeline could lose,
 * invent or misfile a record. Pure (no emulators).
 */
import { Ledger } from '../../../../scripts/accounting/ledger';
import {
  account,
  DEMO_RULES,
  formatAccounting,
  type SourceTotals,
} from '../../../../scripts/accounting/verdict';

const shardId = 'shardId-000000000000';
const nothingUnread = { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 };

/** A ledger expecting a valid record `1` and an `invalid_json` record `2`. */
function twoRecords() {
  const ledger = new Ledger();
  ledger.expect([
    { shardId, sequenceNumber: '1', sentAtMs: 0, expected: { outcome: 'prediction' } },
    { shardId, sequenceNumber: '2', sentAtMs: 0, expected: { outcome: 'rejection', reason: 'invalid_json' } },
  ]);
  const totals = (quarantineKeys: number, unreadable = nothingUnread): SourceTotals => ({
    read: { outputRecords: 1, quarantineObjects: quarantineKeys, onFailureObjects: 0 },
    unreadable,
    quarantineKeysPerSource: new Map(quarantineKeys > 0 ? [[`${shardId}/2`, quarantineKeys]] : []),
  });
  const predict = (sequenceNumber: string, payload = '{"p":1}') =>
    ledger.observePrediction({ shardId, sequenceNumber, wineQuality: 6, arrivedAtMs: 10, payload });
  const quarantine = (sequenceNumber: string, reason = 'invalid_json') =>
    ledger.observeRejection({ shardId, sequenceNumber, reason });
  return { ledger, totals, predict, quarantine };
}

/** `['predict', seq, payload?]` or `['quarantine', seq, reason?]`. */
type Observation = [kind: 'predict' | 'quarantine', sequenceNumber: string, extra?: string];

describe('end-to-end ledger verdict', () => {
  it('is balanced when each record has its one expected outcome, and counts identical redeliveries', () => {
    // Prepare
    const { ledger, totals, predict, quarantine } = twoRecords();
    predict('1');
    predict('1');
    quarantine('2');

    // Act
    const accounting = account(ledger, totals(1));

    // Assess
    expect(accounting.balanced).toBe(true);
    expect(accounting.total).toMatchObject({ sent: 2, predicted: 1, quarantined: 1, redelivered: 1 });
    expect(formatAccounting('t', accounting)).toContain('BALANCED');
  });

  it('accounts a record in an on-failure record by its own outcome when an earlier attempt completed it', () => {
    // Prepare: the retried batch (1, 2) went to on-failure; record 2 had been quarantined before the retries ran out
    const { ledger, totals, quarantine } = twoRecords();
    quarantine('2');
    ledger.observeFailure({ shardId, sequenceNumbers: ['1', '2'], condition: 'RetryAttemptsExhausted' });

    // Act
    const accounting = account(ledger, totals(1));

    // Assess
    expect(accounting.problems).toEqual([]);
    expect(accounting.total).toMatchObject({ sent: 2, predicted: 0, quarantined: 1, onFailure: 1, wrong: 0 });
    expect(formatAccounting('t', accounting)).toContain('1 more listed there already had their outcome');
  });

  it('under the demo’s rules fails a record only in an on-failure record, and tolerates outputs of earlier runs', () => {
    // Prepare: record 1 only in an on-failure record; a quarantine object of a record this run never sent
    const { ledger, totals, quarantine } = twoRecords();
    quarantine('2');
    quarantine('77');
    ledger.observeFailure({ shardId, sequenceNumbers: ['1'], condition: 'RecordAgeExceeded' });

    // Act
    const e2e = account(ledger, totals(1));
    const demo = account(ledger, totals(1), DEMO_RULES);

    // Assess
    expect(e2e.problems).toEqual(['1 output(s) for records never sent']);
    expect(demo.problems).toEqual(['1 record(s) ended only in an on-failure record (RecordAgeExceeded 1)']);
    expect([e2e.total, demo.total]).toEqual([e2e.total, e2e.total]);
    expect(demo.total).toMatchObject({ sent: 2, quarantined: 1, onFailure: 1 });
  });

  it.each<[string, Observation[], number, typeof nothingUnread, RegExp]>([
    ['a record without outcome', [['predict', '1']], 0, nothingUnread, /1 record\(s\) have no outcome/],
    [
      'a quarantine with another reason',
      [
        ['predict', '1'],
        ['quarantine', '2', 'not_object'],
      ],
      1,
      nothingUnread,
      /2 \(invalid_json\) rejected as not_object, expected invalid_json/,
    ],
    [
      'a malformed record that was predicted',
      [
        ['predict', '1'],
        ['predict', '2'],
      ],
      0,
      nothingUnread,
      /2 \(invalid_json\) predicted, but expected a rejection/,
    ],
    [
      'a record with two outcomes',
      [
        ['predict', '1'],
        ['predict', '2'],
        ['quarantine', '2'],
      ],
      1,
      nothingUnread,
      /2 \(invalid_json\) has 2 outcomes: predicted and quarantined as invalid_json/,
    ],
    [
      'a redelivery that differs',
      [
        ['predict', '1'],
        ['predict', '1', '{"p":2}'],
        ['quarantine', '2'],
      ],
      1,
      nothingUnread,
      /differ from the first/,
    ],
    [
      'a prediction for a record never sent',
      [
        ['predict', '1'],
        ['predict', '99'],
        ['quarantine', '2'],
      ],
      1,
      nothingUnread,
      /never sent/,
    ],
    [
      'two quarantine objects for one record',
      [
        ['predict', '1'],
        ['quarantine', '2'],
      ],
      2,
      nothingUnread,
      /more than one quarantine object/,
    ],
    [
      'an output record that is not a prediction',
      [
        ['predict', '1'],
        ['quarantine', '2'],
      ],
      1,
      { ...nothingUnread, outputRecords: 1 },
      /unreadable: 1 output record/,
    ],
  ])('is not balanced with %s', (_name, observations, quarantineKeys, unreadable, problem) => {
    // Prepare
    const setup = twoRecords();
    for (const [kind, sequenceNumber, extra] of observations) {
      if (kind === 'predict') setup.predict(sequenceNumber, extra);
      else setup.quarantine(sequenceNumber, extra);
    }

    // Act
    const accounting = account(setup.ledger, setup.totals(quarantineKeys, unreadable));

    // Assess
    expect(accounting.balanced).toBe(false);
    expect(accounting.problems.join('\n')).toMatch(problem);
    expect(formatAccounting('t', accounting)).toContain('NOT BALANCED');
  });
});
