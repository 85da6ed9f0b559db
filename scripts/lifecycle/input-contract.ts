/**
 * The input contract check: can producers feed the candidate? Two sources of evidence, both reported:
 * - the live run's signature — what producers were built for (its features are what they must send today);
 * - a recent window of the input stream — what they actually send: the share of valid-JSON records (decoded by the
 *   function's own decoder) that carry every candidate feature as a number, next to the same share for the live run.
 * Pure: the window's records are read by the caller.
 */
import { decodeRecord } from '../../functions/core/decode';

/** A window of the input stream, as read. */
export interface InputWindow {
  readonly stream: string;
  readonly since: Date;
  readonly until: Date;
  readonly records: readonly { readonly data: Uint8Array }[];
  /** Whether the record cap cut the window short. */
  readonly capped: boolean;
}

/** What the window showed. */
export interface WindowFigures {
  readonly stream: string;
  readonly since: string;
  readonly until: string;
  readonly records: number;
  readonly validJson: number;
  /** Valid-JSON records carrying every candidate feature, as a share of `validJson`. */
  readonly candidateShare: number;
  /** The same for the reference (live) run's features. */
  readonly referenceShare: number;
  /** Per candidate feature: the share of valid-JSON records that lack it (or hold no number). */
  readonly missingShare: Readonly<Record<string, number>>;
  readonly capped: boolean;
}

/** The contract figures the gate decides on. */
export interface ContractFigures {
  readonly candidateFeatures: readonly string[];
  /** The run producers are built for: the live run (or, without --local/--env, the baseline standing in for it). */
  readonly reference: {
    readonly runId: string;
    readonly role: 'live' | 'baseline';
    readonly features: readonly string[];
  };
  /** Candidate features the reference run does not take. */
  readonly missingFromReference: readonly string[];
  /** The stream window, or why it was not read. */
  readonly window: WindowFigures | { readonly notDone: string };
}

function carries(value: unknown, features: readonly string[]): boolean[] {
  const wine =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { wine_features?: unknown }).wine_features
      : undefined;
  const object =
    wine !== null && typeof wine === 'object' && !Array.isArray(wine)
      ? (wine as Record<string, unknown>)
      : {};
  return features.map((name) => typeof object[name] === 'number' && Number.isFinite(object[name]));
}

/** Counts what a window's records carry. */
export function windowFigures(
  window: InputWindow,
  candidateFeatures: readonly string[],
  referenceFeatures: readonly string[],
): WindowFigures {
  let validJson = 0;
  let candidateAll = 0;
  let referenceAll = 0;
  const missing = new Array<number>(candidateFeatures.length).fill(0);
  for (const record of window.records) {
    const decoded = decodeRecord(Buffer.from(record.data).toString('base64'));
    if (!decoded.ok) continue;
    validJson++;
    const candidate = carries(decoded.value, candidateFeatures);
    candidate.forEach((has, i) => {
      if (!has) missing[i] = (missing[i] ?? 0) + 1;
    });
    if (candidate.every(Boolean)) candidateAll++;
    if (carries(decoded.value, referenceFeatures).every(Boolean)) referenceAll++;
  }
  const share = (count: number) => (validJson === 0 ? 0 : count / validJson);
  return {
    stream: window.stream,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    records: window.records.length,
    validJson,
    candidateShare: share(candidateAll),
    referenceShare: share(referenceAll),
    missingShare: Object.fromEntries(candidateFeatures.map((name, i) => [name, share(missing[i] ?? 0)])),
    capped: window.capped,
  };
}

/** Builds the figures from the reference run and the window (or the reason it was not read). */
export function contractFigures(
  candidateFeatures: readonly string[],
  reference: ContractFigures['reference'],
  window: InputWindow | { readonly notDone: string },
): ContractFigures {
  return {
    candidateFeatures,
    reference,
    missingFromReference: candidateFeatures.filter((name) => !reference.features.includes(name)),
    window: 'notDone' in window ? window : windowFigures(window, candidateFeatures, reference.features),
  };
}
