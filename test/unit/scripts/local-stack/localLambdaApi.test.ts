import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  paginateListVersionsByFunction,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdated,
} from '@aws-sdk/client-lambda';
import { startLambdaApi, type LambdaApi } from '../../../../scripts/local-stack/lambda-api';
import { LocalFunction, type VersionHandler } from '../../../../scripts/local-stack/local-function';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:wine-quality-scorer';

describe("the local stack's function behind Lambda's API", () => {
  let fn: LocalFunction;
  let api: LambdaApi;
  let client: LambdaClient;
  const built: Record<string, string>[] = [];

  beforeEach(async () => {
    built.length = 0;
    fn = new LocalFunction({
      name: 'wine-quality-scorer',
      arn: ARN,
      environment: { RUN_ID: 'run-a', MODEL_BUCKET: 'wine-models' },
      buildVersion: (environment) => {
        built.push({ ...environment });
        const handler: VersionHandler = () => Promise.resolve({ ran: environment.RUN_ID });
        return handler;
      },
    });
    fn.createAlias('live', fn.publishVersion({ description: 'run run-a' }).Version);
    api = await startLambdaApi(fn, 0);
    client = new LambdaClient({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    client.destroy();
    await api.close();
  });

  it('publishes an immutable version per configuration and moves the alias the poller resolves', async () => {
    // Prepare
    const latest = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'wine-quality-scorer' }),
    );

    // Act
    const updated = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'wine-quality-scorer',
        Environment: { Variables: { ...latest.Environment?.Variables, RUN_ID: 'run-b' } },
        RevisionId: latest.RevisionId,
      }),
    );
    await waitUntilFunctionUpdated(
      { client, maxWaitTime: 10, minDelay: 1 },
      { FunctionName: 'wine-quality-scorer' },
    );
    const published = await client.send(
      new PublishVersionCommand({
        FunctionName: ARN,
        Description: 'run run-b',
        RevisionId: updated.RevisionId,
      }),
    );
    const alias = await client.send(
      new GetAliasCommand({ FunctionName: 'wine-quality-scorer', Name: 'live' }),
    );
    const before = fn.resolve('live');
    await client.send(
      new UpdateAliasCommand({
        FunctionName: 'wine-quality-scorer',
        Name: 'live',
        FunctionVersion: published.Version,
        RevisionId: alias.RevisionId,
      }),
    );
    const after = fn.resolve('live');

    // Assess
    expect(published).toMatchObject({ Version: '2', FunctionArn: `${ARN}:2`, State: 'Active' });
    expect(published.Environment?.Variables).toEqual({ RUN_ID: 'run-b', MODEL_BUCKET: 'wine-models' });
    expect([before.version, before.runId, after.version, after.runId]).toEqual(['1', 'run-a', '2', 'run-b']);
    expect(await after.handler({ Records: [] }, {} as never)).toEqual({ ran: 'run-b' });
    expect(built.map((env) => env.RUN_ID)).toEqual(['run-a', 'run-b']);
  });

  it('lists $LATEST and every version, and publishes nothing new when nothing changed', async () => {
    // Act
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'wine-quality-scorer' }));
    const versions = [];
    for await (const page of paginateListVersionsByFunction(
      { client, pageSize: 1 },
      { FunctionName: 'wine-quality-scorer' },
    )) {
      versions.push(...(page.Versions ?? []).map((v) => [v.Version, v.Environment?.Variables?.RUN_ID]));
    }

    // Assess
    expect(again.Version).toBe('1');
    expect(versions).toEqual([
      ['$LATEST', 'run-a'],
      ['1', 'run-a'],
    ]);
  });

  it("answers with Lambda's named errors: unknown alias or version, stale revision", async () => {
    // Act
    const missingAlias = client.send(
      new GetAliasCommand({ FunctionName: 'wine-quality-scorer', Name: 'canary' }),
    );
    const missingVersion = client.send(
      new UpdateAliasCommand({ FunctionName: 'wine-quality-scorer', Name: 'live', FunctionVersion: '7' }),
    );
    const stale = client.send(
      new UpdateAliasCommand({
        FunctionName: 'wine-quality-scorer',
        Name: 'live',
        FunctionVersion: '1',
        RevisionId: 'not-the-current-one',
      }),
    );
    const otherFunction = client.send(new GetFunctionConfigurationCommand({ FunctionName: 'someone-else' }));

    // Assess
    await expect(missingAlias).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missingAlias).rejects.toThrow(`Alias not found: ${ARN}:canary`);
    await expect(missingVersion).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedException);
    await expect(otherFunction).rejects.toThrow('Function not found: someone-else');
    expect(fn.resolve('live').version).toBe('1');
  });
});
