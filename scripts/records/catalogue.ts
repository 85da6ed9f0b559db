/**
 * Room `scripts/records/` — one job: the records the pipeline is fed. Wine records from the UCI CSV (`wine.ts`), producer
 * input files (`files.ts`) and this catalogue of valid and malformed records with the outcome each must have, used by
 * the end-to-end tests, the benchmark and the demo.
 *
 * The records end-to-end runs send: valid rows of the white-wine test split, and a catalogue of malformed records
 * covering every rejection reason of docs/contract.md §1/§4 (several shapes for most), each with the outcome it must have.
 */
import { DEFAULT_MAX_RECORD_BYTES } from '../../functions/core/decode';
import { RejectionReason } from '../../functions/core/types';
import { runDir, testRowIndices } from '../../model';
import { UCI_FEATURES } from '../../model/src/contract';
import type { WineTable } from '../../model';
import type { Expectation } from '../accounting/ledger';
import type { OutgoingRecord } from '../streams/producer';
import { wineRecord } from './wine';

/** `valid`, or the rejection reason the record must be quarantined with. */
export type RecordKind = 'valid' | RejectionReason;

/** A record to send, with what must become of it. */
export interface E2eRecord extends OutgoingRecord {
  readonly kind: RecordKind;
  readonly expected: Expectation;
  /** Human description for tables and failure messages, e.g. `test row 17` or `alcohol as a string`. */
  readonly tag: string;
}

/**
 * Row indices of the run's test split (`metrics.json` → `split.test_row_indices`).
 *
 * @throws ArtifactError naming the file when it has no test split
 */
export function testSplitRows(runId: string): number[] {
  return testRowIndices(runDir(runId));
}

/**
 * Valid records for the given CSV rows, by default with all eleven UCI features (so they score with either committed
 * model; the 3-feature one ignores and counts the rest), and the row's true label. `count` cycles the rows.
 */
export function validRecords(
  table: WineTable,
  rows: readonly number[],
  count = rows.length,
  features: readonly string[] = UCI_FEATURES,
): E2eRecord[] {
  if (rows.length === 0) throw new Error('validRecords needs at least one row');
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length] as number;
    return {
      data: Buffer.from(JSON.stringify(wineRecord(table, row, features, i))),
      partitionKey: `customer-${i}`,
      kind: 'valid',
      expected: { outcome: 'prediction', label: table.quality[row] ?? Number.NaN },
      tag: `test row ${row}`,
    };
  });
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * One record per way a producer can get a record wrong through Kinesis. `invalid_base64` is absent: Kinesis always
 * hands Lambda canonical base64, so only a hand-built event can carry it (see {@link invalidBase64Payloads}).
 */
export function malformedRecords(table: WineTable): E2eRecord[] {
  const valid = wineRecord(table, 0, UCI_FEATURES, 'malformed');
  const features = valid.wine_features;
  const withFeatures = (changes: Record<string, unknown>) =>
    json({ ...valid, wine_features: { ...features, ...changes } });
  const padding = 'x'.repeat(DEFAULT_MAX_RECORD_BYTES);
  const cases: [RecordKind, string, Uint8Array][] = [
    [
      'too_large',
      `valid JSON over the ${DEFAULT_MAX_RECORD_BYTES}-byte cap`,
      json({ ...valid, note: padding }),
    ],
    ['too_large', 'over the cap and not JSON either', Buffer.from(`{${padding}`)],
    ['invalid_utf8', 'bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['invalid_utf8', 'a lone continuation byte', Buffer.from([0x5b, 0x80, 0x5d])],
    ['invalid_json', 'text that is not JSON', Buffer.from('alcohol=8.8, sulphates=0.45')],
    ['invalid_json', 'truncated JSON', Buffer.from('{"wine_features": {"alcohol": 8.8')],
    ['invalid_json', 'an empty record', Buffer.from(' ')],
    ['not_object', 'a JSON array', json([8.8, 0.27, 0.45])],
    ['not_object', 'a JSON number', json(42)],
    ['not_object', 'JSON null', json(null)],
    ['not_object', 'wine_features as an array', json({ wine_features: [8.8, 0.27, 0.45] })],
    ['missing_feature', 'no wine_features', json({ customer_id: 7 })],
    ['missing_feature', 'no alcohol', withFeatures({ alcohol: undefined })],
    ['invalid_value', 'alcohol as a string', withFeatures({ alcohol: 'high' })],
    ['invalid_value', 'negative sulphates', withFeatures({ sulphates: -0.5 })],
    ['invalid_value', 'volatile acidity null', withFeatures({ 'volatile acidity': null })],
    ['invalid_value', 'alcohol beyond float32', withFeatures({ alcohol: 1e39 })],
    ['invalid_value', 'customer_id 1.5', json({ ...valid, customer_id: 1.5 })],
  ];
  return cases.map(([kind, tag, data], i) => ({
    data,
    partitionKey: `malformed-${i}`,
    kind,
    expected: { outcome: 'rejection', reason: kind },
    tag,
  }));
}

/** `data` strings of a Lambda event record that are not canonical base64 (each must be quarantined as such). */
export function invalidBase64Payloads(): { tag: string; data: string }[] {
  return [
    { tag: 'characters outside the alphabet', data: 'not base64!' },
    { tag: 'length not a multiple of 4', data: 'eyJh' + 'Yg' },
    { tag: 'base64url alphabet', data: 'eyJ3aW5lX2ZlYXR1cmVzIjp7fX0-_w==' },
  ];
}

/** Spreads `extra` evenly through `base` (malformed records must not hold up the valid ones around them). */
export function interleave<T>(base: readonly T[], extra: readonly T[]): T[] {
  const out = [...base];
  extra.forEach((item, i) => out.splice(Math.round(((i + 1) * out.length) / (extra.length + 1)), 0, item));
  return out;
}
