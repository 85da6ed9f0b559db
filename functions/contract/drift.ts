/**
 * The drift-monitoring limits the function applies and the infrastructure alarms and reports rely on. No imports, so
 * infra and the local report can read them without the function's code.
 */

/**
 * Fewest records a PSI is computed from, for a batch or the window. PSI over k bins of n records drawn from the
 * reference itself is not 0 but ≈ (k − 1) / n on average (it behaves like a χ² statistic divided by n), with a long
 * upper tail: at n = 100 and 10 bins the noise alone reaches the 0.1 "moderate" mark often. From 500 records on,
 * samples of the model's held-out rows stay far below it (measured: see `npm run bench` and the drift unit tests).
 * Smaller batches still enter the window, whose PSI is emitted once it holds this many.
 */
export const MIN_PSI_RECORDS = 500;

/** PSI bounds of the three levels: `< stable` is stable, `≤ drift` moderate, above it drift. */
export const PSI_THRESHOLDS = { stable: 0.1, drift: 0.25 } as const;
