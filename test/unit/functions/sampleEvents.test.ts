import { RejectionReason } from '../../../functions/core/types';
import fs from 'node:fs';
import path from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { DEFAULT_RUN_ID, runDir } from '../../../model/src/artifacts';
import { loadModel, type LoadedModel } from '../../../functions/adapters/modelLoader';
import { createTelemetry } from '../../../functions/adapters/observability';
import { createHandler } from '../../../functions/handler';
import { REPO_ROOT } from '../../helpers/paths';

jest.setTimeout(30_000);

const EVENTS = path.join(REPO_ROOT, 'docker', 'events');
const readEvent = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(EVENTS, name), 'utf8')) as KinesisStreamEvent;

let model: LoadedModel;
beforeAll(async () => {
  model = await loadModel({ kind: 'local', directory: runDir(DEFAULT_RUN_ID) }, { intraOpNumThreads: 1 });
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await model.scorer.session.release();
});

const handle = () =>
  createHandler({
    loadModel: () => Promise.resolve(model),
    output: { kind: 'dry-run' },
    telemetry: createTelemetry(), // output silenced above
  });

describe('sample events in docker/events', () => {
  it('kinesis-valid.json is predicted in full by the default model', async () => {
    // Prepare
    const event = readEvent('kinesis-valid.json');

    // Act
    const response = await handle()(event);

    // Assess
    expect(response.rejected).toEqual([]);
    expect(response.predictions?.map((p) => p.source.sequence_number)).toEqual(
      event.Records.map((r) => r.kinesis.sequenceNumber),
    );
    expect(response.predictions?.[0]?.prediction.customer_id).toBe(123);
  });

  it('kinesis-mixed.json holds every rejection reason next to records that are predicted', async () => {
    // Prepare
    const event = readEvent('kinesis-mixed.json');

    // Act
    const response = await handle()(event);

    // Assess
    expect(response.predictions).toHaveLength(3);
    expect(new Set(response.rejected?.map((r) => r.reason))).toEqual(new Set(Object.values(RejectionReason)));
    expect((response.predictions?.length ?? 0) + (response.rejected?.length ?? 0)).toBe(event.Records.length);
  });
});
