import { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSignature, runDir } from '../../../../model';
import type { Comparison } from '../../../../scripts/lifecycle/comparison';
import { EXIT_CODES, LookupError } from '../../../../scripts/lifecycle/errors';
import { decide, type GateFigures } from '../../../../scripts/lifecycle/gate';
import { contractFigures } from '../../../../scripts/lifecycle/input-contract';
import { registryRecordSchema, type RegistryRecord } from '../../../../scripts/lifecycle/registry';
import { promote, rollback, rollForward, type RolloutContext } from '../../../../scripts/lifecycle/rollout';
import type { ResolvedRun } from '../../../../scripts/lifecycle/runs';
import type { SmokeResult } from '../../../../scripts/lifecycle/smoke';
import type { Target } from '../../../../scripts/lifecycle/target';

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);

const LIVE_RUN = '1530befaaa6a54acdb34d0bb244882e7';
const CANDIDATE = '7572c494b7f99282d107a36e098bf452';
const FUNCTION = 'wine-quality-stage-scorer';
const BUCKET = 'wine-quality-stage-models-abc';

/** A Lambda function as the API shows it: $LATEST, published versions, the alias; every call logged on `timeline`. */
class FakeFunction {
  latest: Record<string, string> = {
    RUN_ID: LIVE_RUN,
    MODEL_BUCKET: BUCKET,
    EXPERIMENT_ID: '1',
    LOG_LEVEL: 'INFO',
  };
  latestRevision = 1;
  versions: { Version: string; RUN_ID: string }[] = [
    { Version: '1', RUN_ID: LIVE_RUN },
    { Version: '3', RUN_ID: LIVE_RUN },
  ];
  alias = { version: '3', revision: 1 };
  aliasExists = true;

  constructor(private readonly timeline: string[]) {}

  configuration(): FunctionConfiguration {
    return {
      Version: '$LATEST',
      Environment: { Variables: { ...this.latest } },
      RevisionId: `latest-${this.latestRevision}`,
      LastUpdateStatus: 'Successful',
    };
  }

  install(): void {
    lambda
      .on(GetAliasCommand)
      .callsFake(() => {
        this.timeline.push('GetAlias');
        if (!this.aliasExists) {
          throw new ResourceNotFoundException({ message: 'Cannot find alias arn: live', $metadata: {} });
        }
        return { FunctionVersion: this.alias.version, RevisionId: `alias-${this.alias.revision}` };
      })
      .on(ListVersionsByFunctionCommand)
      .callsFake(() => {
        this.timeline.push('ListVersionsByFunction');
        return {
          Versions: [
            this.configuration(),
            ...this.versions.map((v) => ({
              Version: v.Version,
              Environment: { Variables: { RUN_ID: v.RUN_ID } },
            })),
          ],
        };
      })
      .on(GetFunctionConfigurationCommand)
      .callsFake(() => {
        this.timeline.push('GetFunctionConfiguration');
        return this.configuration();
      })
      .on(UpdateFunctionConfigurationCommand)
      .callsFake((input: { Environment: { Variables: Record<string, string> }; RevisionId: string }) => {
        this.timeline.push(
          `UpdateFunctionConfiguration RUN_ID=${input.Environment.Variables.RUN_ID?.slice(0, 8)}`,
        );
        if (input.RevisionId !== `latest-${this.latestRevision}`) throw new Error('PreconditionFailed');
        this.latest = { ...input.Environment.Variables };
        this.latestRevision += 1;
        return { ...this.configuration(), LastUpdateStatus: 'InProgress' };
      })
      .on(PublishVersionCommand)
      .callsFake((input: { RevisionId: string; Description: string }) => {
        this.timeline.push(`PublishVersion ${input.Description}`);
        if (input.RevisionId !== `latest-${this.latestRevision}`) throw new Error('PreconditionFailed');
        const version = String(Number(this.versions.at(-1)?.Version ?? '0') + 1);
        this.versions.push({ Version: version, RUN_ID: this.latest.RUN_ID ?? '' });
        return { Version: version, Environment: { Variables: { ...this.latest } }, State: 'Active' };
      })
      .on(UpdateAliasCommand)
      .callsFake((input: { FunctionVersion: string; RevisionId?: string }) => {
        this.timeline.push(`UpdateAlias → ${input.FunctionVersion}`);
        if (input.RevisionId !== `alias-${this.alias.revision}`) throw new Error('PreconditionFailed');
        this.alias = { version: input.FunctionVersion, revision: this.alias.revision + 1 };
        return { FunctionVersion: input.FunctionVersion, RevisionId: `alias-${this.alias.revision}` };
      });
  }
}

function body(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: () => Promise.resolve(text) } as unknown as GetObjectCommandOutput['Body'];
}

function resolved(runId: string): ResolvedRun {
  return {
    runId,
    dir: runDir(runId),
    origin: `model/artifacts/${runId}`,
    signature: loadSignature(runDir(runId)),
  };
}

const smokeResult = (run: string, passed: boolean): SmokeResult => ({
  passed,
  runId: run,
  checks: [],
  detail: passed ? '5/5 canary predictions match' : '1/5 canaries failed: written by run x',
});

function comparison(verdict: 'PROMOTE' | 'REFUSE'): Comparison {
  const figures: GateFigures = {
    rows: verdict === 'PROMOTE' ? 212 : 150,
    classes: [5, 6],
    baseline: { runId: LIVE_RUN, accuracy: 0.61, macroF1: 0.31, perClass: [], confusion: [] },
    candidate: { runId: CANDIDATE, accuracy: 0.64, macroF1: 0.4, perClass: [], confusion: [] },
    difference: {
      accuracy: 0.03,
      discordant: { baselineOnly: 14, candidateOnly: 20 },
      mcnemarP: 0.39,
      bootstrap95: { low: -0.03, high: 0.08 },
    },
    contract: contractFigures(
      ['alcohol'],
      { runId: LIVE_RUN, role: 'live', features: ['alcohol'] },
      { notDone: 'test' },
    ),
  };
  return {
    candidate: resolved(CANDIDATE),
    baseline: resolved(LIVE_RUN),
    live: undefined,
    store: undefined,
    rows: {
      description: 'test rows',
      table: { file: 't', rows: 0, columns: {} as never, quality: new Int32Array() },
      indices: [],
    },
    figures,
    result: decide(figures),
  };
}

describe('the lifecycle on AWS (Lambda, S3 and the registry mocked)', () => {
  let timeline: string[];
  let fn: FakeFunction;
  let records: RegistryRecord[];
  let smokePasses: boolean;
  let context: RolloutContext;

  /** Promotes the candidate with a comparison of the given verdict. */
  const promoteCandidate = (
    verdict: 'PROMOTE' | 'REFUSE',
    override: { force?: boolean; reason?: string } = {},
  ) =>
    promote(context, {
      run: resolved(CANDIDATE),
      comparison: comparison(verdict),
      force: false,
      ...override,
    });

  beforeEach(() => {
    lambda.reset();
    s3.reset();
    timeline = [];
    records = [];
    smokePasses = true;
    fn = new FakeFunction(timeline);
    fn.install();
    s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
      timeline.push(`HeadObject ${input.Key}`);
      return {};
    });
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string; IfNoneMatch?: string }) => {
      timeline.push(
        `PutObject ${input.Key.replace(/\/[^/]+$/, '/…')} IfNoneMatch=${input.IfNoneMatch ?? ''}`,
      );
      if (input.Key.includes('/registry/')) records.push(registryRecordSchema.parse(JSON.parse(input.Body)));
      return {};
    });
    const target: Target = {
      label: 'stage',
      functionName: FUNCTION,
      alias: 'live',
      inputStream: 'wine-quality-stage-input',
      predictionsStream: 'wine-quality-stage-predictions',
      lambda: new LambdaClient({ region: 'eu-west-1' }),
      kinesis: new KinesisClient({ region: 'eu-west-1' }),
      s3: new S3Client({ region: 'eu-west-1' }),
      who: () => Promise.resolve('arn:aws:sts::123456789012:assumed-role/deployer/ci'),
      destroy: () => undefined,
    };
    context = {
      target,
      store: { bucket: BUCKET, experimentId: '1' },
      resolve: (runId) => Promise.resolve(resolved(runId)),
      smoke: (run) => {
        timeline.push(`smoke ${run.runId.slice(0, 8)}`);
        return Promise.resolve(smokeResult(run.runId, smokePasses));
      },
      log: () => undefined,
      now: () => new Date('2026-12-02T10:00:00.000Z'),
    };
  });

  it('promotes: publishes a version with the run, moves live, smoke-tests it, then records — in that order', async () => {
    // Act
    const outcome = await promoteCandidate('PROMOTE');

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.ok);
    expect(timeline).toEqual([
      'GetAlias',
      'ListVersionsByFunction',
      `HeadObject 1/${CANDIDATE}/artifacts/model/signature.json`,
      'GetFunctionConfiguration',
      'UpdateFunctionConfiguration RUN_ID=7572c494',
      'GetFunctionConfiguration', // the waiter, until LastUpdateStatus is Successful
      `PublishVersion run ${CANDIDATE}`,
      'UpdateAlias → 4',
      'smoke 7572c494',
      'PutObject 1/registry/stage/… IfNoneMatch=*',
    ]);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Environment: {
        Variables: { RUN_ID: CANDIDATE, MODEL_BUCKET: BUCKET, EXPERIMENT_ID: '1', LOG_LEVEL: 'INFO' },
      },
      RevisionId: 'latest-1',
    });
    expect(lambda.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Name: 'live',
      FunctionVersion: '4',
      RevisionId: 'alias-1',
    });
    expect(records).toEqual([
      expect.objectContaining({
        at: '2026-12-02T10:00:00.000Z',
        who: 'arn:aws:sts::123456789012:assumed-role/deployer/ci',
        environment: 'stage',
        action: 'promote',
        outcome: 'live',
        from: { runId: LIVE_RUN, version: '3' },
        to: { runId: CANDIDATE, version: '4' },
        forced: false,
        gate: expect.objectContaining({ verdict: 'PROMOTE', rows: 212, mcnemarP: 0.39 }) as unknown,
        smoke: expect.objectContaining({ passed: true }) as unknown,
      }),
    ]);
  });

  it('moves live straight back when the smoke test fails, restores $LATEST, records it and exits 1', async () => {
    // Prepare
    smokePasses = false;

    // Act
    const outcome = await promoteCandidate('PROMOTE');

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.failed);
    expect(outcome.summary).toMatch(/^smoke test failed, live moved back to version 3/);
    expect(timeline.slice(timeline.indexOf('UpdateAlias → 4'))).toEqual([
      'UpdateAlias → 4',
      'smoke 7572c494',
      'UpdateAlias → 3',
      'GetFunctionConfiguration',
      'UpdateFunctionConfiguration RUN_ID=1530befa',
      'GetFunctionConfiguration',
      'PutObject 1/registry/stage/… IfNoneMatch=*',
    ]);
    expect(lambda.commandCalls(UpdateAliasCommand)[1]?.args[0].input.RevisionId).toBe('alias-2');
    expect(fn.alias.version).toBe('3');
    expect(fn.latest.RUN_ID).toBe(LIVE_RUN);
    expect(records[0]).toMatchObject({ outcome: 'rolled-back', smoke: { passed: false } });
  });

  it('records a failed promote, restores $LATEST and says what serves when an AWS call fails midway', async () => {
    // Prepare
    lambda.on(PublishVersionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const attempt = promoteCandidate('PROMOTE');

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'ROLLOUT_FAILED', exitCode: EXIT_CODES.failed });
    await expect(attempt).rejects.toThrow(
      `promote failed: Rate exceeded; live is version 3 (run ${LIVE_RUN})`,
    );
    expect(fn.alias.version).toBe('3');
    expect(fn.latest.RUN_ID).toBe(LIVE_RUN);
    expect(records.at(-1)).toMatchObject({
      outcome: 'failed',
      to: { runId: CANDIDATE, version: null },
      error: 'Rate exceeded',
    });
  });

  it('refuses what the gate refuses: records it, changes nothing, exits 3', async () => {
    // Act
    const outcome = await promoteCandidate('REFUSE');

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.refused);
    expect(timeline.filter((call) => /^(Update|Publish)/.test(call))).toEqual([]);
    expect(records[0]).toMatchObject({
      action: 'promote',
      outcome: 'refused',
      to: { runId: CANDIDATE, version: null },
      gate: {
        verdict: 'REFUSE',
        failed: [expect.stringMatching(/^rows: only 150 evaluation rows/) as unknown],
      },
    });
  });

  it('promotes a refused run with --force, recording that it was forced and why', async () => {
    // Act
    const outcome = await promoteCandidate('REFUSE', { force: true, reason: 'hotfix for INC-42' });

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.ok);
    expect(fn.alias.version).toBe('4');
    expect(records[0]).toMatchObject({ outcome: 'live', forced: true, reason: 'hotfix for INC-42' });
  });

  it('publishes the run to the model bucket first when it is not there', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));

    // Act
    await promote(context, { run: resolved(CANDIDATE), comparison: comparison('PROMOTE'), force: false });

    // Assess
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys.slice(0, 5).every((key) => key?.startsWith(`1/${CANDIDATE}/artifacts/model/`))).toBe(true);
    expect(keys[4]).toBe(`1/${CANDIDATE}/artifacts/model/signature.json`);
    expect(keys[5]).toMatch(/^1\/registry\/stage\//);
  });

  it('rolls back to the version the newest registry record moved live from, and records it', async () => {
    // Prepare
    fn.versions.push({ Version: '4', RUN_ID: CANDIDATE });
    fn.alias = { version: '4', revision: 5 };
    fn.latest.RUN_ID = CANDIDATE;
    const previous: RegistryRecord = {
      schema: 1,
      at: '2026-12-01T09:00:00.000Z',
      who: 'ci',
      environment: 'stage',
      action: 'promote',
      outcome: 'live',
      from: { runId: LIVE_RUN, version: '3' },
      to: { runId: CANDIDATE, version: '4' },
      forced: false,
    };
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: '1/registry/stage/2026-12-01T09-00-00-000Z-promote-abcd0123.json' }],
    });
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(previous)) });

    // Act
    const outcome = await rollback(context, undefined);

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.ok);
    expect(timeline.filter((call) => /^(Update|Publish|smoke|PutObject)/.test(call))).toEqual([
      'UpdateAlias → 3',
      'smoke 1530befa',
      'UpdateFunctionConfiguration RUN_ID=1530befa',
      'PutObject 1/registry/stage/… IfNoneMatch=*',
    ]);
    expect(records.at(-1)).toMatchObject({
      action: 'rollback',
      outcome: 'live',
      from: { runId: CANDIDATE, version: '4' },
      to: { runId: LIVE_RUN, version: '3' },
    });
  });

  it('rolls back to the newest version of a named run, and refuses a run no version serves', async () => {
    // Prepare
    fn.versions.push({ Version: '4', RUN_ID: CANDIDATE });
    fn.alias = { version: '4', revision: 1 };

    // Act
    const unknown = rollback(context, '91b1c7226994a2fc47f9ea10a69dd96e');
    await expect(unknown).rejects.toThrow(LookupError);
    await expect(unknown).rejects.toThrow(
      'no published version of wine-quality-stage-scorer serves run 91b1c7226994a2fc47f9ea10a69dd96e (published: 1=1530befa, 3=1530befa, 4=7572c494); promote it instead',
    );
    const outcome = await rollback(context, LIVE_RUN);

    // Assess
    expect(outcome.exitCode).toBe(EXIT_CODES.ok);
    expect(fn.alias.version).toBe('3');
  });

  it('asks for --to when no registry record says what came before, moving nothing', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });

    // Act
    const attempt = rollback(context, undefined);

    // Assess
    await expect(attempt).rejects.toThrow(/no registry record says which version live had before version 3/);
    expect(lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('says the alias is missing (deploy first) when the function has none yet', async () => {
    // Prepare
    fn.aliasExists = false;

    // Act
    const attempt = rollback(context, undefined);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'NO_ALIAS', exitCode: EXIT_CODES.usage });
    await expect(attempt).rejects.toThrow(/has no alias live yet: deploy with npm run deploy -- stage/);
  });

  it('rolls live forward after a deploy only to a new version of the live run', async () => {
    // Prepare
    fn.versions.push({ Version: '4', RUN_ID: LIVE_RUN });

    // Act
    const moved = await rollForward(context);
    fn.versions.push({ Version: '5', RUN_ID: CANDIDATE });
    const kept = await rollForward(context);

    // Assess
    expect(moved.exitCode).toBe(EXIT_CODES.ok);
    expect(records.at(-1)).toMatchObject({ action: 'deploy', from: { version: '3' }, to: { version: '4' } });
    expect(kept.summary).toMatch(/^not moving live: the newest version 5 \(run 7572c494/);
    expect(fn.alias.version).toBe('4');
  });
});
