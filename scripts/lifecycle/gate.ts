/**
 * The promotion gate's rule: a candidate is PROMOTEd only if every check passes, and REFUSEd with every failing check
 * as a reason otherwise. Deterministic: the same figures always give the same verdict. The rule, and why each number
 * is what it is, is documented in docs/model-lifecycle.md ("The gate").
 */
import type { ContractFigures } from './input-contract';
import type { Discordant, Interval } from './statistics';

/** The rule's numbers, in one place. */
export const GATE_RULE = {
  /**
   * Fewest evaluation rows. Below this one row moves accuracy by more than half a point and the paired test has
   * almost no power: a "no significant difference" would mean nothing.
   */
  minRows: 200,
  /** Significance level of the exact McNemar test: a candidate significantly worse than the baseline is refused. */
  alpha: 0.05,
  /**
   * Largest accuracy drop tolerated in the point estimate, even when not significant (two points ≈ four rows in 200).
   * The 95 % interval is printed too, but not required to clear a margin: on ≈ 200 rows it is ≈ ± 4 points wide, so a
   * non-inferiority rule on it would refuse every candidate, however good.
   */
  accuracyTolerance: 0.02,
  /** A class "collapses" when the candidate's recall falls below this fraction of the baseline's … */
  recallCollapseRatio: 0.5,
  /** … for a class with at least this many evaluation rows (fewer: its recall is mostly noise) … */
  recallMinSupport: 20,
  /** … that the baseline actually recognises (baseline recall at least this). */
  recallMinBaseline: 0.2,
  /** Fewest valid-JSON records for the stream window to decide the contract (fewer: the signatures decide). */
  windowMinRecords: 50,
  /**
   * How much lower the candidate's share of fully-carried records may be than the live run's: the records it would
   * reject on top of those the live run rejects already (malformed producers affect both alike).
   */
  shareTolerance: 0.01,
} as const;

/** One model's figures on the evaluation rows. */
export interface ModelFigures {
  readonly runId: string;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly perClass: readonly { readonly label: number; readonly recall: number; readonly support: number }[];
  /** `matrix[t][p]`: rows of true class `classes[t]` predicted as `classes[p]`. */
  readonly confusion: readonly (readonly number[])[];
}

/** Everything the gate decides on. */
export interface GateFigures {
  readonly rows: number;
  readonly classes: readonly number[];
  readonly baseline: ModelFigures;
  readonly candidate: ModelFigures;
  readonly difference: {
    /** Candidate accuracy − baseline accuracy. */
    readonly accuracy: number;
    readonly discordant: Discordant;
    readonly mcnemarP: number;
    readonly bootstrap95: Interval;
  };
  readonly contract: ContractFigures;
}

/** One check of the rule. */
export interface GateCheck {
  readonly name: 'rows' | 'accuracy' | 'significance' | 'recall' | 'input contract';
  readonly passed: boolean;
  readonly detail: string;
}

export type Verdict = 'PROMOTE' | 'REFUSE';

/** The verdict with every check. */
export interface GateResult {
  readonly verdict: Verdict;
  readonly checks: readonly GateCheck[];
}

const points = (share: number): string => `${(share * 100).toFixed(1)} %`;
const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;

/** Applies {@link GATE_RULE}. */
export function decide(figures: GateFigures): GateResult {
  const checks = [
    rowsCheck(figures),
    accuracyCheck(figures),
    significanceCheck(figures),
    recallCheck(figures),
    contractCheck(figures.contract),
  ];
  return { verdict: checks.every((c) => c.passed) ? 'PROMOTE' : 'REFUSE', checks };
}

function rowsCheck({ rows }: GateFigures): GateCheck {
  const passed = rows >= GATE_RULE.minRows;
  return {
    name: 'rows',
    passed,
    detail: passed
      ? `${rows} evaluation rows (at least ${GATE_RULE.minRows})`
      : `only ${rows} evaluation rows, fewer than ${GATE_RULE.minRows}: too few to tell the models apart ` +
        '(pass --eval-data <labelled csv> with more rows neither run was trained on)',
  };
}

function accuracyCheck({ difference }: GateFigures): GateCheck {
  const passed = difference.accuracy >= -GATE_RULE.accuracyTolerance - 1e-12;
  return {
    name: 'accuracy',
    passed,
    detail: `accuracy difference ${signed(difference.accuracy)} ${passed ? '≥' : '<'} −${GATE_RULE.accuracyTolerance} (tolerance)`,
  };
}

function significanceCheck({ difference }: GateFigures): GateCheck {
  const { discordant, mcnemarP } = difference;
  const worse = difference.accuracy < 0 && mcnemarP < GATE_RULE.alpha;
  const counts = `${discordant.candidateOnly} rows only the candidate got right, ${discordant.baselineOnly} only the baseline`;
  return {
    name: 'significance',
    passed: !worse,
    detail: worse
      ? `significantly worse: McNemar p = ${mcnemarP.toFixed(4)} < ${GATE_RULE.alpha} (${counts})`
      : `not significantly worse: McNemar p = ${mcnemarP.toFixed(4)} (${counts})`,
  };
}

function recallCheck({ baseline, candidate }: GateFigures): GateCheck {
  const judged = baseline.perClass.filter(
    (c) => c.support >= GATE_RULE.recallMinSupport && c.recall >= GATE_RULE.recallMinBaseline,
  );
  const collapsed = judged.filter((c) => {
    const recall = candidate.perClass.find((k) => k.label === c.label)?.recall ?? 0;
    return recall < GATE_RULE.recallCollapseRatio * c.recall;
  });
  const describe = (label: number) => {
    const b = baseline.perClass.find((c) => c.label === label);
    const k = candidate.perClass.find((c) => c.label === label);
    return `quality ${label}: ${(b?.recall ?? 0).toFixed(3)} → ${(k?.recall ?? 0).toFixed(3)} (${b?.support ?? 0} rows)`;
  };
  return {
    name: 'recall',
    passed: collapsed.length === 0,
    detail:
      collapsed.length > 0
        ? `recall collapsed (below ${GATE_RULE.recallCollapseRatio} × the baseline's) for ${collapsed.map((c) => describe(c.label)).join('; ')}`
        : `no class's recall collapsed (checked: ${judged.map((c) => c.label).join(', ') || 'none'}: ` +
          `classes with ≥ ${GATE_RULE.recallMinSupport} rows and baseline recall ≥ ${GATE_RULE.recallMinBaseline})`,
  };
}

function contractCheck(contract: ContractFigures): GateCheck {
  const { window, reference, missingFromReference } = contract;
  const who = `the ${reference.role} run ${reference.runId}`;
  if (!('notDone' in window) && window.validJson >= GATE_RULE.windowMinRecords) {
    const passed = window.candidateShare >= window.referenceShare - GATE_RULE.shareTolerance;
    // Grouped by share: "fixed acidity, pH (absent from 100.0 %)" rather than the share once per feature.
    const byShare = new Map<string, string[]>();
    for (const [name, share] of Object.entries(window.missingShare)) {
      if (share <= GATE_RULE.shareTolerance) continue;
      byShare.set(points(share), [...(byShare.get(points(share)) ?? []), name]);
    }
    const lacking = [...byShare].map(([share, names]) => `${names.join(', ')} (absent from ${share})`);
    const shares =
      `${points(window.candidateShare)} of ${window.validJson} valid-JSON records on ${window.stream} since ` +
      `${window.since} carry every candidate feature (${who}: ${points(window.referenceShare)})`;
    return {
      name: 'input contract',
      passed,
      detail: passed
        ? shares
        : `producers do not send what the candidate needs: ${shares}; missing: ${lacking.join(', ')}`,
    };
  }
  const why =
    'notDone' in window ? window.notDone : `only ${window.validJson} valid-JSON records in the window`;
  const passed = missingFromReference.length === 0;
  return {
    name: 'input contract',
    passed,
    detail: passed
      ? `${who} takes every candidate feature; stream window check not done: ${why}`
      : `the candidate needs ${missingFromReference.join(', ')}, which ${who} does not take, so producers built for ` +
        `it need not send them; stream window check not done: ${why}`,
  };
}
