/**
 * `npm run bench` (second part), or alone: `tsx scripts/bench/batch.ts [-- --rows 1000000 --small 100000
 * --batch-size 1000 --run <run id>]`
 *
 * Measures batch inference against its targets, in one run:
 *   - throughput: `npm run predict` (its own CLI, in a child process) on a generated CSV of `--rows` rows, against
 *     bare `session.run` of the same model on the same rows in the same batches (measured before and after the child,
 *     averaged, so both see the machine's load). Target: predict ≥ 0.8 × bare, rows/s. The child's rate is its
 *     scoring wall time (first byte read → last byte written); its whole process time, start-up and model load
 *     included, is printed beside it.
 *     The same file is also scored with `--scoring-thread off` (the session on the main thread, nothing overlapped)
 *     and its ratio printed beside the default's, so what the scoring thread buys is measured in the same run.
 *   - memory: the child's peak RSS (`process.resourceUsage().maxRSS`, reported in its `--json` summary) at `--small`
 *     and at `--rows` rows. Target: the larger within 100 MB of the smaller.
 * The CSV is the UCI red and white rows (UCI format: `;`, quoted header, `quality` label) cycled to the size; it is
 * written to a temp folder that is removed at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Tensor } from 'onnxruntime-node';
import { loadModel } from '../../functions/adapters/modelLoader';
import { DEFAULT_BATCH_ROWS } from '../../functions/contract/batch';
import {
  DEFAULT_RUN_ID,
  parseWineCsv,
  REPO_ROOT,
  runDir,
  UCI_FEATURES,
  UCI_TARGET,
  type WineTable,
} from '../../model';
import type { PredictReport } from '../batch/report';

const TARGET_THROUGHPUT_RATIO = 0.8;
const TARGET_RSS_GROWTH_BYTES = 100 * 1024 * 1024;
const MIB = 2 ** 20;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: String(DEFAULT_BATCH_ROWS) },
    run: { type: 'string', default: DEFAULT_RUN_ID },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

/** The UCI red and white rows, in file order (red first). */
function uciRows(): { table: WineTable; index: number }[] {
  const tables = ['model/data/winequality-red.csv', 'model/data/winequality-white.csv'].map((file) =>
    parseWineCsv(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file),
  );
  return tables.flatMap((table) => Array.from({ length: table.rows }, (_, index) => ({ table, index })));
}

type UciRow = ReturnType<typeof uciRows>[number];

/** Row `i` of the cycle. */
function rowAt(rows: readonly UciRow[], i: number): UciRow {
  const row = rows[i % rows.length];
  if (row === undefined) throw new Error('the UCI files have no rows');
  return row;
}

/** Writes the UCI rows cycled to `count` data rows as a UCI CSV, streaming. */
async function writeCsv(file: string, count: number, rows: ReturnType<typeof uciRows>): Promise<void> {
  const out = fs.createWriteStream(file);
  const columns = [...UCI_FEATURES, UCI_TARGET];
  out.write(`${columns.map((c) => `"${c}"`).join(';')}\n`);
  let text = '';
  for (let i = 0; i < count; i++) {
    const { table, index } = rowAt(rows, i);
    const cells = UCI_FEATURES.map((f) => String(table.columns[f][index]));
    text += `${cells.join(';')};${table.quality[index]}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'close');
}

/** Bare `session.run` over the same rows in the same batches: rows/s. */
async function bareRowsPerSecond(
  runId: string,
  count: number,
  batchSize: number,
  rows: ReturnType<typeof uciRows>,
) {
  const model = await loadModel({ kind: 'local', directory: runDir(runId) }, { intraOpNumThreads: 1 });
  const { signature } = model;
  const features = signature.features as readonly (typeof UCI_FEATURES)[number][];
  const fetches = [signature.onnx.label, signature.onnx.probabilities];
  const tensors: Tensor[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const data = new Float32Array(n * features.length);
    for (let r = 0; r < n; r++) {
      const { table, index } = rowAt(rows, start + r);
      features.forEach((f, j) => (data[r * features.length + j] = table.columns[f][index] ?? Number.NaN));
    }
    tensors.push(new Tensor('float32', data, [n, features.length]));
  }
  const [first] = tensors;
  if (first) await model.scorer.session.run({ [signature.onnx.input]: first }, fetches); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const tensor of tensors) await model.scorer.session.run({ [signature.onnx.input]: tensor }, fetches);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await model.scorer.session.release();
  return { wall: (count / ms) * 1000, cpu: (count / ((used.user + used.system) / 1000)) * 1000 };
}

/** Runs `npm run predict`'s entry point in a child process; returns its JSON summary and its whole wall time. */
async function predict(
  input: string,
  output: string,
  runId: string,
  batchSize: number,
  extra: string[] = [],
) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'scripts/batch/predict.ts'),
      '--input',
      input,
      '--output',
      output,
      '--run-id',
      runId,
      '--batch-size',
      String(batchSize),
      '--json',
      '--no-progress',
      ...extra,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`predict exited with ${String(code)}: ${stdout}`);
  const report = JSON.parse(stdout) as PredictReport;
  return { report, processMs: performance.now() - started };
}

async function main() {
  const count = positive('rows', args.rows);
  const small = positive('small', args.small);
  const batchSize = positive('batch-size', args['batch-size']);
  const runId = args.run;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wine-batch-bench-'));
  try {
    const rows = uciRows();
    const big = path.join(dir, `rows-${count}.csv`);
    const little = path.join(dir, `rows-${small}.csv`);
    await writeCsv(big, count, rows);
    await writeCsv(little, small, rows);
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    console.log(
      `\nbatch inference: run ${runId}, generated UCI CSVs of ${count.toLocaleString('en-US')} and ` +
        `${small.toLocaleString('en-US')} rows (${(fs.statSync(big).size / MIB).toFixed(1)} MiB), batches of ` +
        `${batchSize}, intraOpNumThreads=1; ${os.cpus().length} CPUs, load average ${load()}`,
    );

    const bareBefore = await bareRowsPerSecond(runId, count, batchSize, rows);
    const large = await predict(big, path.join(dir, 'large.jsonl'), runId, batchSize);
    const inline = await predict(big, path.join(dir, 'inline.jsonl'), runId, batchSize, [
      '--scoring-thread',
      'off',
    ]);
    const bareAfter = await bareRowsPerSecond(runId, count, batchSize, rows);
    const smallRun = await predict(little, path.join(dir, 'small.jsonl'), runId, batchSize);
    const bare = (bareBefore.wall + bareAfter.wall) / 2;
    const bareCpu = (bareBefore.cpu + bareAfter.cpu) / 2;
    const ratio = large.report.rows_per_second / bare;
    const cpuRatio = ((count / large.report.cpu_ms) * 1000) / bareCpu;
    // Inside the child: the share of its scoring wall time that the scorer was busy (1 = reading and writing never
    // held scoring up).
    const inside = large.report.inference_ms / large.report.wall_ms;
    const withStartup = ((count / large.processMs) * 1000) / bare;
    const growth = large.report.max_rss_bytes - smallRun.report.max_rss_bytes;
    const mode = (report: PredictReport) => (report.scoring_thread ? 'scoring thread' : 'scored inline');
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const rate = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
    console.log(
      `  bare session.run, same rows and batches  ${rate(bare)} rows/s (before ${rate(bareBefore.wall).trim()}, ` +
        `after ${rate(bareAfter.wall).trim()}; per CPU second ${rate(bareCpu).trim()})`,
    );
    console.log(
      `  npm run predict, ${count.toLocaleString('en-US')} rows          ${rate(large.report.rows_per_second)} rows/s ` +
        `(${mode(large.report)}, the default here; session.run ${(large.report.inference_ms / 1000).toFixed(1)} s of ${(large.report.wall_ms / 1000).toFixed(1)} s; ` +
        `process ${(large.processMs / 1000).toFixed(1)} s with start-up and model load)`,
    );
    console.log(
      `  the same with --scoring-thread off        ${rate(inline.report.rows_per_second)} rows/s ` +
        `(${mode(inline.report)}; predict / bare = ${(inline.report.rows_per_second / bare).toFixed(2)}; ` +
        `default / off = ${(large.report.rows_per_second / inline.report.rows_per_second).toFixed(2)})`,
    );
    console.log(
      `  predict / bare = ${ratio.toFixed(2)} (target ≥ ${TARGET_THROUGHPUT_RATIO}: ${verdict(ratio >= TARGET_THROUGHPUT_RATIO)}); ` +
        `with start-up and model load ${withStartup.toFixed(2)}`,
    );
    // Wall clock is only as good as the machine is quiet; CPU time is what the work costs whatever else runs.
    console.log(
      `  per CPU second: predict / bare = ${cpuRatio.toFixed(2)}; inside predict, the scorer was busy ` +
        `${(inside * 100).toFixed(0)} % of the wall time`,
    );
    console.log(
      `  max RSS: ${(smallRun.report.max_rss_bytes / MIB).toFixed(1)} MiB at ${small.toLocaleString('en-US')} rows, ` +
        `${(large.report.max_rss_bytes / MIB).toFixed(1)} MiB at ${count.toLocaleString('en-US')} rows: ` +
        `+${(growth / MIB).toFixed(1)} MiB (target ≤ ${TARGET_RSS_GROWTH_BYTES / MIB} MiB: ${verdict(growth <= TARGET_RSS_GROWTH_BYTES)})`,
    );
    console.log(`  load average ${load()}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
