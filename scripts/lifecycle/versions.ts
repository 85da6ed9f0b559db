/**
 * The function's versions and its alias, through the Lambda API (the local stack serves the same API): which version
 * is live and which run it serves, every published version's run, publishing a version for a run, moving the alias.
 * A version's `RUN_ID` is read from `ListVersionsByFunction` on the unqualified function, so the caller needs no
 * permission on qualified ARNs (docs/model-lifecycle.md, "Who may do this").
 */
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  paginateListVersionsByFunction,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdated,
  type AliasConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { DEFAULT_EXPERIMENT_ID } from '../../model/src/contract';
import { LookupError, RolloutError } from './errors';
import type { Target } from './target';

/** A published version and the model run frozen into it. */
export interface PublishedVersion {
  readonly version: string;
  /** Its `RUN_ID`. */
  readonly runId: string;
  readonly description: string;
}

/** The alias and the version it names. */
export interface LiveState {
  readonly version: PublishedVersion;
  /** The alias's revision: moving it with this fails if someone else moved it meanwhile. */
  readonly aliasRevisionId: string | undefined;
}

/** Where the function reads its models (from its own configuration: `MODEL_BUCKET`, `EXPERIMENT_ID`). */
export interface ModelStore {
  readonly bucket: string;
  readonly experimentId: string;
}

/** Longest wait for `$LATEST` to finish updating (Lambda usually takes a few seconds). */
const UPDATE_WAIT_SECONDS = 300;

function notFound(target: Target, error: unknown): never {
  throw new LookupError(
    'NO_FUNCTION',
    `function ${target.functionName} does not exist on ${target.label}: deploy it first (npm run deploy -- ${target.label})`,
    { cause: error },
  );
}

function toVersion(configuration: FunctionConfiguration): PublishedVersion {
  return {
    version: configuration.Version ?? '',
    runId: configuration.Environment?.Variables?.RUN_ID ?? '',
    description: configuration.Description ?? '',
  };
}

/**
 * The model bucket and experiment from `$LATEST`'s configuration.
 *
 * @throws LookupError NO_FUNCTION when the function does not exist
 */
export async function readModelStore(target: Target): Promise<ModelStore> {
  let configuration: FunctionConfiguration;
  try {
    configuration = await target.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: target.functionName }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) notFound(target, error);
    throw error;
  }
  const variables = configuration.Environment?.Variables ?? {};
  const bucket = variables.MODEL_BUCKET;
  if (bucket === undefined || bucket === '') {
    throw new LookupError(
      'NO_FUNCTION',
      `function ${target.functionName} has no MODEL_BUCKET in its configuration`,
    );
  }
  return { bucket, experimentId: variables.EXPERIMENT_ID ?? DEFAULT_EXPERIMENT_ID };
}

/**
 * Every published version, oldest first (`$LATEST` excluded).
 *
 * @throws LookupError NO_FUNCTION when the function does not exist
 */
export async function listVersions(target: Target): Promise<PublishedVersion[]> {
  const versions: PublishedVersion[] = [];
  try {
    for await (const page of paginateListVersionsByFunction(
      { client: target.lambda },
      { FunctionName: target.functionName },
    )) {
      for (const configuration of page.Versions ?? []) {
        if (configuration.Version !== '$LATEST') versions.push(toVersion(configuration));
      }
    }
  } catch (error) {
    if (error instanceof ResourceNotFoundException) notFound(target, error);
    throw error;
  }
  return versions.sort((a, b) => Number(a.version) - Number(b.version));
}

/**
 * The alias and the run its version serves.
 *
 * @throws LookupError NO_ALIAS when the function has no such alias yet; NO_FUNCTION when there is no function
 */
export async function readLive(target: Target): Promise<LiveState> {
  let alias: AliasConfiguration;
  try {
    alias = await target.lambda.send(
      new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new LookupError(
        'NO_ALIAS',
        `function ${target.functionName} on ${target.label} has no alias ${target.alias} yet: ` +
          `deploy with npm run deploy -- ${target.label}, which creates it (${error.message})`,
        { cause: error },
      );
    }
    throw error;
  }
  const number = alias.FunctionVersion ?? '';
  const version = (await listVersions(target)).find((v) => v.version === number);
  if (!version) {
    throw new LookupError(
      'NO_VERSION',
      `alias ${target.alias} names version ${number}, which is not published`,
    );
  }
  return { version, aliasRevisionId: alias.RevisionId };
}

/**
 * Publishes a version of the function that serves `runId`: sets `$LATEST`'s `RUN_ID` (keeping every other variable),
 * waits for the update to finish, then publishes `$LATEST` as a new immutable version. Publishing takes the current
 * code too, so the new version is the current code with the new run.
 *
 * @throws RolloutError when the update fails or the published version does not carry `runId`
 */
export async function publishRunVersion(
  target: Target,
  runId: string,
  log: (line: string) => void,
): Promise<PublishedVersion> {
  const { lambda, functionName } = target;
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const variables = latest.Environment?.Variables ?? {};
  let revisionId = latest.RevisionId;
  if (variables.RUN_ID !== runId) {
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: functionName,
        Environment: { Variables: { ...variables, RUN_ID: runId } },
        // Fails if someone changed $LATEST since we read it, instead of silently dropping their change.
        RevisionId: revisionId,
      }),
    );
    log(`$LATEST: RUN_ID ${variables.RUN_ID ?? '(unset)'} → ${runId}`);
    const waited = await waitUntilFunctionUpdated(
      { client: lambda, maxWaitTime: UPDATE_WAIT_SECONDS, minDelay: 1, maxDelay: 5 },
      { FunctionName: functionName },
    );
    revisionId = waited.final?.RevisionId ?? updated.RevisionId;
  }
  const published = await lambda.send(
    new PublishVersionCommand({
      FunctionName: functionName,
      Description: `run ${runId}`,
      RevisionId: revisionId,
    }),
  );
  const version = toVersion(published);
  if (published.State !== undefined && published.State !== 'Active') {
    await waitForActive(target, version.version, log);
  }
  if (version.runId !== runId) {
    throw new RolloutError(
      'ROLLOUT_FAILED',
      `version ${version.version} carries RUN_ID ${version.runId}, not ${runId}: $LATEST changed meanwhile; try again`,
    );
  }
  log(`published version ${version.version} (run ${runId})`);
  return version;
}

/** How often, and how long, to look at a new version that is not active yet. */
const ACTIVE_POLL = { intervalMs: 2_000, timeoutMs: 300_000 } as const;

/**
 * Waits until a new version is `Active` (image functions may start `Pending`), reading its state from the version
 * list: the SDK's waiter reads the qualified version, which would need permission on every qualified ARN.
 *
 * @throws RolloutError when it fails or stays pending
 */
async function waitForActive(target: Target, version: string, log: (line: string) => void): Promise<void> {
  log(`version ${version} is not active yet; waiting`);
  const deadline = Date.now() + ACTIVE_POLL.timeoutMs;
  for (;;) {
    let state: string | undefined;
    for await (const page of paginateListVersionsByFunction(
      { client: target.lambda },
      { FunctionName: target.functionName },
    )) {
      state = page.Versions?.find((v) => v.Version === version)?.State ?? state;
    }
    if (state === 'Active') return;
    if (state === 'Failed' || Date.now() > deadline) {
      throw new RolloutError(
        'ROLLOUT_FAILED',
        `version ${version} is ${state ?? 'gone'}, not Active; live was not moved`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, ACTIVE_POLL.intervalMs));
  }
}

/**
 * Points the alias at `version`.
 *
 * @param revisionId - the alias revision read before: the move fails (PreconditionFailedException) if someone else
 *   moved the alias since, rather than overwriting their move
 */
export async function moveAlias(
  target: Target,
  version: string,
  revisionId: string | undefined,
): Promise<AliasConfiguration> {
  return target.lambda.send(
    new UpdateAliasCommand({
      FunctionName: target.functionName,
      Name: target.alias,
      FunctionVersion: version,
      ...(revisionId === undefined ? {} : { RevisionId: revisionId }),
    }),
  );
}
