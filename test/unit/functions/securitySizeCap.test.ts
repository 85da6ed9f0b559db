/**
 * The size cap is enforced before any parsing: a record over `DEFAULT_MAX_RECORD_BYTES` is refused as `too_large`
 * whatever it holds (not base64, not JSON, valid JSON), and the handler never base64-decodes or JSON-parses it, so a
 * producer bug or an abusive record costs a length comparison. Through the real `createHandler` (dry run, fake model).
 * The end-to-end accounting sends an over-cap, not-JSON record through Kinesis too (test/e2e/accounting.test.ts).
 */
import type { ReadyModel } from '../../../functions/adapters/modelLoader';
import { createTelemetry } from '../../../functions/adapters/observability';
import { DEFAULT_MAX_RECORD_BYTES } from '../../../functions/core/decode';
import { createHandler } from '../../../functions/handler';
import { fakeScorer, kinesisEvent, signatureFor, toBase64, winePayload } from '../../helpers/factories';

const signature = signatureFor('seed3');
const CAP = DEFAULT_MAX_RECORD_BYTES;

/** The real handler with a fake scorer, writing nothing (TEST_RUN): its response lists predictions and rejections. */
function dryRunHandler() {
  const model: ReadyModel = {
    signature,
    scorer: fakeScorer(signature.classes),
    location: 'memory',
    loadMs: 0,
  };
  return createHandler({
    loadModel: () => Promise.resolve(model),
    output: { kind: 'dry-run' },
    telemetry: createTelemetry(),
  });
}

describe('record size cap', () => {
  const savedEnv = { ...process.env };

  beforeAll(() => {
    // The handler's Powertools logger and metrics stay quiet: this test reads the response, not the logs.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });

  afterAll(() => {
    process.env = savedEnv;
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('refuses over-cap records as too_large without base64-decoding or JSON-parsing them', async () => {
    // Prepare
    const handle = dryRunHandler();
    const validData = toBase64(winePayload({ features: signature.features }));
    const overCap = {
      'not base64 at all': '!'.repeat(CAP * 2),
      'base64 of text that is not JSON': toBase64(`{${'x'.repeat(CAP)}`),
      'base64 of valid JSON': toBase64(
        winePayload({ features: signature.features, customerId: 'x'.repeat(CAP) }),
      ),
    };
    const event = kinesisEvent([{ data: validData }, ...Object.values(overCap).map((data) => ({ data }))]);
    const parse = jest.spyOn(JSON, 'parse');
    const from = jest.spyOn(Buffer, 'from');

    // Act
    const response = await handle(event);

    // Assess
    expect(response.rejected?.map((r) => r.reason)).toEqual(['too_large', 'too_large', 'too_large']);
    for (const rejection of response.rejected ?? []) expect(rejection.detail).toContain(`${CAP}-byte cap`);
    expect(response.predictions).toHaveLength(1);
    const bigInputs = new Set(Object.values(overCap));
    const decodedBig = from.mock.calls.filter(([value]) => typeof value === 'string' && bigInputs.has(value));
    const parsedBig = parse.mock.calls.filter(([text]) => text.length > CAP);
    expect(decodedBig).toEqual([]);
    expect(parsedBig).toEqual([]);
    // The spies do see decoding: the valid record went through both.
    const decodedValid = from.mock.calls.filter(
      (call) => call[0] === validData && (call as unknown[])[1] === 'base64',
    );
    expect(decodedValid).toHaveLength(1);
    expect(parse).toHaveBeenCalled();
  });

  it('refuses a record one byte over the cap and accepts one exactly at it', async () => {
    // Prepare
    const handle = dryRunHandler();
    const base = JSON.stringify(winePayload({ features: signature.features, customerId: '' }));
    const atCap = base.replace('"customer_id":""', `"customer_id":"${'x'.repeat(CAP - base.length)}"`);
    const overByOne = atCap.replace('"x', '"xx');

    // Act
    const response = await handle(kinesisEvent([{ payload: atCap }, { payload: overByOne }]));

    // Assess
    expect(Buffer.byteLength(atCap)).toBe(CAP);
    expect(response.predictions).toHaveLength(1);
    expect(response.rejected?.map((r) => r.reason)).toEqual(['too_large']);
  });
});
