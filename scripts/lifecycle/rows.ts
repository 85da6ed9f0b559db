/**
 * The rows the gate scores both models on — the same rows for both, and rows neither was trained on: the
 * intersection of the two runs' recorded test splits (indices into the white-wine CSV both were trained on), or every
 * row of a labelled CSV given with `--eval-data` (the training CSV's schema, `parseWineCsv`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FeatureBatch } from '../../functions/core/scorer';
import { ArtifactError, loadWhiteWine, parseWineCsv, testRowIndices, type WineTable } from '../../model';
import { ARTIFACT_FILES, type UciFeature } from '../../model/src/contract';
import { LookupError, oneLine } from './errors';
import type { ResolvedRun } from './runs';

/** Rows of a table, and how to describe where they came from. */
export interface EvaluationRows {
  /** E.g. "212 rows held out by both runs (the intersection of their test splits)". */
  readonly description: string;
  readonly table: WineTable;
  /** Row indices into `table`. */
  readonly indices: readonly number[];
}

const trainingDataSchema = z.object({ data: z.object({ file: z.string(), sha256: z.string() }) });

function trainingData(run: ResolvedRun): { file: string; sha256: string } {
  const file = path.join(run.dir, ARTIFACT_FILES.metrics);
  const parsed = fs.existsSync(file)
    ? trainingDataSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')))
    : undefined;
  if (!parsed?.success) {
    throw new LookupError(
      'RUN_INVALID',
      `run ${run.runId} (${run.origin}) has no readable ${ARTIFACT_FILES.metrics} with its training data: ` +
        'pass --eval-data <labelled csv>',
    );
  }
  return parsed.data.data;
}

/**
 * The test rows both runs held out.
 *
 * @throws LookupError RUN_INVALID when a run records no test split; RUNS_INCOMPATIBLE when they were trained on
 *   different data (their row indices would not name the same wines)
 */
export function sharedTestRows(baseline: ResolvedRun, candidate: ResolvedRun): EvaluationRows {
  const [a, b] = [trainingData(baseline), trainingData(candidate)];
  if (a.sha256 !== b.sha256) {
    throw new LookupError(
      'RUNS_INCOMPATIBLE',
      `runs ${baseline.runId} and ${candidate.runId} were trained on different data (${a.file} sha256 ` +
        `${a.sha256.slice(0, 12)}…, ${b.file} sha256 ${b.sha256.slice(0, 12)}…): their test rows cannot be paired; ` +
        'pass --eval-data <labelled csv>',
    );
  }
  const indices = (run: ResolvedRun): number[] => {
    try {
      return testRowIndices(run.dir);
    } catch (error) {
      if (error instanceof ArtifactError) {
        throw new LookupError(
          'RUN_INVALID',
          `run ${run.runId}: ${oneLine(error.message)}; pass --eval-data`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  };
  const held = new Set(indices(baseline));
  const shared = indices(candidate)
    .filter((i) => held.has(i))
    .sort((x, y) => x - y);
  return {
    description: `${shared.length} rows of ${a.file} held out by both runs (the intersection of their test splits)`,
    table: loadWhiteWine(),
    indices: shared,
  };
}

/**
 * Every row of a labelled CSV.
 *
 * @throws LookupError EVAL_DATA_INVALID when the file cannot be read; CsvError (naming file, line and column) when
 *   it is malformed
 */
export function evalDataRows(file: string): EvaluationRows {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new LookupError('EVAL_DATA_INVALID', `--eval-data ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const table = parseWineCsv(text, file);
  return {
    description: `${table.rows} labelled rows of ${file} (--eval-data)`,
    table,
    indices: Array.from({ length: table.rows }, (_, i) => i),
  };
}

/** The rows as the function's input tensor for a model: float32 `[N, F]`, columns in the signature's order. */
export function featureBatch(rows: EvaluationRows, features: readonly string[]): FeatureBatch {
  const data = new Float32Array(rows.indices.length * features.length);
  rows.indices.forEach((row, r) => {
    features.forEach((name, c) => {
      data[r * features.length + c] = rows.table.columns[name as UciFeature][row] ?? Number.NaN;
    });
  });
  return { data, rows: rows.indices.length, columns: features.length };
}

/** The true quality of each row. */
export function truthOf(rows: EvaluationRows): number[] {
  return rows.indices.map((row) => rows.table.quality[row] as number);
}
