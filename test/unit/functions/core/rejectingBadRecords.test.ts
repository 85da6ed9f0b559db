import { DEFAULT_MAX_RECORD_BYTES } from '../../../../functions/core/decode';
import { createBatchProcessor } from '../../../../functions/core/processBatch';
import type { RejectionReason } from '../../../../functions/core/types';
import {
  fakeScorer,
  inputRecord,
  sequenceNumber,
  signatureFor,
  toBase64,
  winePayload,
  type RecordOptions,
} from '../../../helpers/factories';

const signature = signatureFor('seed3');

interface BadCase {
  name: string;
  record: RecordOptions;
  reason: RejectionReason;
  /** A fragment the detail must contain: the field it names. */
  detail: string;
}

const tooLargePayload = winePayload({
  features: signature.features,
  customerId: 'x'.repeat(DEFAULT_MAX_RECORD_BYTES),
});

const badCases: BadCase[] = [
  { name: 'invalid base64', record: { data: 'not base64!' }, reason: 'invalid_base64', detail: 'base64' },
  {
    name: 'base64 with three padding characters',
    record: { data: 'Q===' },
    reason: 'invalid_base64',
    detail: 'base64',
  },
  {
    name: 'base64 with padding inside',
    record: { data: 'QQ==QQ==' },
    reason: 'invalid_base64',
    detail: 'base64',
  },
  {
    name: 'base64 of invalid UTF-8',
    record: { data: toBase64(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])) },
    reason: 'invalid_utf8',
    detail: 'UTF-8',
  },
  {
    name: 'invalid JSON',
    record: { payload: '{"wine_features": {' },
    reason: 'invalid_json',
    detail: 'not JSON',
  },
  { name: 'empty payload', record: { data: '' }, reason: 'invalid_json', detail: 'not JSON' },
  {
    name: 'a JSON array',
    record: { payload: [1, 2] },
    reason: 'not_object',
    detail: 'record must be a JSON object, got an array',
  },
  { name: 'a JSON number', record: { payload: 42 }, reason: 'not_object', detail: 'got 42' },
  { name: 'JSON null', record: { payload: 'null' }, reason: 'not_object', detail: 'got null' },
  {
    name: 'wine_features missing',
    record: { payload: { customer_id: 1 } },
    reason: 'missing_feature',
    detail: 'wine_features is missing',
  },
  {
    name: 'wine_features not an object',
    record: { payload: { wine_features: [8.8, 0.27, 0.45] } },
    reason: 'not_object',
    detail: 'wine_features must be an object',
  },
  {
    name: 'a required feature missing',
    record: { payload: { wine_features: { alcohol: 8.8, sulphates: 0.45 } } },
    reason: 'missing_feature',
    detail: 'wine_features.volatile acidity is missing',
  },
  {
    name: 'a string value',
    record: { payload: winePayload({ features: signature.features, overrides: { alcohol: '8.8' } }) },
    reason: 'invalid_value',
    detail:
      'wine_features.alcohol must be a finite, non-negative number within float32 range, got string "8.8"',
  },
  {
    name: 'a null value',
    record: { payload: winePayload({ features: signature.features, overrides: { sulphates: null } }) },
    reason: 'invalid_value',
    detail: 'wine_features.sulphates must be a finite, non-negative number within float32 range, got null',
  },
  {
    name: 'a negative value',
    record: {
      payload: winePayload({ features: signature.features, overrides: { 'volatile acidity': -0.27 } }),
    },
    reason: 'invalid_value',
    detail:
      'wine_features.volatile acidity must be a finite, non-negative number within float32 range, got -0.27',
  },
  {
    // JSON cannot carry Infinity, but 1e999 parses to it.
    name: 'a non-finite value',
    record: { payload: '{"wine_features": {"alcohol": 1e999, "volatile acidity": 0.27, "sulphates": 0.45}}' },
    reason: 'invalid_value',
    detail: 'wine_features.alcohol must be a finite, non-negative number within float32 range, got Infinity',
  },
  {
    name: 'a value beyond float32',
    record: { payload: winePayload({ features: signature.features, overrides: { alcohol: 1e39 } }) },
    reason: 'invalid_value',
    detail: 'wine_features.alcohol',
  },
  {
    name: 'a fractional customer_id',
    record: { payload: winePayload({ features: signature.features, customerId: 1.5 }) },
    reason: 'invalid_value',
    detail: 'customer_id must be a string or an integer, got 1.5',
  },
  {
    name: 'a record over the size cap',
    record: { payload: tooLargePayload },
    reason: 'too_large',
    detail: `${DEFAULT_MAX_RECORD_BYTES}-byte cap`,
  },
];

describe('rejecting bad records', () => {
  it.each(badCases)(
    'rejects $name as $reason while the valid records around it are predicted',
    async (bad) => {
      // Prepare
      const scorer = fakeScorer(signature.classes);
      const process = createBatchProcessor(signature, scorer);
      const valid = (n: number) =>
        inputRecord({
          sequenceNumber: sequenceNumber(n),
          payload: winePayload({ features: signature.features }),
        });
      const records = [valid(1), inputRecord({ sequenceNumber: sequenceNumber(2), ...bad.record }), valid(3)];

      // Act
      const result = await process(records);

      // Assess
      expect(result.rejections).toHaveLength(1);
      expect(result.rejections[0]).toMatchObject({
        index: 1,
        reason: bad.reason,
        source: records[1]!.source,
        data_base64: records[1]!.data,
      });
      expect(result.rejections[0]!.detail).toContain(bad.detail);
      expect(result.predictions.map((p) => p.source.sequence_number)).toEqual([
        sequenceNumber(1),
        sequenceNumber(3),
      ]);
    },
  );

  it('names every invalid field of a record in one detail, with the first one as the reason', async () => {
    // Prepare
    const process = createBatchProcessor(signature, fakeScorer(signature.classes));
    const record = inputRecord({ payload: { wine_features: { alcohol: 'strong', sulphates: -1 } } });

    // Act
    const { rejections } = await process([record]);

    // Assess
    expect(rejections[0]!.reason).toBe('invalid_value');
    expect(rejections[0]!.detail).toMatch(
      /wine_features\.alcohol .*; wine_features\.volatile acidity is missing; wine_features\.sulphates /,
    );
  });

  it('accepts a record exactly at the size cap', async () => {
    // Prepare
    const base = JSON.stringify(winePayload({ features: signature.features, customerId: '' }));
    const padded = base.replace('"customer_id":""', `"customer_id":"${'x'.repeat(100 - base.length)}"`);
    const process = createBatchProcessor(signature, fakeScorer(signature.classes), { maxRecordBytes: 100 });

    // Act
    const atCap = await process([inputRecord({ payload: padded })]);
    const overCap = await process([inputRecord({ payload: padded.replace('"x', '"xx') })]);

    // Assess
    expect(Buffer.byteLength(padded)).toBe(100);
    expect(atCap.predictions).toHaveLength(1);
    expect(overCap.rejections.map((r) => r.reason)).toEqual(['too_large']);
  });

  it('accepts JSON preceded by a UTF-8 byte-order mark', async () => {
    // Prepare
    const json = Buffer.from(JSON.stringify(winePayload({ features: signature.features })));
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
    const process = createBatchProcessor(signature, fakeScorer(signature.classes));

    // Act
    const { predictions, rejections } = await process([inputRecord({ data: withBom.toString('base64') })]);

    // Assess
    expect(rejections).toEqual([]);
    expect(predictions).toHaveLength(1);
  });

  it('returns nothing and scores nothing for an empty batch', async () => {
    // Prepare
    const scorer = fakeScorer(signature.classes);
    const process = createBatchProcessor(signature, scorer);

    // Act
    const result = await process([]);

    // Assess
    expect(result).toEqual({ predictions: [], rejections: [], ignoredFeatureKeys: 0, inferenceMs: 0 });
    expect(scorer.calls).toHaveLength(0);
  });

  it('does not call the scorer when every record of a batch is rejected', async () => {
    // Prepare
    const scorer = fakeScorer(signature.classes);
    const process = createBatchProcessor(signature, scorer);

    // Act
    const result = await process([inputRecord({ data: '%%%%' }), inputRecord({ payload: '[]' })]);

    // Assess
    expect(result.rejections.map((r) => r.reason)).toEqual(['invalid_base64', 'not_object']);
    expect(scorer.calls).toHaveLength(0);
  });
});
