/**
 * The smoke test: a handful of canary records — rows of the expected run's test split, `customer_id` =
 * `canary-<run>-<time>-<n>` — put on the input stream, their predictions read back from the output stream (from a
 * position taken before the put), and each checked: written by the expected run (`version`) and equal to that run's
 * offline prediction for the row (the function's own scorer, here). Reports what it checked and the put → prediction
 * latency. Canaries are ordinary records to everyone downstream: consumers that must not count them drop
 * `customer_id`s starting with `canary-` (docs/model-lifecycle.md).
 */
import { loadWhiteWine, testRowIndices } from '../../model';
import { wineRecord } from '../records/wine';
import { putRecords } from '../streams/producer';
import { StreamTail } from '../streams/tail';
import { LookupError } from './errors';
import { featureBatch, type EvaluationRows } from './rows';
import { openRun, type ResolvedRun } from './runs';
import type { Target } from './target';

/** Marks canary records: `customer_id` starts with it. */
export const CANARY_PREFIX = 'canary-';

/** What to smoke-test. */
export interface SmokeRequest {
  readonly target: Target;
  /** The run whose predictions must come back. */
  readonly run: ResolvedRun;
  /** Canary records (default 5). */
  readonly count?: number;
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

/** One canary and what became of it. */
export interface CanaryCheck {
  readonly customerId: string;
  /** Row of the white-wine CSV. */
  readonly row: number;
  readonly expected: { readonly quality: number; readonly probability: number };
  readonly got?: { readonly version: string; readonly quality: number; readonly probability: number };
  /** Put → prediction read, in ms. */
  readonly latencyMs?: number;
  /** Empty when it passed. */
  readonly problems: readonly string[];
}

/** The outcome. */
export interface SmokeResult {
  readonly passed: boolean;
  readonly runId: string;
  readonly checks: readonly CanaryCheck[];
  /** One line: what passed or failed. */
  readonly detail: string;
}

/** How often the output stream is polled while canaries are outstanding. */
const POLL_INTERVAL_MS = 200;
/** The function writes probabilities rounded to 6 decimals. */
const PROBABILITY_DECIMALS = 1e6;

const round = (value: number): number => Math.round(value * PROBABILITY_DECIMALS) / PROBABILITY_DECIMALS;

/** Evenly spread rows of the run's test split, so canaries are not all alike. */
function canaryRows(run: ResolvedRun, count: number): number[] {
  let rows: number[];
  try {
    rows = testRowIndices(run.dir);
  } catch (error) {
    throw new LookupError('RUN_INVALID', `run ${run.runId} records no test split to take canaries from`, {
      cause: error,
    });
  }
  return Array.from(
    { length: Math.min(count, rows.length) },
    (_, i) => rows[Math.floor((i * rows.length) / count)] as number,
  );
}

interface PredictionEvent {
  readonly version?: unknown;
  readonly prediction?: {
    readonly wine_quality?: unknown;
    readonly probability?: unknown;
    readonly customer_id?: unknown;
  };
}

/**
 * Runs the smoke test.
 *
 * @throws LookupError when the run has no test split; the SDK's error when a stream cannot be read or written
 */
export async function runSmoke(request: SmokeRequest): Promise<SmokeResult> {
  const { target, run } = request;
  const log = request.log ?? (() => undefined);
  const table = loadWhiteWine();
  const rows: EvaluationRows = {
    description: 'canaries',
    table,
    indices: canaryRows(run, request.count ?? 5),
  };

  const model = await openRun(run);
  const width = model.signature.classes.length;
  const scores = await model.scorer.score(featureBatch(rows, model.signature.features));
  await model.scorer.session.release();
  const stamp = Date.now().toString(36);
  const canaries = rows.indices.map((row, i) => {
    const quality = Number(scores.labels[i]);
    const column = model.signature.classes.indexOf(quality);
    return {
      customerId: `${CANARY_PREFIX}${run.runId.slice(0, 8)}-${stamp}-${i}`,
      row,
      expected: { quality, probability: round(scores.probabilities[i * width + column] ?? Number.NaN) },
    };
  });

  // The read position is taken before the put, so no canary's prediction can be missed.
  const tail = await StreamTail.open(target.kinesis, target.predictionsStream, 'LATEST');
  const checks = new Map<string, CanaryCheck>();
  try {
    const puts = await putRecords(
      target.kinesis,
      target.inputStream,
      canaries.map((canary) => ({
        data: Buffer.from(
          JSON.stringify(wineRecord(table, canary.row, model.signature.features, canary.customerId)),
        ),
        partitionKey: canary.customerId,
      })),
    );
    log(
      `smoke: put ${canaries.length} canary records (test rows of run ${run.runId}) on ${target.inputStream}; ` +
        `reading ${target.predictionsStream}`,
    );
    const sentAt = new Map(
      canaries.map((canary, i) => [canary.customerId, puts[i]?.firstSentAtMs ?? Date.now()]),
    );
    const pending = new Map(canaries.map((canary) => [canary.customerId, canary]));
    const deadline = Date.now() + request.timeoutMs;
    while (pending.size > 0 && Date.now() < deadline) {
      const records = await tail.poll();
      const readAt = Date.now();
      for (const record of records) {
        const event = parse(record.data);
        const customerId = event?.prediction?.customer_id;
        const canary = typeof customerId === 'string' ? pending.get(customerId) : undefined;
        if (!canary || !event) continue;
        pending.delete(canary.customerId);
        const got = {
          version: String(event.version),
          quality: Number(event.prediction?.wine_quality),
          probability: Number(event.prediction?.probability),
        };
        const problems = [
          ...(got.version === run.runId ? [] : [`written by run ${got.version}, not ${run.runId}`]),
          ...(got.quality === canary.expected.quality
            ? []
            : [`quality ${got.quality}, offline ${canary.expected.quality}`]),
          ...(Math.abs(got.probability - canary.expected.probability) <= 1 / PROBABILITY_DECIMALS
            ? []
            : [`probability ${got.probability}, offline ${canary.expected.probability}`]),
        ];
        checks.set(canary.customerId, {
          ...canary,
          got,
          latencyMs: readAt - (sentAt.get(canary.customerId) ?? readAt),
          problems,
        });
      }
      if (pending.size > 0 && records.length === 0) await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
    for (const canary of pending.values()) {
      checks.set(canary.customerId, {
        ...canary,
        problems: [`no prediction within ${Math.round(request.timeoutMs / 1000)} s`],
      });
    }
  } finally {
    tail.close();
  }

  const ordered = canaries.map((canary) => checks.get(canary.customerId) as CanaryCheck);
  for (const check of ordered) log(describeCheck(check));
  const failed = ordered.filter((check) => check.problems.length > 0);
  const latencies = ordered.flatMap((check) => (check.latencyMs === undefined ? [] : [check.latencyMs]));
  const detail =
    failed.length === 0
      ? `${ordered.length}/${ordered.length} canary predictions by run ${run.runId} match its offline predictions; ` +
        `put → prediction ${latencySummary(latencies)}`
      : `${failed.length}/${ordered.length} canaries failed: ${failed.map((c) => `${c.customerId}: ${c.problems.join(', ')}`).join('; ')}`;
  return { passed: failed.length === 0, runId: run.runId, checks: ordered, detail };
}

function parse(data: Uint8Array): PredictionEvent | undefined {
  try {
    const value = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeCheck(check: CanaryCheck): string {
  const expected = `expected quality ${check.expected.quality} (p ${check.expected.probability.toFixed(3)})`;
  const got = check.got
    ? `got quality ${check.got.quality} (p ${check.got.probability.toFixed(3)}) from run ${check.got.version}`
    : 'got nothing';
  const verdict = check.problems.length === 0 ? 'ok' : `FAIL: ${check.problems.join(', ')}`;
  const latency = check.latencyMs === undefined ? '' : `  ${check.latencyMs} ms`;
  return `  ${check.customerId}  row ${check.row}  ${expected}  ${got}  ${verdict}${latency}`;
}

/** `min–max ms (median m ms)`. */
export function latencySummary(latencies: readonly number[]): string {
  if (latencies.length === 0) return 'not measured';
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  const [low, high] = [sorted[0] as number, sorted.at(-1) as number];
  return low === high ? `${low} ms` : `${low}–${high} ms (median ${median} ms)`;
}
