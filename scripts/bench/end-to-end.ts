/**
 * `npm run bench:e2e [-- --records 10000 --shards 16 --reps 1 --batch-size 500 --window-ms 1000]`
 *
 * The local pipeline under load, against the original service's design on the same emulators in the same run:
 *   ours       the real handler (`createDefaultHandler`): decode → validate → one `session.run` per batch → PutRecords
 *   reference  record at a time (`reference-handler.ts`): decode, score one row, one awaited PutRecord per prediction
 * both behind the same Lambda-like poller, mapping and shard counts, on the same records (white-wine test-split rows
 * cycled to `--records`, the served model's features). Two phases per design and repetition, each on fresh streams:
 *   drain  the records are already in the input stream; the clock starts when the consumer starts and stops at the
 *          last prediction's arrival on the output stream: records/s is what the consumer can sustain;
 *   live   the records are put as fast as PutRecords takes them while the consumer runs: records/s from the first put
 *          to the last prediction, and put → prediction latency p50/p95/p99 per record.
 * A warm-up drain of 1,000 records per design comes first (not reported). Every run is accounted with the end-to-end
 * ledger (all records predicted once, nothing missing) before its figures count; CPU time of kinesis-local and of this
 * process is measured per drain, since on one machine the emulator's CPU is what bounds both designs. Prints medians
 * over repetitions, and medians of the per-repetition ratios ours/reference (target ≥ 10× in drain throughput).
 * Exit code 1 when a run does not account for every record; missing the target is reported, not an error.
 */
import '../node20-sdk-warning';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startModelLoading } from '../../functions/adapters/modelLoader';
import type { FunctionConfig } from '../../functions/config';
import { DEFAULT_RUN_ID, loadSignature, runDir } from '../../model';
import { emulatorKinesisClient } from '../emulators/clients';
import { median, type LatencySummary } from '../stats';
import { createContext, MAPPING_DEFAULTS } from '../poller';
import { loadWhiteWine } from '../records/wine';
import { E2E_MAPPING, E2eEmulators, Scenario, type MappingOverrides } from '../e2e/pipeline';
import { testSplitRows, validRecords, type E2eRecord } from '../records/catalogue';
import { createRecordAtATimeHandler } from '../e2e/reference-handler';

const TARGET_RATIO = 10;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    // kinesis-local's cost per record written grows with the records already in the shard (docs/benchmarks.md): 16
    // shards keep the default run at 625 records per shard, so the emulator's artifact stays small for both designs.
    shards: { type: 'string', default: '16' },
    reps: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '500' },
    'window-ms': { type: 'string', default: '1000' },
  },
});

function integer(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return n;
}

type Design = 'ours' | 'reference';
type Phase = 'drain' | 'live';

interface RunResult {
  /** CPU time from consumer start until everything was checkpointed: kinesis-local's process, and this one's. */
  readonly cpuMs: { readonly emulator: number | undefined; readonly pipeline: number };
  readonly perSecond: number;
  readonly seconds: number;
  readonly latency: LatencySummary | undefined;
  readonly invocations: number;
  readonly redelivered: number;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<number> {
  const count = integer('records', args.records, 1, 100_000);
  const shards = integer('shards', args.shards, 1, 50);
  const reps = integer('reps', args.reps, 1, 20);
  const mapping: MappingOverrides = {
    batchSize: integer('batch-size', args['batch-size'], 1, 10_000),
    maximumBatchingWindowMs: integer('window-ms', args['window-ms'], 0, 300_000),
    // Lambda polls an idle shard about once a second; the tests' 50 ms would load the emulator both designs share.
    pollIntervalMs: MAPPING_DEFAULTS.pollIntervalMs,
  };
  const signature = loadSignature(runDir(DEFAULT_RUN_ID));
  const records = validRecords(loadWhiteWine(), testSplitRows(DEFAULT_RUN_ID), count, signature.features);
  const settings = { ...E2E_MAPPING, ...mapping };

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load()}`,
  );
  console.log(
    `${fmt(count)} records (test-split rows, ${signature.features.length}-feature payload, run ${DEFAULT_RUN_ID}), ` +
      `input and output streams of ${shards} shards each, fresh per run; ${reps} repetition(s), medians`,
  );
  console.log(
    `poller: batch ${settings.batchSize}, window ${settings.maximumBatchingWindowMs} ms (none while draining), ` +
      `idle shard polled every ${settings.pollIntervalMs} ms, one consumer per shard, ` +
      `kinesis-local and s3rver on loopback; everything shares this machine's CPUs\n`,
  );

  const emulators = await E2eEmulators.start({ publish: [DEFAULT_RUN_ID] });
  const referenceClient = emulatorKinesisClient(emulators.kinesisEndpoint);
  // `undefined`: the scenario's own production wiring (createDefaultHandler with the emulators' clients).
  const designs: Record<Design, ((config: FunctionConfig) => Scenario['handler']) | undefined> = {
    ours: undefined,
    reference: (config) =>
      createRecordAtATimeHandler({
        loadModel: startModelLoading(config, emulators.s3),
        client: referenceClient,
        streamName: config.output.kind === 'write' ? config.output.predictionsStreamName : '',
      }),
  };
  const results: Record<Phase, Record<Design, RunResult[]>> = {
    drain: { ours: [], reference: [] },
    live: { ours: [], reference: [] },
  };
  let failed = false;
  try {
    // Warm-up, not reported: kinesis-local (JavaScript too) is slower until its own code is optimised, and whichever
    // design ran first would pay for it.
    const warmUp = records.slice(0, Math.min(records.length, 1_000));
    for (const design of ['ours', 'reference'] as const) {
      const result = await run({
        emulators,
        design,
        phase: 'drain',
        rep: 0,
        records: warmUp,
        shards,
        mapping,
        designs,
      });
      if (!result) failed = true;
    }
    for (let rep = 1; rep <= reps; rep++) {
      for (const phase of ['drain', 'live'] as const) {
        for (const design of ['ours', 'reference'] as const) {
          const result = await run({ emulators, design, phase, rep, records, shards, mapping, designs });
          if (result) results[phase][design].push(result);
          else failed = true;
        }
      }
    }
  } finally {
    referenceClient.destroy();
    await emulators.stop();
  }
  if (failed) return 1;
  report(results, count);
  console.log(`load average after: ${load()}`);
  return 0;
}

interface RunContext {
  readonly emulators: E2eEmulators;
  readonly design: Design;
  readonly phase: Phase;
  readonly rep: number;
  readonly records: readonly E2eRecord[];
  readonly shards: number;
  readonly mapping: MappingOverrides;
  readonly designs: Record<Design, ((config: FunctionConfig) => Scenario['handler']) | undefined>;
}

/** One design, one phase, fresh streams; undefined (after printing its ledger) when a record is not accounted for. */
async function run(context: RunContext): Promise<RunResult | undefined> {
  const { emulators, design, phase, rep, records } = context;
  const scenario = await Scenario.create(emulators, {
    name: `${phase}-${design}-${rep}`,
    inputShards: context.shards,
    outputShards: context.shards,
    // A backlog fills every batch at once; without a window the shard's last, partial batch is not held back either.
    mapping: phase === 'drain' ? { ...context.mapping, maximumBatchingWindowMs: 0 } : context.mapping,
    ...(context.designs[design] ? { createHandler: context.designs[design] } : {}),
  });
  try {
    // Load the model first: a cold start is not what either phase measures.
    await scenario.handler(
      { Records: [] },
      createContext({ functionName: 'bench', functionArn: 'local', timeoutMs: 60_000 }),
    );
    let cpu: CpuSnapshot;
    if (phase === 'drain') {
      await scenario.send(records);
      cpu = cpuSnapshot(emulators.kinesisPid);
      scenario.restamp(Date.now());
      await scenario.startPoller();
    } else {
      cpu = cpuSnapshot(emulators.kinesisPid);
      await scenario.startPoller();
      await scenario.send(records);
    }
    while (!scenario.caughtUp()) await new Promise((resolve) => setTimeout(resolve, 20));
    const cpuMs = cpuSince(cpu, emulators.kinesisPid);
    const accounting = await scenario.settle({ timeoutMs: 600_000, readAfterCaughtUp: true });
    const throughput = accounting.report.throughput;
    const label = rep === 0 ? `${phase} ${design}` : `${phase} ${design} #${rep}`;
    if (!accounting.balanced || accounting.total.predicted !== records.length || !throughput) {
      console.log(scenario.table(label, accounting));
      return undefined;
    }
    console.log(
      `  ${(rep === 0 ? `${label} (warm-up)` : label).padEnd(30)} ${fmt(records.length)} predicted, 0 missing, ${accounting.total.redelivered} ` +
        `redelivered, ${scenario.batches.length} invocations, ${throughput.seconds.toFixed(2)} s`,
    );
    return {
      cpuMs,
      perSecond: throughput.perSecond,
      seconds: throughput.seconds,
      latency: accounting.report.latency,
      invocations: scenario.batches.length,
      redelivered: accounting.total.redelivered,
    };
  } finally {
    await scenario.dispose();
  }
}

interface CpuSnapshot {
  readonly emulator: number | undefined;
  readonly pipeline: NodeJS.CpuUsage;
}

/** User + system CPU of a process from /proc (Linux; undefined elsewhere), in milliseconds. */
function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

// USER_HZ: 100 on every mainstream Linux build (`getconf CLK_TCK`).
const CLOCK_TICKS_PER_SECOND = 100;

function cpuSnapshot(emulatorPid: number): CpuSnapshot {
  return { emulator: processCpuMs(emulatorPid), pipeline: process.cpuUsage() };
}

function cpuSince(start: CpuSnapshot, emulatorPid: number): RunResult['cpuMs'] {
  const used = process.cpuUsage(start.pipeline);
  const emulatorNow = processCpuMs(emulatorPid);
  return {
    emulator:
      start.emulator === undefined || emulatorNow === undefined ? undefined : emulatorNow - start.emulator,
    pipeline: (used.user + used.system) / 1000,
  };
}

/** Per-repetition ratios ours/reference (each compares two runs that saw the same machine load). */
function ratios(runs: Record<Design, RunResult[]>, value: (r: RunResult) => number): number[] {
  return runs.ours.map((ours, i) => {
    const reference = runs.reference[i];
    return reference ? value(ours) / value(reference) : NaN;
  });
}

/** ` (7.5–10.2 over 3 repetitions)` when there is more than one. */
function spread(values: readonly number[]): string {
  if (values.length < 2) return '';
  return ` (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} over ${values.length} repetitions)`;
}

function report(results: Record<Phase, Record<Design, RunResult[]>>, count: number): void {
  const pick = (list: readonly RunResult[], f: (r: RunResult) => number) => median(list.map(f));
  const labels: Record<Design, string> = {
    ours: 'ours: batch → one session.run → PutRecords',
    reference: 'reference: per record score + PutRecord',
  };
  const { drain, live } = results;
  const emulatorCpu = (design: Design) =>
    drain[design].every((r) => r.cpuMs.emulator !== undefined)
      ? pick(drain[design], (r) => r.cpuMs.emulator ?? NaN)
      : undefined;
  const perThousand = (ms: number | undefined) =>
    (ms === undefined ? 'n/a' : fmt((ms / count) * 1000)).padStart(13);

  console.log(
    `\ndrain: ${fmt(count)} records already in the stream; clock from consumer start to last prediction`,
  );
  console.log(`${''.padEnd(48)}records/s     time   CPU ms per 1,000 records`);
  console.log(`${''.padEnd(69)}kinesis-local   pipeline`);
  for (const design of ['ours', 'reference'] as const) {
    const list = drain[design];
    console.log(
      `  ${labels[design].padEnd(46)}${fmt(pick(list, (r) => r.perSecond)).padStart(9)}` +
        `${pick(list, (r) => r.seconds)
          .toFixed(2)
          .padStart(8)} s` +
        `${perThousand(emulatorCpu(design))}${perThousand(pick(list, (r) => r.cpuMs.pipeline))}`,
    );
  }
  const drainRatios = ratios(drain, (r) => r.perSecond);
  const drainRatio = median(drainRatios);
  const ours = emulatorCpu('ours');
  const reference = emulatorCpu('reference');
  console.log(
    `  ratio ours/reference: ${drainRatio.toFixed(1)}× records/s${spread(drainRatios)} (target ≥ ${TARGET_RATIO}×: ` +
      `${drainRatio >= TARGET_RATIO ? 'met' : 'MISSED'})` +
      (ours !== undefined && reference !== undefined
        ? `; CPU per record ${(reference / ours).toFixed(1)}× lower in kinesis-local, ` +
          `${(pick(drain.reference, (r) => r.cpuMs.pipeline) / pick(drain.ours, (r) => r.cpuMs.pipeline)).toFixed(1)}× ` +
          `lower in the pipeline process`
        : ''),
  );

  console.log(
    `\nlive: ${fmt(count)} records put as fast as PutRecords takes them while the consumer runs (first put → last prediction)`,
  );
  console.log(`${''.padEnd(48)}records/s   put→prediction p50       p95       p99`);
  for (const design of ['ours', 'reference'] as const) {
    const list = live[design];
    const ms = (f: (l: LatencySummary) => number) =>
      `${fmt(pick(list, (r) => (r.latency ? f(r.latency) : NaN)))} ms`.padStart(10);
    console.log(
      `  ${labels[design].padEnd(46)}${fmt(pick(list, (r) => r.perSecond)).padStart(9)}` +
        `${''.padStart(15)}${ms((l) => l.p50Ms)}${ms((l) => l.p95Ms)}${ms((l) => l.p99Ms)}`,
    );
  }
  const liveRatios = ratios(live, (r) => r.perSecond);
  const p50Ratios = ratios(live, (r) => 1 / (r.latency?.p50Ms ?? NaN));
  console.log(
    `  ratio ours/reference: ${median(liveRatios).toFixed(1)}× records/s${spread(liveRatios)} (bounded by how ` +
      `fast the producer can put), p50 latency ${median(p50Ratios).toFixed(1)}× lower${spread(p50Ratios)}`,
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`npm run bench:e2e: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
