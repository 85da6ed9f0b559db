/**
 * Changing what serves, one way on AWS and on the local stack (both speak the Lambda API):
 * - promote: gate → the run in the model bucket → `$LATEST`'s `RUN_ID` → wait → publish a version → move `live` →
 *   smoke test → registry record. A failed smoke test moves `live` back at once;
 * - rollback: move `live` to the version it replaced (or the newest version of a named run) → smoke → record;
 * - roll-forward (after `npm run deploy`): move `live` to the version the apply published for a code or configuration
 *   change — only when that version serves the live run — → smoke (back on failure) → record.
 * Invariant kept throughout: once a command is done, `$LATEST`'s `RUN_ID` is the live run's, so the versions an apply
 * publishes carry the run that serves (Terraform ignores `RUN_ID`, see infra/constructs/scoring-function.ts).
 */
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdated,
} from '@aws-sdk/client-lambda';
import type { Comparison } from './comparison';
import { EXIT_CODES, LookupError, oneLine, RolloutError } from './errors';
import { appendRecord, listRecords, type RegistryRecord } from './registry';
import { publishIfAbsent, resolveRun, type ResolvedRun } from './runs';
import { runSmoke, type SmokeResult } from './smoke';
import type { Target } from './target';
import {
  listVersions,
  moveAlias,
  publishRunVersion,
  readLive,
  readModelStore,
  type LiveState,
  type ModelStore,
  type PublishedVersion,
} from './versions';

/** What every rollout needs; tests pass fakes for the smoke test and the clock. */
export interface RolloutContext {
  readonly target: Target;
  readonly store: ModelStore;
  /** Finds a run locally or in the bucket (for the smoke test's offline predictions). */
  readonly resolve: (runId: string) => Promise<ResolvedRun>;
  readonly smoke: (run: ResolvedRun) => Promise<SmokeResult>;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** How a rollout ended. */
export interface RolloutOutcome {
  readonly exitCode: number;
  /** One line for the end of the output. */
  readonly summary: string;
  /** The registry record written (none when nothing was to be done). */
  readonly record?: RegistryRecord;
}

/** A promote request: the run, the gate's comparison, and an override. */
export interface PromoteRequest {
  readonly run: ResolvedRun;
  readonly comparison: Comparison;
  /** Promote despite a REFUSE (requires `reason`). */
  readonly force: boolean;
  readonly reason?: string | undefined;
}

type RecordFields = Omit<RegistryRecord, 'schema' | 'at' | 'who' | 'environment' | 'forced'> & {
  readonly forced?: boolean;
};

async function record(context: RolloutContext, fields: RecordFields): Promise<RegistryRecord> {
  const now = (context.now ?? (() => new Date()))();
  const entry: RegistryRecord = {
    schema: 1,
    at: now.toISOString(),
    who: await context.target.who(),
    environment: context.target.label,
    forced: false,
    ...fields,
  };
  const key = await appendRecord(
    { client: context.target.s3, bucket: context.store.bucket, experimentId: context.store.experimentId },
    entry,
  );
  context.log(`registry: s3://${context.store.bucket}/${key}`);
  return entry;
}

function gateSummary(comparison: Comparison): NonNullable<RegistryRecord['gate']> {
  const { figures, result } = comparison;
  return {
    verdict: result.verdict,
    baselineRunId: comparison.baseline.runId,
    rows: figures.rows,
    accuracy: {
      baseline: figures.baseline.accuracy,
      candidate: figures.candidate.accuracy,
      difference: figures.difference.accuracy,
    },
    macroF1: { baseline: figures.baseline.macroF1, candidate: figures.candidate.macroF1 },
    mcnemarP: figures.difference.mcnemarP,
    bootstrap95: [figures.difference.bootstrap95.low, figures.difference.bootstrap95.high],
    failed: result.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`),
  };
}

function smokeSummary(smoke: SmokeResult): NonNullable<RegistryRecord['smoke']> {
  return {
    passed: smoke.passed,
    checked: smoke.checks.length,
    latencyMs: smoke.checks.flatMap((c) => (c.latencyMs === undefined ? [] : [c.latencyMs])),
    detail: smoke.detail,
  };
}

const describe = (v: PublishedVersion): string => `version ${v.version} (run ${v.runId})`;

/** Sets `$LATEST`'s `RUN_ID` to the live run, so the next apply publishes versions that serve it. */
async function syncLatest(context: RolloutContext, runId: string): Promise<void> {
  const { lambda, functionName } = context.target;
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const variables = latest.Environment?.Variables ?? {};
  if (variables.RUN_ID === runId) return;
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: functionName,
      Environment: { Variables: { ...variables, RUN_ID: runId } },
      RevisionId: latest.RevisionId,
    }),
  );
  await waitUntilFunctionUpdated(
    { client: lambda, maxWaitTime: 300, minDelay: 1, maxDelay: 5 },
    { FunctionName: functionName },
  );
  context.log(`$LATEST: RUN_ID back to the live run ${runId}`);
}

/** Smoke test that never throws: an error reading or writing the streams is a failed smoke test. */
async function smokeSafely(context: RolloutContext, run: ResolvedRun): Promise<SmokeResult> {
  try {
    return await context.smoke(run);
  } catch (error) {
    const message = oneLine(error instanceof Error ? error.message : String(error));
    return { passed: false, runId: run.runId, checks: [], detail: `smoke test could not run: ${message}` };
  }
}

/**
 * Moves `live` from `live` to `to`, smoke-tests `run`, and on failure (when `revert`) moves it straight back.
 *
 * @returns the smoke result and whether live was moved back
 */
async function swap(
  context: RolloutContext,
  live: LiveState,
  to: PublishedVersion,
  run: ResolvedRun,
  revert: boolean,
): Promise<{ smoke: SmokeResult; reverted: boolean }> {
  const started = performance.now();
  const moved = await moveAlias(context.target, to.version, live.aliasRevisionId);
  context.log(
    `${context.target.alias}: ${describe(live.version)} → ${describe(to)} in ${Math.round(performance.now() - started)} ms`,
  );
  const smoke = await smokeSafely(context, run);
  context.log(`smoke: ${smoke.passed ? 'passed' : 'FAILED'}: ${smoke.detail}`);
  if (smoke.passed || !revert) return { smoke, reverted: false };
  await moveAlias(context.target, live.version.version, moved.RevisionId);
  context.log(`${context.target.alias}: moved back to ${describe(live.version)}`);
  await syncLatest(context, live.version.runId);
  return { smoke, reverted: true };
}

/**
 * Promotes a run (the gate's comparison given); see the module comment for the steps.
 *
 * @returns exit 0 live, 3 refused by the gate, 1 smoke failed (live moved back); 0 with no record when the run is
 *   live already
 */
export async function promote(context: RolloutContext, request: PromoteRequest): Promise<RolloutOutcome> {
  const { run, comparison } = request;
  const live = comparison.live ?? (await readLive(context.target));
  const from = { runId: live.version.runId, version: live.version.version };
  const gate = gateSummary(comparison);
  const forced = request.force && comparison.result.verdict === 'REFUSE';
  const reason = request.reason === undefined ? {} : { reason: request.reason };
  if (live.version.runId === run.runId) {
    return {
      exitCode: EXIT_CODES.ok,
      summary: `run ${run.runId} is live already (${describe(live.version)}); nothing changed`,
    };
  }
  if (comparison.result.verdict === 'REFUSE' && !request.force) {
    const entry = await record(context, {
      action: 'promote',
      outcome: 'refused',
      from,
      to: { runId: run.runId, version: null },
      gate,
      ...reason,
    });
    return {
      exitCode: EXIT_CODES.refused,
      summary: `refused by the gate: ${gate.failed.join('; ')} (nothing changed; --force --reason "…" overrides)`,
      record: entry,
    };
  }
  if (forced) context.log(`gate: REFUSE overridden with --force: ${request.reason ?? ''}`);
  let version: PublishedVersion | undefined;
  let swapped: { smoke: SmokeResult; reverted: boolean };
  try {
    if (await publishIfAbsent(context.target, context.store, run)) {
      context.log(
        `published run ${run.runId} to s3://${context.store.bucket}/${context.store.experimentId}/${run.runId}/`,
      );
    }
    version = await publishRunVersion(context.target, run.runId, context.log);
    swapped = await swap(context, live, version, run, true);
  } catch (error) {
    throw await failed(context, error, {
      from,
      to: { runId: run.runId, version: version?.version ?? null },
      gate,
      forced,
      ...reason,
    });
  }
  const { smoke, reverted } = swapped;
  const entry = await record(context, {
    action: 'promote',
    outcome: reverted ? 'rolled-back' : 'live',
    from,
    to: { runId: run.runId, version: version.version },
    gate,
    forced,
    ...reason,
    smoke: smokeSummary(smoke),
  });
  return reverted
    ? {
        exitCode: EXIT_CODES.failed,
        summary: `smoke test failed, live moved back to ${describe(live.version)}: ${smoke.detail}`,
        record: entry,
      }
    : {
        exitCode: EXIT_CODES.ok,
        summary: `run ${run.runId} is live: version ${version.version}`,
        record: entry,
      };
}

/**
 * After an AWS error in the middle of a promote: puts `$LATEST`'s `RUN_ID` back if `live` did not move, records the
 * failure (best effort: the original error matters more) and returns the error to throw, saying what serves now.
 */
async function failed(
  context: RolloutContext,
  error: unknown,
  fields: Pick<RecordFields, 'from' | 'to' | 'gate' | 'forced' | 'reason'>,
): Promise<RolloutError> {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const now = await readLive(context.target).catch(() => undefined);
  if (now?.version.version === fields.from.version) {
    await syncLatest(context, fields.from.runId).catch(() => undefined);
  }
  await record(context, { action: 'promote', outcome: 'failed', ...fields, error: message }).catch(
    () => undefined,
  );
  const serving = now ? describe(now.version) : 'unknown (npm run model:list shows it)';
  return new RolloutError('ROLLOUT_FAILED', `promote failed: ${message}; live is ${serving}`, {
    cause: error,
  });
}

/**
 * The version `live` should go back to: the one the newest registry record that moved `live` to its current version
 * came from.
 *
 * @throws LookupError NO_VERSION when no record says so
 */
async function previousVersion(
  context: RolloutContext,
  live: LiveState,
  versions: readonly PublishedVersion[],
) {
  const records = await listRecords(
    { client: context.target.s3, bucket: context.store.bucket, experimentId: context.store.experimentId },
    context.target.label,
  );
  const last = records.filter((r) => r.outcome === 'live' && r.to.version === live.version.version).at(-1);
  const found = versions.find((v) => v.version === last?.from.version);
  if (!found) {
    throw new LookupError(
      'NO_VERSION',
      `no registry record says which version ${context.target.alias} had before ${describe(live.version)}: ` +
        `name the run to go back to with --to <run_id> (published: ${versions.map((v) => `${v.version}=${v.runId.slice(0, 8)}`).join(', ')})`,
    );
  }
  return found;
}

/**
 * Moves `live` back: to the version it replaced last, or to the newest version serving `to`. No build, no apply.
 *
 * @throws LookupError NO_VERSION when `to` has no published version or the previous version is unknown
 */
export async function rollback(context: RolloutContext, to: string | undefined): Promise<RolloutOutcome> {
  const live = await readLive(context.target);
  const versions = await listVersions(context.target);
  let target: PublishedVersion;
  if (to === undefined) {
    target = await previousVersion(context, live, versions);
  } else {
    const serving = versions.filter((v) => v.runId === to).at(-1);
    if (!serving) {
      throw new LookupError(
        'NO_VERSION',
        `no published version of ${context.target.functionName} serves run ${to} ` +
          `(published: ${versions.map((v) => `${v.version}=${v.runId.slice(0, 8)}`).join(', ')}); promote it instead`,
      );
    }
    target = serving;
  }
  if (target.version === live.version.version) {
    return { exitCode: EXIT_CODES.ok, summary: `${describe(live.version)} is live already; nothing changed` };
  }
  const run = await context.resolve(target.runId);
  // A rollback is the way out: a failed smoke test is reported, but live stays where it was sent.
  const { smoke } = await swap(context, live, target, run, false);
  await syncLatest(context, target.runId);
  const entry = await record(context, {
    action: 'rollback',
    outcome: 'live',
    from: { runId: live.version.runId, version: live.version.version },
    to: { runId: target.runId, version: target.version },
    smoke: smokeSummary(smoke),
  });
  return {
    exitCode: smoke.passed ? EXIT_CODES.ok : EXIT_CODES.failed,
    summary: smoke.passed
      ? `rolled back: ${describe(target)} is live`
      : `rolled back to ${describe(target)}, but its smoke test failed: ${smoke.detail}`,
    record: entry,
  };
}

/**
 * After an apply: moves `live` to the newest version when it serves the live run (a code or configuration change),
 * with a smoke test and a move back on failure. Also publishes the live run to the bucket if it is missing (the first
 * deploy).
 */
export async function rollForward(context: RolloutContext): Promise<RolloutOutcome> {
  const live = await readLive(context.target);
  const run = await context.resolve(live.version.runId);
  if (await publishIfAbsent(context.target, context.store, run)) {
    context.log(`published the live run ${run.runId} to s3://${context.store.bucket}/`);
  }
  const newest = (await listVersions(context.target)).at(-1);
  if (!newest || newest.version === live.version.version) {
    return {
      exitCode: EXIT_CODES.ok,
      summary: `${context.target.alias} is on the newest version: ${describe(live.version)}`,
    };
  }
  if (newest.runId !== live.version.runId) {
    return {
      exitCode: EXIT_CODES.ok,
      summary:
        `not moving ${context.target.alias}: the newest ${describe(newest)} serves another run than ${describe(live.version)}; ` +
        'change runs with npm run model:promote',
    };
  }
  const { smoke, reverted } = await swap(context, live, newest, run, true);
  const entry = await record(context, {
    action: 'deploy',
    outcome: reverted ? 'rolled-back' : 'live',
    from: { runId: live.version.runId, version: live.version.version },
    to: { runId: newest.runId, version: newest.version },
    smoke: smokeSummary(smoke),
  });
  return reverted
    ? {
        exitCode: EXIT_CODES.failed,
        summary: `the new version failed its smoke test; live stays on ${describe(live.version)}`,
        record: entry,
      }
    : { exitCode: EXIT_CODES.ok, summary: `${describe(newest)} is live (new code, same run)`, record: entry };
}

/**
 * The context the CLIs use: the model store from the function's configuration, runs resolved locally or from the
 * bucket, the real smoke test.
 */
export async function cliContext(
  target: Target,
  options: { readonly smokeTimeoutMs: number; readonly log: (line: string) => void },
): Promise<RolloutContext> {
  const store = await readModelStore(target);
  return {
    target,
    store,
    resolve: (runId) => resolveRun(runId, { target, store }),
    smoke: (run) => runSmoke({ target, run, timeoutMs: options.smokeTimeoutMs, log: options.log }),
    log: options.log,
  };
}
