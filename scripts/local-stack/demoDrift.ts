/**
 * What `npm run demo -- --drift` adds to the demo: a drifted producer (alcohol raised by 1.5 %vol, as if a new
 * supplier's wines came in), the handler's drift metrics shown per batch, and a drift report at the end (the monitor's
 * own `runMonitor`, on the stack's clients).
 */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../emulators/emulators';
import { driftLine, tapEmf, type EmfTap } from '../monitor/emfTap';
import { defaultReportPath, type MonitorOptions } from '../monitor/options';
import { runMonitor, summaryLines, type MonitorClients } from '../monitor/run';

/** The shift the drifted producer applies, in the feature's unit (%vol). */
export const ALCOHOL_SHIFT = 1.5;

/** A producer record with alcohol raised by {@link ALCOHOL_SHIFT} (two decimals, like the CSV's). */
export function drifted<T extends { wine_features: Record<string, number> }>(record: T): T {
  const alcohol = record.wine_features.alcohol;
  if (alcohol === undefined) return record;
  return {
    ...record,
    wine_features: { ...record.wine_features, alcohol: Math.round((alcohol + ALCOHOL_SHIFT) * 100) / 100 },
  };
}

/**
 * Catches the in-process handler's EMF output (start the local stack with `emitMetrics: true`). `line()` returns the
 * drift line of what was caught since the last call.
 */
export function watchDriftMetrics(): { line(): string | undefined; stop(): void } {
  const tap: EmfTap = tapEmf();
  return { line: () => driftLine(tap.take()), stop: () => tap.restore() };
}

/** Where the demo's stack is, for the report. */
export interface DemoStack {
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  readonly inputStream: string;
  readonly predictionsStream: string;
  readonly bucket: string;
  readonly quarantinePrefix: string;
  readonly runId: string;
}

/** Writes the drift report of everything the demo sent since `since`; returns the lines to print. */
export async function demoReport(stack: DemoStack, clients: MonitorClients, since: Date): Promise<string[]> {
  const now = new Date();
  const options: MonitorOptions = {
    inputStream: stack.inputStream,
    predictionsStream: stack.predictionsStream,
    since,
    maxRecords: 100_000,
    runId: stack.runId,
    modelFolder: undefined,
    quarantine: { bucket: stack.bucket, prefix: stack.quarantinePrefix },
    out: defaultReportPath(now),
    failOnDrift: false,
    connection: {
      kinesisEndpoint: stack.kinesisEndpoint,
      s3Endpoint: stack.s3Endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      describe: `local stack ${stack.kinesisEndpoint}`,
    },
  };
  const { file, data } = await runMonitor(options, clients, now);
  return ['', 'Drift report (npm run monitor):', ...summaryLines(data), `Report: ${file}`];
}
