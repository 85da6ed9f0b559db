/**
 * Batch files are refused row by row with the stream function's reasons and details: the same bad payloads go through
 * the stream function's batch processor (as Kinesis records) and through `scoreFile` (as JSON Lines, and as CSV rows
 * holding the same values), and must be refused alike.
 */
import { createBatchProcessor } from '../../../../functions/core/processBatch';
import { DEFAULT_MAX_RECORD_BYTES } from '../../../../functions/core/decode';
import type { RejectLine } from '../../../../functions/batch/outputs';
import {
  fakeScorer,
  inputRecord,
  sequenceNumber,
  signatureFor,
  winePayload,
} from '../../../helpers/factories';
import { scoreText } from '../../../helpers/batchFiles';

const signature = signatureFor('seed3');
const features = signature.features;

/** Bad payloads as JSON text (one line each), covering every reason a file line can have. */
const badPayloads: readonly string[] = [
  '{"wine_features": {',
  '[1, 2]',
  '"just a string"',
  'null',
  '{"customer_id": 1}',
  '{"wine_features": [1, 2, 3]}',
  JSON.stringify(winePayload({ features, overrides: { alcohol: 'abc' } })),
  JSON.stringify(winePayload({ features, overrides: { alcohol: -1 } })),
  JSON.stringify(winePayload({ features, overrides: { sulphates: null } })),
  JSON.stringify(winePayload({ features, overrides: { 'volatile acidity': 1e39 } })),
  JSON.stringify({ wine_features: { alcohol: 9.4 } }),
  JSON.stringify(winePayload({ features, customerId: 1.5 })),
  JSON.stringify(winePayload({ features, customerId: 'x'.repeat(DEFAULT_MAX_RECORD_BYTES) })),
];

async function streamRefusals(payloads: readonly (string | Uint8Array)[]) {
  const process = createBatchProcessor(signature, fakeScorer(signature.classes));
  const records = payloads.map((payload, n) =>
    inputRecord({ data: Buffer.from(payload).toString('base64'), sequenceNumber: sequenceNumber(n) }),
  );
  const { rejections } = await process(records);
  return rejections.map(({ reason, detail }) => ({ reason, detail }));
}

async function fileRefusals(text: string | Uint8Array) {
  const { rejects } = await scoreText(text, {
    model: signature,
    scorer: fakeScorer(signature.classes),
    format: 'jsonl',
  });
  return rejects.map((line) => {
    const { reason, detail } = JSON.parse(line) as RejectLine;
    return { reason, detail };
  });
}

describe('rejection parity with the stream function', () => {
  it('refuses JSON Lines rows with the same reason and detail as the same bytes in Kinesis records', async () => {
    // Prepare
    const inStream = await streamRefusals(badPayloads);

    // Act
    const inFile = await fileRefusals(`${badPayloads.join('\n')}\n`);

    // Assess
    expect(inStream).toHaveLength(badPayloads.length);
    expect(new Set(inStream.map((r) => r.reason))).toEqual(
      new Set(['invalid_json', 'not_object', 'missing_feature', 'invalid_value', 'too_large']),
    );
    expect(inFile).toEqual(
      inStream.map((refusal) =>
        // A Kinesis record is measured in base64 characters first; a line has no base64, so its cap is stated in
        // bytes — the stream function's own wording for a payload that passes the base64 check but not the cap.
        refusal.reason === 'too_large'
          ? {
              reason: 'too_large',
              detail: expect.stringMatching(
                /^payload is \d+ bytes, more than the 16384-byte cap$/,
              ) as unknown,
            }
          : refusal,
      ),
    );
  });

  it('refuses a line of invalid UTF-8 as the stream function refuses those bytes', async () => {
    // Prepare
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);

    // Act
    const inStream = await streamRefusals([bytes]);
    const inFile = await fileRefusals(Buffer.concat([bytes, Buffer.from('\n')]));

    // Assess
    expect(inFile).toEqual(inStream);
    expect(inFile).toEqual([{ reason: 'invalid_utf8', detail: 'record data is not valid UTF-8' }]);
  });

  it.each([
    ['a text value', 'abc', { alcohol: 'abc' }],
    ['a negative value', '-1', { alcohol: -1 }],
    ['hex, which JSON has no number for', '0x10', { alcohol: '0x10' }],
    ['a value beyond float32', '1e39', { alcohol: 1e39 }],
    ['an empty cell', '', { alcohol: undefined }],
  ])('refuses a CSV cell with %s like the same value in a JSON payload', async (_name, cell, overrides) => {
    // Prepare
    const payload = winePayload({ features, customerId: null, overrides });
    const csv = `alcohol;volatile acidity;sulphates\n${cell};0.27;0.45\n`;

    // Act
    const [inStream] = await streamRefusals([JSON.stringify(payload)]);
    const { rejects } = await scoreText(csv, { model: signature, scorer: fakeScorer(signature.classes) });

    // Assess
    const fromCsv = JSON.parse(rejects[0]!) as RejectLine;
    expect({ reason: fromCsv.reason, detail: fromCsv.detail }).toEqual(inStream);
    expect(fromCsv.source).toEqual({ file: 'wines.csv', line: 2 });
    expect(fromCsv.input).toBe(`${cell};0.27;0.45`);
  });
});
