/**
 * `npm run demo`: the whole pipeline on the embedded local stack. Starts the stack (on free ports unless
 * LOCAL_KINESIS_PORT / LOCAL_S3_PORT are set), sends the white-wine test split of the served model plus a handful of
 * malformed records with PutRecords, waits until every record is accounted for (prediction on the output stream,
 * quarantine object, or on-failure record), prints a summary and stops everything. With `--drift` the valid records
 * come from a drifted producer (alcohol +1.5 %vol): each batch line is followed by the handler's drift metrics, and a
 * drift report is written at the end. The malformed records are the end-to-end catalogue's (`scripts/records/
 * catalogue.ts`), and the verdict is the end-to-end harness's (`account` in `scripts/accounting/verdict.ts`, with the
 * demo's rules: an on-failure record is a failure here, leftovers of earlier runs in a kept LOCAL_STACK_DIR are not).
 * Exit codes: 0 every record accounted for as expected, 1 otherwise (or on a startup failure), 2 bad configuration.
 */
import '../node20-sdk-warning';
import fs from 'node:fs';
import path from 'node:path';
import { ArtifactError, loadSignature, runDir, testRowIndices } from '../../model';
import { ARTIFACT_FILES } from '../../model/src/contract';
import type { WineTable } from '../../model';
import { LocalStackConfigError, parseLocalStackConfig } from './config';
import { batchLine } from './console-output';
import { Ledger, toSentRecords, type Described } from '../accounting/ledger';
import { LedgerSources, type SourceTotals } from '../accounting/sources';
import { account, DEMO_RULES, onFailureDetail, type Accounting } from '../accounting/verdict';
import { freePort } from '../emulators/ports';
import { putRecords, type OutgoingRecord } from '../streams/producer';
import { QUARANTINE_PREFIX } from '../../functions/contract/names';
import { ON_FAILURE_PREFIX } from './config';
import { startLocalStack, type LocalStack } from './stack';
import { interleave, malformedRecords } from '../records/catalogue';
import { loadWhiteWine, wineRecord } from '../records/wine';
import { ALCOHOL_SHIFT, demoReport, drifted, watchDriftMetrics } from './demoDrift';

const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_SECONDS ?? 180) * 1000;
const DRIFT = process.argv.slice(2).includes('--drift');

/** A record the demo sends, with what should become of it. */
type DemoRecord = OutgoingRecord & Described;

/** Rows of the test split: `metrics.json` of the served run, or, without one, every fifth row (documented fallback). */
function testRows(runId: string, table: WineTable): { rows: number[]; source: string } {
  const folder = runDir(runId);
  try {
    const file = path.relative(process.cwd(), path.join(folder, ARTIFACT_FILES.metrics));
    return { rows: testRowIndices(folder), source: `the test split in ${file}` };
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    return {
      rows: Array.from({ length: table.rows }, (_, i) => i).filter((i) => i % 5 === 0),
      source: 'every fifth row (metrics.json has no test_row_indices)',
    };
  }
}

function buildRecords(runId: string): { records: DemoRecord[]; source: string; malformed: number } {
  const table = loadWhiteWine();
  const { rows, source } = testRows(runId, table);
  const valid: DemoRecord[] = rows.map((row) => ({
    data: Buffer.from(JSON.stringify(DRIFT ? drifted(wineRecord(table, row)) : wineRecord(table, row))),
    partitionKey: String(row),
    expected: { outcome: 'prediction', label: table.quality[row] ?? Number.NaN },
    tag: `test row ${row}${DRIFT ? ` (alcohol +${ALCOHOL_SHIFT})` : ''}`,
  }));
  const malformed = malformedRecords(table).map((record) => ({ ...record, tag: `malformed: ${record.tag}` }));
  // Spread the malformed records through the stream: they must not hold up the valid ones around them.
  return { records: interleave<DemoRecord>(valid, malformed), source, malformed: malformed.length };
}

function formatSummary(
  accounting: Accounting,
  context: { runId: string; source: string; malformed: number; modelAccuracy?: number },
): string {
  const { report } = accounting;
  const ms = (value: number) => `${Math.round(value)} ms`;
  const reasons = Object.entries(report.rejectedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const lines = [
    '',
    `Demo summary (run ${context.runId})`,
    `  sent            ${report.sent}  (${report.sent - context.malformed} from ${context.source}, ${context.malformed} malformed)`,
    `  predicted       ${report.predicted}`,
    `  rejected        ${report.rejected}${reasons ? `  (${reasons})` : ''}`,
    `  on-failure      ${report.failed}${onFailureDetail(report)}`,
    `  unaccounted     ${report.missing.length}`,
    `  duplicates      ${report.duplicatePredictions}  (redelivered predictions; consumers de-duplicate on source)`,
    `  mismatches      ${report.mismatches.length}`,
  ];
  if (report.accuracy) {
    const { correct, labelled, value } = report.accuracy;
    const expected = context.modelAccuracy;
    const versus =
      expected === undefined
        ? ''
        : Math.abs(expected - value) < 5e-7
          ? `; metrics.json test accuracy ${expected.toFixed(4)}: identical`
          : `; metrics.json test accuracy ${expected.toFixed(4)}: DIFFERENT`;
    lines.push(
      `  accuracy        ${value.toFixed(4)}  (${correct}/${labelled} against the true labels${versus})`,
    );
  }
  if (report.latency) {
    const { p50Ms, p95Ms, maxMs } = report.latency;
    lines.push(`  put→prediction  p50 ${ms(p50Ms)}, p95 ${ms(p95Ms)}, max ${ms(maxMs)}`);
  }
  if (report.throughput) {
    const { records, seconds, perSecond } = report.throughput;
    lines.push(
      `  throughput      ${perSecond.toFixed(0)} records/s  (${records} records, first put → last prediction ${seconds.toFixed(1)} s)`,
    );
  }
  for (const record of report.missing.slice(0, 10)) {
    lines.push(`  MISSING   ${record.tag ?? ''} ${record.shardId}/${record.sequenceNumber}`);
  }
  for (const { record, problem } of report.mismatches.slice(0, 10)) {
    lines.push(`  MISMATCH  ${record.tag ?? ''} ${record.shardId}/${record.sequenceNumber}: ${problem}`);
  }
  for (const problem of accounting.sourceProblems) lines.push(`  PROBLEM   ${problem}`);
  lines.push(
    accounting.balanced
      ? 'Every record is accounted for.'
      : 'NOT every record ended as expected (see above).',
  );
  return lines.join('\n');
}

/** Collects outcomes until every record has one (or the timeout), then returns what the sources held. */
async function accountFor(stack: LocalStack, ledger: Ledger): Promise<SourceTotals> {
  const sources = await LedgerSources.open({
    kinesis: stack.kinesis,
    s3: stack.s3,
    predictionsStream: stack.config.predictionsStream,
    bucket: stack.config.bucket,
    quarantinePrefix: QUARANTINE_PREFIX,
    onFailurePrefix: `${ON_FAILURE_PREFIX}/`,
  });
  const deadline = Date.now() + TIMEOUT_MS;
  let lastProgress = 0;
  try {
    for (;;) {
      await sources.collect(ledger);
      const pending = ledger.pending();
      if (pending === 0) break;
      if (Date.now() > deadline) {
        console.log(`Timed out after ${TIMEOUT_MS / 1000} s with ${pending} record(s) unaccounted for.`);
        break;
      }
      if (Date.now() - lastProgress > 2_000) {
        console.log(`  waiting: ${pending} record(s) not accounted for yet`);
        lastProgress = Date.now();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // One more round picks up redeliveries that landed with the last records.
    await new Promise((r) => setTimeout(r, 500));
    await sources.collect(ledger);
    return await sources.totals();
  } finally {
    sources.close();
  }
}

async function main(): Promise<number> {
  const env = { ...process.env };
  // The summary lists rejections by reason; the handler's per-record WARN lines would only repeat them.
  env.POWERTOOLS_LOG_LEVEL ||= 'ERROR';
  env.LOCAL_KINESIS_PORT ||= String(await freePort());
  env.LOCAL_S3_PORT ||= String(await freePort());
  let config;
  try {
    config = parseLocalStackConfig(env);
  } catch (error) {
    if (!(error instanceof LocalStackConfigError)) throw error;
    console.error(`npm run demo: ${error.message}`);
    return 2;
  }

  console.log('Starting the local stack…');
  const startedAt = new Date();
  const driftMetrics = DRIFT ? watchDriftMetrics() : undefined;
  const quarantined = new Set<string>();
  const stack = await startLocalStack(config, {
    emitMetrics: DRIFT,
    logger: {
      info: () => undefined,
      warn: (m: string) => console.warn(m),
      error: (m: string) => console.error(m),
    },
    onQuarantined: (shardId, sequenceNumber) => quarantined.add(`${shardId}/${sequenceNumber}`),
    observer: {
      onBatch: (report) => {
        const rejected = report.sequenceNumbers.filter((s) =>
          quarantined.delete(`${report.shardId}/${s}`),
        ).length;
        console.log(`  ${batchLine(report, rejected)}`);
        const drift = driftMetrics?.line();
        if (drift) console.log(`    ${drift}`);
      },
    },
  });
  try {
    const signature = loadSignature(runDir(stack.runId));
    console.log(`Serving run ${stack.runId} (${signature.feature_set}: ${signature.features.join(', ')}).`);
    const { records, source, malformed } = buildRecords(stack.runId);
    console.log(`Sending ${records.length} records to ${config.inputStream} with PutRecords…`);
    const results = await putRecords(stack.kinesis, config.inputStream, records);
    const ledger = new Ledger();
    ledger.expect(toSentRecords(results, records));
    const accounting = account(ledger, await accountFor(stack, ledger), DEMO_RULES);
    const metrics = JSON.parse(
      fs.readFileSync(path.join(runDir(stack.runId), ARTIFACT_FILES.metrics), 'utf8'),
    ) as {
      test?: { accuracy?: number };
    };
    console.log(
      formatSummary(accounting, {
        runId: stack.runId,
        source,
        malformed,
        // Drifted inputs are not the test split the recorded accuracy belongs to.
        ...(typeof metrics.test?.accuracy === 'number' && !DRIFT
          ? { modelAccuracy: metrics.test.accuracy }
          : {}),
      }),
    );
    if (DRIFT) {
      const where = {
        kinesisEndpoint: stack.kinesisEndpoint,
        s3Endpoint: stack.s3Endpoint,
        runId: stack.runId,
      };
      for (const line of await demoReport(
        { ...config, ...where, quarantinePrefix: QUARANTINE_PREFIX },
        { kinesis: stack.kinesis, s3: stack.s3 },
        startedAt,
      ))
        console.log(line);
    }
    return accounting.balanced ? 0 : 1;
  } finally {
    driftMetrics?.stop();
    await stack.stop();
    console.log('Stopped the local stack.');
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    console.error(`npm run demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
