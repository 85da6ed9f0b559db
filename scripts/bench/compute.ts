/**
 * Room `scripts/bench/` — one job: measure, and print ratios measured in one run (never asserted in tests). This
 * compute benchmark (`npm run bench`) and the pipeline benchmark on the emulators (`end-to-end.ts`, `npm run bench:e2e`).
 *
 * `npm run bench [-- --records 10000 --reps 9 --threads 1 --run <run id>]`
 *
 * Measures, on a batch built from the white-wine rows a committed run held out for testing (cycled to `--records`):
 *   (a) bare `session.run` on the prepared [N, F] tensor,
 *   (b) the handler core: decode → validate → one-tensor score → encode (JSON bytes), i.e. `createBatchProcessor`,
 *   (c) a record-at-a-time loop (decode, score one row, encode), the design of the reference implementations,
 *   (d) the drift step the handler adds per batch: bin the same tensor and labels into `reference.json`, update the
 *       rolling window, compute every PSI (`DriftMonitor.observe`, exactly what `handleBatch` calls),
 * interleaved (a, b, c, d per repetition, so each ratio compares runs that saw the same machine load), and prints
 * medians of wall-clock and process CPU time and of the per-repetition ratios b/a (our core's overhead over the model
 * itself), c/b (what batching buys) and d/b (what drift monitoring costs next to the core, which is itself only part
 * of the handler's time). Targets: b/a ≤ 1.3, d/b ≤ 0.05 (wall clock). c/b has none: the target for batched over
 * record-at-a-time (≥ 10×) is end to end, PutRecord round trips included (`npm run bench:e2e`). Without `--run`: both
 * committed runs.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Tensor } from 'onnxruntime-node';
import { DEFAULT_RUN_ID, heldOutRows, referenceRunId, runDir } from '../../model';
import { loadModel, type LoadedModel } from '../../functions/adapters/modelLoader';
import { compileDriftReference, createDriftMonitor } from '../../functions/core/drift';
import { decodeRecord } from '../../functions/core/decode';
import { createPredictionEncoder } from '../../functions/core/encode';
import { toFeatureBatch } from '../../functions/core/features';
import { createBatchProcessor } from '../../functions/core/processBatch';
import type { InputRecord } from '../../functions/core/types';
import { createRecordValidator, type ValidRecord } from '../../functions/core/validate';
import { median } from '../stats';

const TARGET_B_OVER_A = 1.3;
const TARGET_D_OVER_B = 0.05;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '9' },
    threads: { type: 'string', default: '1' },
    run: { type: 'string' },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

interface Timing {
  /** Wall-clock milliseconds. */
  readonly wall: number;
  /** Process CPU milliseconds (user + system, all threads): what the work costs, whatever else the machine runs. */
  readonly cpu: number;
}

async function time(run: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/** The batch: held-out rows cycled to `count`, each as the producer payload for this model's features. */
function buildRecords(model: LoadedModel, count: number): InputRecord[] {
  const rows = heldOutRows(runDir(model.signature.run_id)).features;
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length];
    if (!row) throw new Error(`run ${model.signature.run_id} has no held-out rows`);
    const features = Object.fromEntries(model.signature.features.map((f) => [f, row[f]]));
    const json = JSON.stringify({ wine_features: features, customer_id: i });
    return {
      data: Buffer.from(json).toString('base64'),
      // Coordinates only identify records in the output; any unique values do.
      source: {
        shard_id: 'shardId-000000000000',
        sequence_number: String(i + 1).padStart(56, '0'),
        partition_key: String(i),
      },
    };
  });
}

/** (c): the reference design, one record at a time; no validation, so its cost is a lower bound. */
function recordAtATime(model: LoadedModel) {
  const encode = createPredictionEncoder(model.signature);
  const features = model.signature.features;
  return async (records: readonly InputRecord[]) => {
    const out: Uint8Array[] = [];
    for (const record of records) {
      const decoded = decodeRecord(record.data);
      if (!decoded.ok) continue;
      const payload = decoded.value as { wine_features: Record<string, number>; customer_id?: number };
      const row = Float32Array.from(features, (f) => payload.wine_features[f] ?? Number.NaN);
      const scores = await model.scorer.score({ data: row, rows: 1, columns: features.length });
      const event = encode(0, scores.labels, scores.probabilities, record.source, payload.customer_id);
      out.push(Buffer.from(JSON.stringify(event), 'utf8'));
    }
    return out;
  };
}

async function benchmark(runId: string, count: number, reps: number, threads: number) {
  const model = await loadModel({ kind: 'local', directory: runDir(runId) }, { intraOpNumThreads: threads });
  const { signature, scorer } = model;
  const records = buildRecords(model, count);

  // (a) gets the prepared tensor, exactly what (b) hands to session.run.
  const validate = createRecordValidator(signature.features);
  const valid = records.map((r) => {
    const decoded = decodeRecord(r.data);
    const checked = decoded.ok ? validate(decoded.value) : decoded;
    if (!checked.ok) throw new Error(`benchmark record rejected: ${checked.detail}`);
    return checked.value;
  }) satisfies ValidRecord[];
  const batch = toFeatureBatch(valid, signature.features);
  const tensor = new Tensor('float32', batch.data, [batch.rows, batch.columns]);
  const fetches = [signature.onnx.label, signature.onnx.probabilities];
  const bare = () => scorer.session.run({ [signature.onnx.input]: tensor }, fetches);
  const process = createBatchProcessor(signature, scorer);
  const core = async () => {
    const result = await process(records);
    if (result.predictions.length !== count) throw new Error('benchmark batch lost records');
  };
  const oneAtATime = recordAtATime(model);
  const loop = () => oneAtATime(records);
  if (model.reference?.status !== 'loaded') throw new Error(`run ${runId} has no usable reference.json`);
  // The window spans several batches in production; here each call also evicts a full batch, the costlier case.
  const monitor = createDriftMonitor(compileDriftReference(model.reference.reference, signature));
  const { labels } = await scorer.score(batch);
  const drift = () => Promise.resolve(monitor.observe(batch, labels));

  for (const run of [bare, core, loop, drift]) await run(); // warm-up: JIT, allocator, onnxruntime's first run
  const runs: { a: Timing; b: Timing; c: Timing; d: Timing }[] = [];
  for (let rep = 0; rep < reps; rep++)
    runs.push({ a: await time(bare), b: await time(core), c: await time(loop), d: await time(drift) });
  await scorer.session.release();

  const m = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
  return {
    signature,
    wall: { a: m((r) => r.a.wall), b: m((r) => r.b.wall), c: m((r) => r.c.wall), d: m((r) => r.d.wall) },
    cpu: { a: m((r) => r.a.cpu), b: m((r) => r.b.cpu), c: m((r) => r.c.cpu), d: m((r) => r.d.cpu) },
    ratios: {
      ba: m((r) => r.b.wall / r.a.wall),
      cb: m((r) => r.c.wall / r.b.wall),
      ca: m((r) => r.c.wall / r.a.wall),
      db: m((r) => r.d.wall / r.b.wall),
      baCpu: m((r) => r.b.cpu / r.a.cpu),
      cbCpu: m((r) => r.c.cpu / r.b.cpu),
    },
  };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  const count = positive('records', args.records);
  const reps = positive('reps', args.reps);
  const threads = positive('threads', args.threads);
  const allRun = referenceRunId('all');
  const runIds = args.run
    ? [args.run]
    : [DEFAULT_RUN_ID, ...(allRun && allRun !== DEFAULT_RUN_ID ? [allRun] : [])];

  console.log(
    `node ${process.version}${process.env.NODE_OPTIONS ? ` (NODE_OPTIONS=${process.env.NODE_OPTIONS})` : ''}, ` +
      `${count} records per batch, intraOpNumThreads=${threads}, medians of ${reps} interleaved repetitions`,
  );
  // Wall-clock medians are only as good as the machine is quiet: show how busy it was.
  console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load()}`);
  for (const runId of runIds) {
    const { signature, wall, cpu, ratios } = await benchmark(runId, count, reps, threads);
    const line = (label: string, key: 'a' | 'b' | 'c' | 'd') =>
      `  ${label.padEnd(44)}${wall[key].toFixed(1).padStart(8)} ms wall ${cpu[key].toFixed(1).padStart(8)} ms cpu ` +
      `${Math.round((count / wall[key]) * 1000)
        .toLocaleString('en-US')
        .padStart(8)} rec/s`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`\nrun ${runId} (${signature.feature_set}, ${signature.features.length} features)`);
    console.log(line('(a) session.run on the prepared tensor', 'a'));
    console.log(line('(b) core: decode→validate→score→encode', 'b'));
    console.log(line('(c) record at a time: decode, score, encode', 'c'));
    console.log(line('(d) drift: bin, window, PSI (same tensor)', 'd'));
    console.log(
      `  b/a = ${ratios.ba.toFixed(2)} (target ≤ ${TARGET_B_OVER_A}: ${verdict(ratios.ba <= TARGET_B_OVER_A)}; ` +
        `cpu ${ratios.baCpu.toFixed(2)})   c/b = ${ratios.cb.toFixed(1)} (compute only; the ≥ 10× target is ` +
        `end to end: npm run bench:e2e; cpu ${ratios.cbCpu.toFixed(1)})`,
    );
    // b ≥ a always, so c/a bounds what batching can buy with this model, whatever the core costs.
    console.log(
      `  c/a = ${ratios.ca.toFixed(1)} (upper bound of c/b for this model)   load average ${load()}`,
    );
    console.log(
      `  d/b = ${(ratios.db * 100).toFixed(2)} % (drift step next to the core; target ≤ ${TARGET_D_OVER_B * 100} %: ` +
        `${verdict(ratios.db <= TARGET_D_OVER_B)})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
