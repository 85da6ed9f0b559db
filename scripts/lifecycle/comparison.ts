/**
 * `model:compare` as a function: resolves both runs, scores both with the function's own scorer on the same rows,
 * computes the paired figures, checks the input contract and applies the gate. `model:promote` runs it first.
 */
import type { LoadedModel } from '../../functions/adapters/modelLoader';
import { evaluate, type ClassificationReport } from '../../model';
import { readStreamWindow } from '../monitor/streamWindow';
import { LookupError, UsageError } from './errors';
import { decide, type GateFigures, type GateResult, type ModelFigures } from './gate';
import { contractFigures, type InputWindow } from './input-contract';
import { evalDataRows, featureBatch, sharedTestRows, truthOf, type EvaluationRows } from './rows';
import { openRun, resolveRun, type ResolvedRun } from './runs';
import { discordantPairs, mcnemarExact, pairedBootstrapInterval } from './statistics';
import type { Target } from './target';
import { readLive, readModelStore, type LiveState, type ModelStore } from './versions';

/** What to compare. */
export interface CompareRequest {
  readonly candidate: string;
  /** Default: the live run of `target`. */
  readonly baseline?: string | undefined;
  /** `--local` / `--env`: where the live run, the model bucket and the input stream are. */
  readonly target?: Target | undefined;
  /** A labelled CSV instead of the runs' shared test rows. */
  readonly evalData?: string | undefined;
  /** How far back the input stream window reaches. */
  readonly windowMinutes: number;
  /** Most records read from the window. */
  readonly windowRecords?: number;
  readonly now?: () => Date;
}

/** The comparison, for printing and for the registry. */
export interface Comparison {
  readonly candidate: ResolvedRun;
  readonly baseline: ResolvedRun;
  /** The live state of the target, when there is one. */
  readonly live: LiveState | undefined;
  readonly store: ModelStore | undefined;
  readonly rows: EvaluationRows;
  readonly figures: GateFigures;
  readonly result: GateResult;
}

/** Default cap of the stream window. */
const WINDOW_RECORDS = 10_000;

/**
 * Compares `candidate` with the baseline.
 *
 * @throws UsageError without a baseline; LookupError for an unknown or malformed run, runs with different classes,
 *   no alias; CsvError for a malformed `--eval-data`
 */
export async function compareRuns(request: CompareRequest): Promise<Comparison> {
  const { target } = request;
  const store = target ? await readModelStore(target) : undefined;
  const live = target ? await readLive(target) : undefined;
  const baselineId = request.baseline ?? live?.version.runId;
  if (baselineId === undefined) {
    throw new UsageError(
      'no baseline: pass --baseline <run_id>, or --local / --env to compare with the live run',
    );
  }
  const where = target && store ? { target, store } : undefined;
  const [candidate, baseline] = await Promise.all([
    resolveRun(request.candidate, where),
    resolveRun(baselineId, where),
  ]);
  const classes = baseline.signature.classes;
  if (candidate.signature.classes.join() !== classes.join()) {
    throw new LookupError(
      'RUNS_INCOMPATIBLE',
      `signature mismatch: candidate ${candidate.runId} predicts classes [${candidate.signature.classes.join(', ')}], ` +
        `baseline ${baseline.runId} [${classes.join(', ')}]; their predictions cannot be compared`,
    );
  }
  const rows =
    request.evalData === undefined ? sharedTestRows(baseline, candidate) : evalDataRows(request.evalData);
  const [candidateModel, baselineModel] = await Promise.all([openRun(candidate), openRun(baseline)]);
  const truth = truthOf(rows);
  const [candidateFigures, baselineFigures] = await Promise.all([
    scoreOn(candidateModel, rows, truth, classes),
    scoreOn(baselineModel, rows, truth, classes),
  ]);
  await Promise.all([candidateModel.scorer.session.release(), baselineModel.scorer.session.release()]);

  const reference =
    live === undefined
      ? { runId: baseline.runId, role: 'baseline' as const, features: baseline.signature.features }
      : {
          runId: live.version.runId,
          role: 'live' as const,
          features:
            live.version.runId === baseline.runId
              ? baseline.signature.features
              : (await resolveRun(live.version.runId, where)).signature.features,
        };
  const window = target
    ? await readWindow(target, request)
    : { notDone: 'no --local or --env, so there is no input stream to read' };

  const figures: GateFigures = {
    rows: rows.indices.length,
    classes,
    baseline: baselineFigures.figures,
    candidate: candidateFigures.figures,
    difference: {
      accuracy: candidateFigures.figures.accuracy - baselineFigures.figures.accuracy,
      discordant: discordantPairs(baselineFigures.correct, candidateFigures.correct),
      mcnemarP: mcnemarExact(discordantPairs(baselineFigures.correct, candidateFigures.correct)),
      bootstrap95: pairedBootstrapInterval(baselineFigures.correct, candidateFigures.correct),
    },
    contract: contractFigures(candidate.signature.features, reference, window),
  };
  return { candidate, baseline, live, store, rows, figures, result: decide(figures) };
}

async function scoreOn(
  model: LoadedModel,
  rows: EvaluationRows,
  truth: readonly number[],
  classes: readonly number[],
): Promise<{ figures: ModelFigures; correct: boolean[] }> {
  const batch = featureBatch(rows, model.signature.features);
  const { labels } = batch.rows === 0 ? { labels: [] } : await model.scorer.score(batch);
  const predicted = Array.from(labels, Number);
  const index = new Map(classes.map((label, i) => [label, i]));
  // Truth outside the model's classes (possible with --eval-data) counts as a miss for both models alike.
  const known = truth.map((t) => index.has(t));
  const report: ClassificationReport = evaluate(
    truth.filter((_, i) => known[i]).map((t) => index.get(t) as number),
    predicted.filter((_, i) => known[i]).map((p) => index.get(p) as number),
    classes,
  );
  const correct = predicted.map((p, i) => p === truth[i]);
  return {
    correct,
    figures: {
      runId: model.signature.run_id,
      accuracy: truth.length === 0 ? 0 : correct.filter(Boolean).length / truth.length,
      macroF1: report.macro_f1,
      perClass: report.per_class.map(({ label, recall, support }) => ({ label, recall, support })),
      confusion: report.confusion_matrix.matrix,
    },
  };
}

async function readWindow(target: Target, request: CompareRequest): Promise<InputWindow> {
  const until = (request.now ?? (() => new Date()))();
  const since = new Date(until.getTime() - request.windowMinutes * 60_000);
  const { records, capped } = await readStreamWindow(target.kinesis, target.inputStream, {
    since,
    until,
    maxRecords: request.windowRecords ?? WINDOW_RECORDS,
  });
  return { stream: target.inputStream, since, until, records, capped };
}
