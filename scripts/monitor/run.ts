/**
 * Room `scripts/monitor/` — one job: the drift report (`npm run monitor`). Options, stream-window and quarantine
 * readers, the analysis with the function's own code, the HTML rendering, and this driver; `emfTap.ts` reads the
 * handler's drift metrics for the demo.
 *
 * One report, end to end: read both streams' window and the quarantine, load the model's reference, analyse, render,
 * write. `npm run monitor` and `npm run demo -- --drift` call this; all logic worth testing lives in the pure modules.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { compileDriftReference } from '../../functions/core/drift';
import { defaultRunId, runDir } from '../../model';
import { analyse, type DriftReportData, type QuarantineRead, type StreamRecord } from './analysis';
import { loadReportModel, ReportModelError, type ModelFolder } from './modelFiles';
import type { MonitorOptions } from './options';
import { readQuarantine } from './quarantine';
import { renderReport } from './render';
import { readStreamWindow } from './streamWindow';

/** Quarantine objects read at most (each is one GetObject). */
export const MAX_QUARANTINE_OBJECTS = 2_000;

export interface MonitorClients {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
}

export interface MonitorResult {
  readonly file: string;
  readonly data: DriftReportData;
}

/**
 * Writes the report described by `options`.
 *
 * @throws the SDK's error when a stream cannot be read; `ReportModelError` when the model folder lacks a file
 */
export async function runMonitor(
  options: MonitorOptions,
  clients: MonitorClients,
  now: Date = new Date(),
): Promise<MonitorResult> {
  const window = { since: options.since, until: now, maxRecords: options.maxRecords };
  const [inputs, predictions] = await Promise.all([
    readStreamWindow(clients.kinesis, options.inputStream, window),
    readStreamWindow(clients.kinesis, options.predictionsStream, window),
  ]);
  const runId = options.runId ?? mostNamedRun(predictions.records) ?? defaultRunId();
  const folder: ModelFolder = options.modelFolder ?? { kind: 'local', directory: runDir(runId) };
  if (!options.modelFolder && !fs.existsSync(runDir(runId))) {
    throw new ReportModelError(
      `run ${runId} is not in model/artifacts/: pass --model-location s3://<model bucket>/<experiment>/${runId}/artifacts/model`,
    );
  }
  const model = await loadReportModel(folder, clients.s3);
  const quarantine: QuarantineRead =
    'skip' in options.quarantine
      ? { status: 'skipped', why: options.quarantine.skip }
      : await readQuarantine(clients.s3, options.quarantine, {
          since: options.since,
          until: now,
          maxObjects: MAX_QUARANTINE_OBJECTS,
        });

  const data = analyse({
    reference: compileDriftReference(model.reference, model.signature),
    features: model.signature.features,
    runId: model.signature.run_id,
    featureSet: model.signature.feature_set,
    heldOutPredictions: model.heldOutPredictions,
    inputs: inputs.records,
    predictions: predictions.records,
    quarantine,
    sources: {
      inputStream: options.inputStream,
      predictionsStream: options.predictionsStream,
      endpoint: options.connection.describe,
      reference: model.referenceLocation,
      since: options.since?.toISOString(),
      until: now.toISOString(),
      maxRecords: options.maxRecords,
      inputCapped: inputs.capped,
      predictionsCapped: predictions.capped,
    },
    now,
  });
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, renderReport(data));
  return { file: options.out, data };
}

/** The `version` most prediction events of the window carry (the run being served), if any. */
function mostNamedRun(records: readonly StreamRecord[]): string | undefined {
  const counts = new Map<string, number>();
  for (const record of records) {
    try {
      const version = (JSON.parse(Buffer.from(record.data).toString('utf8')) as { version?: unknown })
        .version;
      if (typeof version === 'string') counts.set(version, (counts.get(version) ?? 0) + 1);
    } catch {
      // not a prediction event
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The summary printed after the report is written: one line per distribution. */
export function summaryLines(data: DriftReportData): string[] {
  const width = Math.max(18, ...data.features.map((f) => f.name.length));
  const row = (name: string, psi: number | undefined, level: string | undefined, records: number) =>
    `  ${name.padEnd(width)}  PSI ${psi === undefined ? '    –' : psi.toFixed(3).padStart(6)}  ${(level ?? 'no data').padEnd(8)}  ${records} records`;
  return [
    `run ${data.runId} (${data.featureSet}), ${data.inputRecords} input records (${data.validRecords} valid), ` +
      `${data.prediction.liveTotal} predictions, ${data.rejected.inputTotal} invalid`,
    ...data.features.map((f) => row(f.name, f.psi, f.level, f.liveTotal)),
    row('predicted quality', data.prediction.psi, data.prediction.level, data.prediction.liveTotal),
  ];
}
