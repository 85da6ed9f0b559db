/**
 * The order statistics the reports print: nearest-rank percentiles of latencies (the ledger, the end-to-end table) and
 * medians of benchmark repetitions. Hand-written on purpose: three short functions do not justify a statistics
 * dependency, and each report states which definition it uses (nearest rank; the median of an even count is the mean
 * of the two middle values).
 */

/** Nearest-rank percentile of a sorted list: the smallest value with at least `p` % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The median (the mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** Count, p50, p95, p99 and maximum of a list of durations (ms). */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The {@link LatencySummary} of `values` (any order), or undefined when there are none. */
export function summarizeLatencies(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}
