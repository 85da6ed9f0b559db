/**
 * `npx tsx model/src/cli/evaluateSplits.ts [--features all|seed3] [--splits 20] [--workers N]`
 *
 * How much does test accuracy depend on which rows land in the test part? Trains the reference run's hyperparameters
 * (from `runs.json` → `metrics.json`) on the stratified 80/20 splits of seeds 0 … splits-1 and prints each split's
 * test accuracy and their mean ± standard deviation. A measurement tool: it writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIFACT_FILES, FEATURE_SETS, type FeatureSetName } from '../contract';
import { parseWineCsv } from '../data/csv';
import { subset, toDataset } from '../data/dataset';
import { UsageError } from '../errors';
import { accuracy } from '../evaluation';
import { buildTreesInline, predictClass, trainForest } from '../forest/forest';
import { presort } from '../forest/presort';
import { createWorkerPool, defaultWorkerCount } from '../forest/workerPool';
import { ARTIFACTS_ROOT, DATA_FILE, REPO_ROOT } from '../paths';
import type { RunMetrics } from '../pipeline';
import { deriveSeed } from '../random';
import { readRuns, runDir } from '../runStore';
import { stratifiedSplit } from '../split';
import { runCli } from './run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      features: { type: 'string', default: 'all' },
      splits: { type: 'string', default: '20' },
      workers: { type: 'string', default: String(defaultWorkerCount()) },
    },
    strict: true,
  });
  if (!(values.features in FEATURE_SETS)) throw new UsageError(`unknown feature set ${values.features}`);
  const featureSet = values.features as FeatureSetName;
  const splits = Number(values.splits);
  if (!Number.isInteger(splits) || splits < 2) throw new UsageError('--splits must be an integer ≥ 2');
  const runId = readRuns(ARTIFACTS_ROOT).runs[featureSet];
  if (runId === undefined) throw new UsageError(`runs.json has no ${featureSet} run`);
  const metrics = JSON.parse(
    fs.readFileSync(path.join(runDir(runId), ARTIFACT_FILES.metrics), 'utf8'),
  ) as RunMetrics;
  const params = metrics.cross_validation.selected.params;
  const table = parseWineCsv(fs.readFileSync(path.join(REPO_ROOT, DATA_FILE), 'utf8'), DATA_FILE);
  const data = toDataset(table, FEATURE_SETS[featureSet]);
  const pool = Number(values.workers) > 1 ? createWorkerPool(Number(values.workers)) : undefined;
  console.log(
    `${featureSet}: ${JSON.stringify(params)} on ${splits} stratified splits (test fraction ${metrics.split.test_fraction})`,
  );
  try {
    const scores: number[] = [];
    for (let seed = 0; seed < splits; seed++) {
      const split = stratifiedSplit(data.y, metrics.split.test_fraction, seed);
      const test = subset(data, split.test);
      const forest = await trainForest(
        presort(subset(data, split.train)),
        params,
        deriveSeed(seed, 2),
        pool?.build ?? buildTreesInline,
      );
      scores.push(accuracy(test.y, predictClass(forest, test.x, test.rows)));
      console.log(`  split seed ${seed}: test accuracy ${(scores[seed] as number).toFixed(3)}`);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / splits;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (splits - 1));
    const reached = scores.filter((score) => score >= (featureSet === 'all' ? 0.7 : 0.61)).length;
    console.log(
      `mean ${mean.toFixed(3)} ± ${sd.toFixed(3)} (sd), min ${Math.min(...scores).toFixed(3)}, max ` +
        `${Math.max(...scores).toFixed(3)}; the issue's target is reached on ${reached} of ${splits} splits`,
    );
  } finally {
    await pool?.close();
  }
}

runCli(main);
