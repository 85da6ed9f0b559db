/**
 * The training pipeline as one function: split → cross-validated selection → final fit → evaluation → ONNX export →
 * parity check → the five artifact files. No file system access here: the CLI reads the CSV and writes the files.
 */
import {
  ARTIFACT_FILES,
  FEATURE_SETS,
  MODEL_NAME,
  ONNX_IO,
  signatureSchema,
  UCI_FEATURES,
  type FeatureSetName,
  type ModelReference,
  type ModelSignature,
} from './contract';
import { canonicalJson } from './canonicalJson';
import { renderModelCard } from './card';
import type { WineTable } from './data/csv';
import { subset, toDataset } from './data/dataset';
import { TrainingError } from './errors';
import { evaluate, type ClassificationReport } from './evaluation';
import { buildTreesInline, predictClass, trainForest, type TreeBuilder } from './forest/forest';
import { presort } from './forest/presort';
import type { Forest, ForestParams } from './forest/types';
import { exportForest, ONNX_ML_OPSET, ONNX_OPSET } from './onnx/export';
import { checkParity, type ParityReport } from './onnx/parity';
import { deriveSeed } from './random';
import { buildReference } from './reference';
import { deriveRunId, sha256Hex, TRAINING_FORMAT_DATE, TRAINING_FORMAT_VERSION } from './runId';
import {
  crossValidate,
  type CrossValidation,
  type ModelBudget,
  type ProgressLog,
  type SearchGrid,
} from './selection';
import { stratifiedSplit } from './split';

/**
 * The searched grid (recorded in `metrics.json`; part of the run id). Random forests only: on this data extra-trees
 * reach the same cross-validated accuracy with trees two to three times larger, which the size budget rules out.
 */
export const DEFAULT_GRID: SearchGrid = {
  kind: ['random-forest'],
  trees: [100, 150],
  max_features: [1, 2, 3],
  min_leaf: [1, 2],
};

/**
 * The size budget candidates must fit: 8 MB leaves headroom under the 10 MB limit and keeps the function's cold start
 * (read + session create) well under half a second.
 */
export const DEFAULT_BUDGET: ModelBudget = { max_bytes: 8_000_000, bytes_per_node: 25 };

/** Hard limit on `model.onnx`: training fails rather than write a larger model. */
export const MAX_MODEL_BYTES = 10_000_000;

export const DEFAULT_SEED = 42;
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_FOLDS = 5;

/** Inputs of a training run. */
export interface TrainRunOptions {
  readonly table: WineTable;
  /** SHA-256 of the CSV file's bytes (part of the run id). */
  readonly dataSha256: string;
  /** The data file as recorded in metrics (a repository-relative path). */
  readonly dataFile: string;
  readonly featureSet: FeatureSetName;
  readonly seed?: number;
  readonly testFraction?: number;
  readonly folds?: number;
  readonly grid?: SearchGrid;
  readonly budget?: ModelBudget;
  /**
   * A cross-validation already recorded in a run's `metrics.json`: reused instead of searching again, so a reference
   * run can be reproduced from its final fit alone. It must have been made with the same grid and folds.
   */
  readonly recordedSelection?: CrossValidation;
  /** How trees are built (inline by default; a worker pool's `build` to use more cores). */
  readonly build?: TreeBuilder;
  readonly log?: ProgressLog;
}

/** `metrics.json`. */
export interface RunMetrics {
  readonly run_id: string;
  readonly format_version: number;
  readonly feature_set: FeatureSetName;
  readonly features: readonly string[];
  readonly classes: readonly number[];
  readonly data: { readonly file: string; readonly sha256: string; readonly rows: number };
  readonly split: {
    readonly method: 'stratified';
    readonly seed: number;
    readonly test_fraction: number;
    readonly train_rows: number;
    readonly test_rows: number;
    /** Test rows identical to some training row (all eleven measurements and the quality): the file repeats rows. */
    readonly test_rows_repeating_train_rows: number;
    /** 0-based data-row indices of the test part (CSV line = index + 2). */
    readonly test_row_indices: readonly number[];
  };
  readonly cross_validation: CrossValidation;
  readonly training_params: ForestParams & { readonly seed: number; readonly thresholds: 'float32' };
  readonly test: ClassificationReport;
  readonly model: {
    readonly trees: number;
    readonly nodes: number;
    readonly bytes: number;
    readonly sha256: string;
  };
  readonly parity: {
    readonly rows: number;
    readonly label_mismatches: number;
    readonly max_probability_difference: number;
  };
}

/** A finished run: the in-memory artifacts and the figures the CLI prints. */
export interface TrainedRun {
  readonly runId: string;
  readonly forest: Forest;
  readonly model: Uint8Array;
  readonly signature: ModelSignature;
  readonly metrics: RunMetrics;
  readonly reference: ModelReference;
  /** File name → content, for every file of `ARTIFACT_FILES`. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly parity: ParityReport;
  /** Wall-clock milliseconds per stage (not part of any artifact). */
  readonly timings: { readonly search: number; readonly fit: number; readonly exportAndParity: number };
}

/** How many `test` rows of `table` repeat a `train` row exactly (every UCI column, quality included). */
function countRepeats(table: WineTable, train: Int32Array, test: Int32Array): number {
  const rowKey = (i: number): string =>
    `${UCI_FEATURES.map((name) => table.columns[name][i] as number).join(';')};${table.quality[i] as number}`;
  const seen = new Set(Array.from(train, rowKey));
  return Array.from(test, rowKey).filter((rowText) => seen.has(rowText)).length;
}

const json = (value: unknown): Uint8Array => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

function validateGrid(grid: SearchGrid, featureCount: number): void {
  const positive = (name: string, values: readonly number[], max = Infinity): void => {
    if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1 || v > max)) {
      throw new TrainingError(
        `grid.${name} must be a non-empty list of integers in [1, ${max}], got [${values.join(', ')}]`,
      );
    }
  };
  positive('trees', grid.trees);
  positive('max_features', grid.max_features, featureCount);
  positive('min_leaf', grid.min_leaf);
  if (grid.kind.length === 0) throw new TrainingError('grid.kind must not be empty');
}

/**
 * Trains, evaluates, exports and checks one run.
 *
 * @throws {@link TrainingError} for impossible settings, {@link ParityError} when the ONNX graph disagrees
 * @example
 * const run = await trainRun({ table, dataSha256, dataFile: 'model/data/winequality-white.csv', featureSet: 'seed3' });
 * run.metrics.test.accuracy;
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainedRun> {
  const seed = options.seed ?? DEFAULT_SEED;
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const k = options.folds ?? DEFAULT_FOLDS;
  const grid = options.grid ?? DEFAULT_GRID;
  const budget = options.budget ?? DEFAULT_BUDGET;
  const build = options.build ?? buildTreesInline;
  const log = options.log ?? (() => undefined);
  const features = FEATURE_SETS[options.featureSet];
  validateGrid(grid, features.length);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new TrainingError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }

  const data = toDataset(options.table, features);
  const split = stratifiedSplit(data.y, testFraction, seed);
  const train = subset(data, split.train);
  const test = subset(data, split.test);
  log(
    `data: ${data.rows} rows, ${data.classes.length} classes; split ${train.rows} train / ${test.rows} test (seed ${seed})`,
  );

  let started = performance.now();
  const recorded = options.recordedSelection;
  if (
    recorded &&
    canonicalJson([recorded.grid, recorded.budget, recorded.folds]) !== canonicalJson([grid, budget, k])
  ) {
    throw new TrainingError(
      'the recorded cross-validation was made with another grid, budget or number of folds',
    );
  }
  const selection = recorded ?? (await crossValidate(train, grid, k, seed, budget, build, log));
  const search = performance.now() - started;
  const params = selection.selected.params;
  log(
    `selected ${params.kind} trees=${params.trees} max_features=${params.max_features} min_leaf=${params.min_leaf}: ` +
      `CV accuracy ${selection.selected.mean.toFixed(3)} ± ${selection.selected.sd.toFixed(3)}`,
  );

  const runId = deriveRunId({
    data_sha256: options.dataSha256,
    feature_set: options.featureSet,
    features,
    seed,
    test_fraction: testFraction,
    folds: k,
    grid,
    budget,
    selected: params,
  });

  started = performance.now();
  const forestSeed = deriveSeed(seed, 2);
  const forest = await trainForest(presort(train), params, forestSeed, build);
  const fit = performance.now() - started;
  const report = evaluate(test.y, predictClass(forest, test.x, test.rows), data.classes);
  log(
    `final fit: ${params.trees} trees in ${(fit / 1000).toFixed(1)} s; test accuracy ${report.accuracy.toFixed(3)}, macro-F1 ${report.macro_f1.toFixed(3)}`,
  );

  started = performance.now();
  const model = exportForest(forest, {
    classes: data.classes,
    featureCount: features.length,
    producerVersion: String(TRAINING_FORMAT_VERSION),
    docString: `Wine quality (UCI white wine) ${params.kind} on ${features.length} features; run ${runId}`,
    metadata: [
      ['run_id', runId],
      ['model_name', MODEL_NAME],
      ['feature_set', options.featureSet],
      ['features', JSON.stringify(features)],
      ['classes', JSON.stringify(data.classes)],
    ],
  });
  if (model.length > MAX_MODEL_BYTES) {
    throw new TrainingError(
      `model.onnx would be ${model.length} bytes, over the ${MAX_MODEL_BYTES}-byte limit`,
    );
  }
  const parity = await checkParity(model, forest, data.classes, test.x, test.rows);
  const exportAndParity = performance.now() - started;
  log(
    `ONNX: ${(model.length / 1e6).toFixed(2)} MB; parity on ${parity.rows} test rows: ${parity.labelMismatches} label ` +
      `mismatches, max probability difference ${parity.maxProbabilityDifference.toExponential(1)}`,
  );

  const signature = signatureSchema.parse({
    run_id: runId,
    model_name: MODEL_NAME,
    feature_set: options.featureSet,
    features: [...features],
    classes: [...data.classes],
    onnx: { ...ONNX_IO, opset: ONNX_OPSET, ml_opset: ONNX_ML_OPSET },
    created_at: TRAINING_FORMAT_DATE,
  });
  const metrics: RunMetrics = {
    run_id: runId,
    format_version: TRAINING_FORMAT_VERSION,
    feature_set: options.featureSet,
    features,
    classes: data.classes,
    data: { file: options.dataFile, sha256: options.dataSha256, rows: data.rows },
    split: {
      method: 'stratified',
      seed,
      test_fraction: testFraction,
      train_rows: train.rows,
      test_rows: test.rows,
      test_rows_repeating_train_rows: countRepeats(options.table, split.train, split.test),
      test_row_indices: Array.from(split.test),
    },
    cross_validation: selection,
    training_params: { ...params, seed: forestSeed, thresholds: 'float32' },
    test: report,
    model: {
      trees: forest.trees.length,
      nodes: forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0),
      bytes: model.length,
      sha256: sha256Hex(model),
    },
    parity: {
      rows: parity.rows,
      label_mismatches: parity.labelMismatches,
      max_probability_difference: parity.maxProbabilityDifference,
    },
  };
  const reference = buildReference(options.table, split.train, features, data.classes, {
    runId,
    featureSet: options.featureSet,
  });
  const files = new Map<string, Uint8Array>([
    [ARTIFACT_FILES.model, model],
    [ARTIFACT_FILES.signature, json(signature)],
    [ARTIFACT_FILES.metrics, json(metrics)],
    [ARTIFACT_FILES.reference, json(reference)],
    [ARTIFACT_FILES.card, Buffer.from(renderModelCard(metrics, signature), 'utf8')],
  ]);
  return {
    runId,
    forest,
    model,
    signature,
    metrics,
    reference,
    files,
    parity,
    timings: { search, fit, exportAndParity },
  };
}
