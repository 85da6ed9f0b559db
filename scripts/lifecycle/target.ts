/**
 * The deployment a lifecycle command acts on, behind one shape for both: the running local stack (found through its
 * state file) or a deployed environment (names from `infra/index.ts`). Either way the commands speak the Lambda API to
 * the function and its alias, Kinesis to the streams and S3 to the model bucket — the same calls, other endpoints.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import os from 'node:os';
import { createKinesisClient, createS3Client } from '../../functions/adapters/aws-clients';
import { deploymentOf } from '../../infra/index';
import { emulatorKinesisClient, emulatorS3Client } from '../emulators/clients';
import { LOCAL_CREDENTIALS } from '../emulators/emulators';
import { readLocalStackState, type LocalStackState } from '../local-stack/state-file';
import type { Where } from './cli';

/** A deployment to operate on. */
export interface Target {
  /** `local`, `stage` or `prod`: how the registry and the output name it. */
  readonly label: string;
  readonly functionName: string;
  /** The alias the input stream's mapping invokes. */
  readonly alias: string;
  readonly inputStream: string;
  readonly predictionsStream: string;
  readonly lambda: LambdaClient;
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  /** Who acts, for the registry: the caller's AWS identity (STS), or `user@host` on the local stack. */
  who(): Promise<string>;
  /** Closes the clients. */
  destroy(): void;
}

/**
 * Connects to where the flags point.
 *
 * @throws LocalStackNotRunningError for `--local` without a running stack
 * @throws InfraError for an unknown environment or an invalid `infra/config/<env>.json`
 */
export function openTarget(where: Where): Target {
  return where.kind === 'local' ? localTarget(readLocalStackState()) : environmentTarget(where.env);
}

/** The target a running local stack announces (its state file's content); the end-to-end harness builds one too. */
export function localTarget(state: LocalStackState): Target {
  const common = { region: state.region, credentials: { ...LOCAL_CREDENTIALS } };
  const lambda = new LambdaClient({
    ...common,
    endpoint: state.lambdaEndpoint,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 30_000 }),
  });
  const kinesis = emulatorKinesisClient(state.kinesisEndpoint);
  const s3 = emulatorS3Client(state.s3Endpoint);
  return {
    label: 'local',
    functionName: state.functionName,
    alias: state.alias,
    inputStream: state.inputStream,
    predictionsStream: state.predictionsStream,
    lambda,
    kinesis,
    s3,
    // No STS on the local stack: the operating-system user stands for the caller.
    who: () => Promise.resolve(`${localUser()}@${os.hostname()}`),
    destroy: () => {
      lambda.destroy();
      kinesis.destroy();
      s3.destroy();
    },
  };
}

/** The user name, also in a container whose user has no passwd entry (where `os.userInfo()` throws). */
function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function environmentTarget(env: string): Target {
  const deployment = deploymentOf(env);
  const region = { region: deployment.region };
  const lambda = new LambdaClient(region);
  const kinesis = createKinesisClient(region);
  const s3 = createS3Client(region);
  const sts = new STSClient(region);
  return {
    label: deployment.environment,
    functionName: deployment.functionName,
    alias: deployment.alias,
    inputStream: deployment.inputStream,
    predictionsStream: deployment.outputStream,
    lambda,
    kinesis,
    s3,
    who: async () => (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? 'unknown caller',
    destroy: () => {
      lambda.destroy();
      kinesis.destroy();
      s3.destroy();
      sts.destroy();
    },
  };
}
