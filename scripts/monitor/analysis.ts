/**
 * Turns what was read from the streams and the quarantine into the report's data, with the function's own code: the
 * same decode and validation (so "valid" means what the scorer accepted), the same float32 tensor, the same bins and
 * PSI. A report on the records a function instance scored therefore shows the PSI its window metric would show.
 * Pure: no I/O.
 */
import { decodeRecord } from '../../functions/core/decode';
import {
  countClasses,
  countFeatureBins,
  featureShares,
  MIN_PSI_RECORDS,
  populationStabilityIndex,
  psiLevel,
  type DriftReference,
  type PsiLevel,
} from '../../functions/core/drift';
import { toFeatureBatch } from '../../functions/core/features';
import { createRecordValidator, type ValidRecord } from '../../functions/core/validate';

/** One record read from a stream. */
export interface StreamRecord {
  readonly data: Uint8Array;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly arrival: Date;
}

/** A quarantine object's fields the report uses (docs/contract.md §4). */
export interface QuarantineEntry {
  readonly reason: string;
  readonly detail: string;
  readonly receivedAt: string;
}

/** What the quarantine gave: its documents, or why it could not be read. */
export type QuarantineRead =
  | {
      readonly status: 'read';
      readonly location: string;
      readonly entries: readonly QuarantineEntry[];
      readonly capped: boolean;
    }
  | { readonly status: 'unavailable'; readonly location: string; readonly why: string }
  | { readonly status: 'skipped'; readonly why: string };

/** Where the records came from, for the report's header. */
export interface ReportSources {
  readonly inputStream: string;
  readonly predictionsStream: string;
  readonly endpoint: string;
  readonly reference: string;
  /** Start of the window (ISO), or undefined for everything retained. */
  readonly since: string | undefined;
  readonly until: string;
  readonly maxRecords: number;
  readonly inputCapped: boolean;
  readonly predictionsCapped: boolean;
}

/** Everything the report shows. */
export interface DriftReportData {
  readonly generatedAt: string;
  readonly runId: string;
  readonly featureSet: string;
  readonly sources: ReportSources;
  /** Fewest records a PSI is reliable from (the function's minimum). */
  readonly minRecords: number;
  readonly inputRecords: number;
  readonly validRecords: number;
  readonly features: readonly FeatureSection[];
  readonly prediction: PredictionSection;
  readonly rejected: RejectedSection;
}

/** One input feature: the training and live distribution over the reference's bins, and their PSI. */
export interface FeatureSection {
  readonly name: string;
  /** Interior bin edges (decimal, from reference.json). */
  readonly cuts: readonly number[];
  readonly referenceShares: readonly number[];
  readonly liveCounts: readonly number[];
  readonly liveTotal: number;
  /** `undefined` without live records. */
  readonly psi: number | undefined;
  readonly level: PsiLevel | undefined;
  readonly training: {
    readonly mean: number;
    readonly std: number;
    readonly min: number;
    readonly max: number;
  };
  readonly live: { readonly mean: number; readonly min: number; readonly max: number } | undefined;
}

/** Predicted classes of the window against the training class shares. */
export interface PredictionSection {
  readonly classes: readonly {
    readonly label: number;
    readonly referenceShare: number;
    /** Share of the model's own predictions on its held-out test rows (metrics.json), when known. */
    readonly heldOutShare: number | undefined;
    readonly liveCount: number;
  }[];
  readonly liveTotal: number;
  readonly psi: number | undefined;
  readonly level: PsiLevel | undefined;
  /** PSI of the held-out predictions against the training shares: the undrifted level of `psi`. */
  readonly heldOutPsi: number | undefined;
  /** Prediction events of other model versions, left out. */
  readonly otherVersions: number;
  /** Redelivered prediction events (same source), counted once. */
  readonly duplicates: number;
  /** Output records that are not prediction events. */
  readonly unreadable: number;
}

/** Rejected records: those of the input window that fail validation, and the quarantine objects. */
export interface RejectedSection {
  readonly input: readonly ReasonCount[];
  readonly inputTotal: number;
  readonly quarantine: QuarantineRead;
  readonly quarantineReasons: readonly ReasonCount[];
}

export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
  /** One detail line, as an example. */
  readonly example: string;
}

/** What {@link analyse} needs besides the records. */
export interface AnalysisInput {
  readonly reference: DriftReference;
  /** The model's input feature order (the signature's). */
  readonly features: readonly string[];
  readonly runId: string;
  readonly featureSet: string;
  /** Predicted class counts of the held-out test rows (column sums of the test confusion matrix), when known. */
  readonly heldOutPredictions: ReadonlyMap<number, number> | undefined;
  readonly inputs: readonly StreamRecord[];
  readonly predictions: readonly StreamRecord[];
  readonly quarantine: QuarantineRead;
  readonly sources: ReportSources;
  readonly now: Date;
}

/**
 * Computes the report's data.
 *
 * @example
 * const data = analyse({ reference, features, runId, featureSet, inputs, predictions, quarantine, sources, now });
 * data.features[0].psi; // the PSI of the first feature over the window
 */
export function analyse(input: AnalysisInput): DriftReportData {
  const { reference } = input;
  const validate = createRecordValidator(input.features);
  const valid: ValidRecord[] = [];
  const rejected = new ReasonTally();
  for (const record of input.inputs) {
    const decoded = decodeRecord(Buffer.from(record.data).toString('base64'));
    const checked = decoded.ok ? validate(decoded.value) : decoded;
    if (checked.ok) valid.push(checked.value);
    else rejected.add(checked.reason, checked.detail);
  }
  const batch = toFeatureBatch(valid, input.features);
  const counts = countFeatureBins(reference, batch);
  const sourceFeatures = new Map(reference.source.features.map((f) => [f.name as string, f]));

  const features = input.features.map((name, j): FeatureSection => {
    const source = sourceFeatures.get(name);
    if (!source) throw new Error(`reference has no feature "${name}"`);
    const shares = featureShares(reference, j);
    const start = reference.binOffsets[j] as number;
    const liveCounts = Array.from(counts.subarray(start, start + shares.length));
    const psi = valid.length > 0 ? populationStabilityIndex(shares, liveCounts) : undefined;
    return {
      name,
      cuts: source.cuts,
      referenceShares: Array.from(shares),
      liveCounts,
      liveTotal: valid.length,
      psi,
      level: psi === undefined ? undefined : psiLevel(psi),
      training: { mean: source.mean, std: source.std, min: source.min, max: source.max },
      live: valid.length > 0 ? columnStats(batch.data, j, input.features.length) : undefined,
    };
  });

  const quarantineReasons = new ReasonTally();
  if (input.quarantine.status === 'read')
    for (const entry of input.quarantine.entries) quarantineReasons.add(entry.reason, entry.detail);

  return {
    generatedAt: input.now.toISOString(),
    runId: input.runId,
    featureSet: input.featureSet,
    sources: input.sources,
    minRecords: MIN_PSI_RECORDS,
    inputRecords: input.inputs.length,
    validRecords: valid.length,
    features,
    prediction: predictionSection(input),
    rejected: {
      input: rejected.list(),
      inputTotal: input.inputs.length - valid.length,
      quarantine: input.quarantine,
      quarantineReasons: quarantineReasons.list(),
    },
  };
}

function predictionSection(input: AnalysisInput): PredictionSection {
  const { reference } = input;
  const seen = new Set<string>();
  const labels: number[] = [];
  let otherVersions = 0;
  let duplicates = 0;
  let unreadable = 0;
  for (const record of input.predictions) {
    const event = parsePrediction(record.data);
    if (!event) {
      unreadable++;
      continue;
    }
    if (event.version !== input.runId) {
      otherVersions++;
      continue;
    }
    // Delivery is at-least-once: a redelivered prediction names the same input record.
    const key = `${event.shardId}/${event.sequenceNumber}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    labels.push(event.label);
  }
  const counts = countClasses(reference, labels);
  const liveTotal = counts.reduce((sum, n) => sum + n, 0);
  const psi = liveTotal > 0 ? populationStabilityIndex(reference.classShares, counts) : undefined;
  const heldOut = input.heldOutPredictions;
  const heldOutCounts = heldOut ? reference.classes.map((label) => heldOut.get(label) ?? 0) : undefined;
  const heldOutTotal = heldOutCounts?.reduce((sum, n) => sum + n, 0) ?? 0;
  return {
    classes: reference.classes.map((label, c) => ({
      label,
      referenceShare: reference.classShares[c] as number,
      heldOutShare:
        heldOutCounts && heldOutTotal > 0 ? (heldOutCounts[c] as number) / heldOutTotal : undefined,
      liveCount: counts[c] as number,
    })),
    liveTotal,
    psi,
    level: psi === undefined ? undefined : psiLevel(psi),
    heldOutPsi:
      heldOutCounts && heldOutTotal > 0
        ? populationStabilityIndex(reference.classShares, heldOutCounts)
        : undefined,
    otherVersions,
    duplicates,
    unreadable,
  };
}

/** The fields of a prediction event (docs/contract.md §2) the report reads, or undefined for anything else. */
function parsePrediction(
  data: Uint8Array,
): { version: string; label: number; shardId: string; sequenceNumber: string } | undefined {
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
  const e = event as {
    version?: unknown;
    prediction?: { wine_quality?: unknown };
    source?: { shard_id?: unknown; sequence_number?: unknown };
  } | null;
  const label = e?.prediction?.wine_quality;
  if (typeof e?.version !== 'string' || typeof label !== 'number') return undefined;
  const shardId = typeof e.source?.shard_id === 'string' ? e.source.shard_id : '';
  const sequenceNumber = typeof e.source?.sequence_number === 'string' ? e.source.sequence_number : '';
  return { version: e.version, label, shardId, sequenceNumber };
}

function columnStats(data: Float32Array, column: number, columns: number) {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (let i = column; i < data.length; i += columns) {
    // The tensor is float32: print the decimal a producer most likely sent.
    const value = Number((data[i] as number).toPrecision(7));
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    n++;
  }
  return { mean: sum / n, min, max };
}

class ReasonTally {
  private readonly byReason = new Map<string, { count: number; example: string }>();

  add(reason: string, detail: string): void {
    const entry = this.byReason.get(reason);
    if (entry) entry.count++;
    else this.byReason.set(reason, { count: 1, example: detail });
  }

  /** Most frequent first. */
  list(): ReasonCount[] {
    return [...this.byReason.entries()]
      .map(([reason, { count, example }]) => ({ reason, count, example }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}
