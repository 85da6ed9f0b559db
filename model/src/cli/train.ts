/**
 * `npm run train -- [--features all|seed3] [--seed N] [--out DIR] [--workers N] [--data CSV] [--register]`
 *
 * Trains one run (cross-validated selection, final fit, test evaluation, ONNX export with parity check) and writes
 * its five files to `<out>/<run_id>/`. `--register` records it as its feature set's reference run in `runs.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURE_SETS, type FeatureSetName } from '../contract';
import { parseWineCsv } from '../data/csv';
import { UsageError } from '../errors';
import { buildTreesInline } from '../forest/forest';
import { createWorkerPool, defaultWorkerCount } from '../forest/workerPool';
import { ARTIFACTS_ROOT, DATA_FILE, REPO_ROOT } from '../paths';
import { DEFAULT_SEED, trainRun } from '../pipeline';
import { sha256Hex } from '../runId';
import { registerRun, writeRun } from '../runStore';
import { runCli } from './run';

function options() {
  const { values } = parseArgs({
    options: {
      features: { type: 'string', default: 'all' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      out: { type: 'string', default: ARTIFACTS_ROOT },
      workers: { type: 'string', default: String(defaultWorkerCount()) },
      data: { type: 'string', default: path.join(REPO_ROOT, DATA_FILE) },
      register: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!(values.features in FEATURE_SETS)) {
    throw new UsageError(
      `--features must be one of ${Object.keys(FEATURE_SETS).join(', ')}, got ${values.features}`,
    );
  }
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || seed > 0xffffffff) {
    throw new UsageError(`--seed must be an integer in [0, 2^32), got ${values.seed}`);
  }
  const workers = Number(values.workers);
  if (!/^\d+$/.test(values.workers) || workers < 1) {
    throw new UsageError(`--workers must be a positive integer, got ${values.workers}`);
  }
  return { ...values, featureSet: values.features as FeatureSetName, seed, workers };
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const bytes = fs.readFileSync(opts.data);
  const relative = path.relative(REPO_ROOT, path.resolve(opts.data)).split(path.sep).join('/');
  const table = parseWineCsv(bytes.toString('utf8'), relative);
  const pool = opts.workers > 1 ? createWorkerPool(opts.workers) : undefined;
  console.log(`training feature set "${opts.featureSet}" with ${opts.workers} worker(s)`);
  try {
    const run = await trainRun({
      table,
      dataSha256: sha256Hex(bytes),
      dataFile: relative,
      featureSet: opts.featureSet,
      seed: opts.seed,
      build: pool?.build ?? buildTreesInline,
      log: (line) => console.log(`  ${line}`),
    });
    const dir = writeRun(path.resolve(opts.out), run.runId, run.files);
    if (opts.register) registerRun(path.resolve(opts.out), opts.featureSet, run.runId);
    const { search, fit, exportAndParity } = run.timings;
    const cv = run.metrics.cross_validation.selected;
    console.log(`run ${run.runId} → ${path.relative(process.cwd(), dir) || dir}`);
    console.log(
      `  test accuracy ${run.metrics.test.accuracy.toFixed(3)}, macro-F1 ${run.metrics.test.macro_f1.toFixed(3)}; ` +
        `CV accuracy ${cv.mean.toFixed(3)} ± ${cv.sd.toFixed(3)}`,
    );
    console.log(
      `  model.onnx ${(run.model.length / 1e6).toFixed(2)} MB; time: search ${(search / 1000).toFixed(1)} s, ` +
        `final fit ${(fit / 1000).toFixed(1)} s, export + parity ${(exportAndParity / 1000).toFixed(1)} s, ` +
        `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (opts.register) console.log(`  registered as the "${opts.featureSet}" reference run in runs.json`);
  } finally {
    await pool?.close();
  }
}

runCli(main);
