/**
 * Room `scripts/local-stack/` — one job: `npm start` and `npm run demo`. Its configuration and local defaults
 * (`config.ts`, docs/contract.md §7), the stack assembly below, the console output, the committed runs published to
 * the local bucket, and the demo with its drift variant. It composes the other rooms; none of them imports it but for
 * the local defaults.
 *
 * The embedded local stack: kinesis-mock and s3rver on loopback, the input and output streams, the model bucket with
 * the committed runs published, and the real handler (`functions/handler.ts`, imported in-process) behind the
 * Lambda-like event-source poller. As on AWS, the handler runs as a published version of the function with its
 * `RUN_ID` frozen in, and the poller invokes the alias `live`, resolved before every batch; a small Lambda API
 * (`lambda-api.ts`) lets the lifecycle commands publish versions and move the alias while the stack runs.
 * `npm start` and `npm run demo` are thin CLIs around {@link startLocalStack}.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTelemetry } from '../../functions/adapters/observability';
import { createDefaultBatchHandler, type BatchHandler } from '../../functions/batch';
import { parseBatchConfig } from '../../functions/batch/config';
import { createBatchTrigger, type BatchTriggerOutcome } from './batchTrigger';
import { LOCAL_FUNCTION_NAME, ON_FAILURE_PREFIX, type LocalStackConfig } from './config';
import { QUARANTINE_PREFIX } from '../../functions/contract/names';
import { parseQuarantineKey } from '../../functions/core/quarantine';
import { emulatorKinesisClient, emulatorS3Client } from '../emulators/clients';
import { LOCAL_REGION, startKinesisMock, startS3rver, type KinesisMock } from '../emulators/emulators';
import { LIVE_ALIAS } from '../../infra/index';
import { startLambdaApi } from './lambda-api';
import type { LocalFunction } from './local-function';
import { localScoringFunction } from './scoring-function';
import { removeLocalStackState, writeLocalStackState } from './state-file';
import { publishCommittedRuns } from './models';
import {
  destinationFromLocation,
  EventSourcePoller,
  type PollerLogger,
  type PollerObserver,
} from '../poller';
import { assertPortFree } from '../emulators/ports';
import { ensureStream } from '../emulators/streams';

// Where they used to be defined; defined once in ./config (and the quarantine prefix in the function's contract).
export { LOCAL_FUNCTION_NAME, ON_FAILURE_PREFIX, QUARANTINE_PREFIX };

export interface LocalStackHooks {
  /** Progress of the poller (one report per invocation, one per discarded batch). */
  readonly observer?: PollerObserver;
  /** The poller's own messages (outages, discards). */
  readonly logger?: PollerLogger;
  /** EMF metrics on stdout, as in Lambda (the drift demo reads them); default off. */
  readonly emitMetrics?: boolean;
  /** Called when the handler stores a quarantine object, with the source coordinates from its key. */
  readonly onQuarantined?: (shardId: string, sequenceNumber: string) => void;
  /** Called once per file dropped under `batch/input/` of the model bucket, when the batch handler is done with it. */
  readonly onBatchFile?: (outcome: BatchTriggerOutcome) => void;
  /**
   * Announce the running stack in this file (`npm start`: `config.stateFile`) so `--local` commands in another
   * process find it; removed on stop. Unset: not announced (the demo, tests that drive the stack in-process).
   */
  readonly stateFile?: string;
}

export interface LocalStack {
  readonly config: LocalStackConfig;
  /** The run the stack started with (version 1 of the function; the alias may have moved since). */
  readonly runId: string;
  /** Every run published to the model bucket. */
  readonly publishedRuns: readonly string[];
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  /** The local Lambda API: the `endpoint` of a `LambdaClient` for {@link LocalStack.function}. */
  readonly lambdaEndpoint: string;
  /** The function: `$LATEST`, its published versions and the alias the poller invokes. */
  readonly function: LocalFunction;
  readonly dir: string;
  readonly kinesisLog: string;
  readonly quarantineLocation: string;
  readonly onFailureLocation: string;
  readonly poller: EventSourcePoller;
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  /** Resolves once every file dropped under `batch/input/` so far has been scored (or refused). */
  batchIdle(): Promise<void>;
  /** Resolves with a message if kinesis-mock exits while the stack runs (nothing restarts it here). */
  readonly emulatorExited: Promise<string>;
  /** Stops the poller (letting an in-flight batch finish), then the emulators; removes a temp folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The function's environment in the local stack, as the deployed function's (docs/contract.md §5): the emulators'
 * streams, bucket and run. It is `$LATEST`'s configuration; each published version freezes a copy.
 */
export function functionEnvironment(stack: {
  readonly config: LocalStackConfig;
  readonly runId: string;
}): Record<string, string> {
  const { config } = stack;
  return {
    PREDICTIONS_STREAM_NAME: config.predictionsStream,
    MODEL_BUCKET: config.bucket,
    EXPERIMENT_ID: config.experimentId,
    RUN_ID: stack.runId,
    QUARANTINE_LOCATION: `s3://${config.bucket}/${QUARANTINE_PREFIX}`,
    TEST_RUN: 'False',
  };
}

/**
 * Starts everything, in order, and returns once the handler has loaded the model and the poller reads the input
 * stream. If a step fails, whatever already started is stopped before the error propagates.
 *
 * @throws {Error} naming the port and the variable to change when a port is taken
 */
export async function startLocalStack(
  config: LocalStackConfig,
  hooks: LocalStackHooks = {},
): Promise<LocalStack> {
  await assertPortFree(config.kinesisPort, 'Kinesis emulator; set LOCAL_KINESIS_PORT to use another');
  await assertPortFree(config.s3Port, 'S3 emulator; set LOCAL_S3_PORT to use another');
  if (config.lambdaPort !== 0) {
    await assertPortFree(config.lambdaPort, 'local Lambda API; set LOCAL_LAMBDA_PORT to use another');
  }

  const dir = config.dir
    ? path.resolve(config.dir)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'wine-local-stack-'));
  fs.mkdirSync(dir, { recursive: true });
  const kinesisLog = path.join(dir, 'kinesis-mock.log');
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (!config.dir) fs.rmSync(dir, { recursive: true, force: true });
  };

  // The batch handler exists once the model is published; files dropped earlier cannot exist (the bucket is new).
  let batchHandler: BatchHandler | undefined;
  const batchTrigger = createBatchTrigger({
    bucket: config.bucket,
    handler: () => batchHandler,
    onOutcome: (outcome) => hooks.onBatchFile?.(outcome),
  });

  try {
    const started = await Promise.allSettled([
      startKinesisMock({ port: config.kinesisPort, logFile: kinesisLog }),
      startS3rver({
        port: config.s3Port,
        directory: path.join(dir, 's3'),
        buckets: [config.bucket],
        onObjectCreated: (bucket, key, size) => {
          const quarantined =
            bucket === config.bucket ? parseQuarantineKey(key, QUARANTINE_PREFIX) : undefined;
          if (quarantined) hooks.onQuarantined?.(quarantined.shardId, quarantined.sequenceNumber);
          batchTrigger.onObjectCreated(bucket, key, size);
        },
      }),
    ]);
    const [kinesisStart, s3Start] = started;
    // The handler's SDK clients keep idle connections open that only process exit closes, and kinesis-mock's graceful
    // shutdown waits for them: half a second of grace, then SIGKILL (its data is in memory or already persisted).
    if (kinesisStart.status === 'fulfilled') cleanups.push(() => kinesisStart.value.stop({ graceMs: 500 }));
    if (s3Start.status === 'fulfilled') cleanups.push(() => s3Start.value.stop());
    if (kinesisStart.status === 'rejected') throw kinesisStart.reason;
    if (s3Start.status === 'rejected') throw s3Start.reason;
    const kinesisMock = kinesisStart.value;
    const s3rver = s3Start.value;

    const kinesis = emulatorKinesisClient(kinesisMock.endpoint);
    const s3 = emulatorS3Client(s3rver.endpoint);
    cleanups.push(() => {
      kinesis.destroy();
      s3.destroy();
      return Promise.resolve();
    });
    await Promise.all([
      ensureStream(kinesis, config.inputStream, config.inputShards),
      ensureStream(kinesis, config.predictionsStream, 1),
    ]);
    const { runId, published } = await publishCommittedRuns({
      client: s3,
      bucket: config.bucket,
      experimentId: config.experimentId,
      runId: config.runId,
    });

    const telemetry = createTelemetry({
      serviceName: LOCAL_FUNCTION_NAME,
      logLevel: config.logLevel,
      emitMetrics: hooks.emitMetrics ?? false,
    });
    const fn = localScoringFunction({
      name: LOCAL_FUNCTION_NAME,
      environment: functionEnvironment({ config, runId }),
      clients: { kinesis, s3 },
      telemetry,
    });
    const first = fn.publishVersion({ description: `run ${runId}` });
    fn.createAlias(LIVE_ALIAS, first.Version, 'the version the input stream mapping invokes');
    // An empty batch loads the model now, so a bad RUN_ID or an unreadable model fails npm start at once rather than
    // on the first record.
    await fn.initialize(LIVE_ALIAS);
    const lambdaApi = await startLambdaApi(fn, config.lambdaPort);
    cleanups.push(() => lambdaApi.close());

    const endpoints = {
      kinesisEndpoint: kinesisMock.endpoint,
      s3Endpoint: s3rver.endpoint,
      lambdaEndpoint: lambdaApi.endpoint,
    };

    batchHandler = createDefaultBatchHandler(
      parseBatchConfig({ MODEL_BUCKET: config.bucket, EXPERIMENT_ID: config.experimentId, RUN_ID: runId }),
      {
        s3,
        telemetry: createTelemetry({
          serviceName: `${LOCAL_FUNCTION_NAME}-batch`,
          logLevel: config.logLevel,
          emitMetrics: hooks.emitMetrics ?? false,
        }),
      },
    );
    cleanups.push(() => batchTrigger.idle());

    const onFailure = destinationFromLocation(
      config.poller.onFailure ?? `s3://${config.bucket}/${ON_FAILURE_PREFIX}`,
      s3,
    );
    const poller = await EventSourcePoller.start({
      client: kinesis,
      alias: fn.resolver(LIVE_ALIAS),
      onFailure,
      ...(hooks.logger ? { logger: hooks.logger } : {}),
      ...(hooks.observer ? { observer: hooks.observer } : {}),
      streamName: config.inputStream,
      startingPosition: 'TRIM_HORIZON',
      batchSize: config.poller.batchSize,
      maximumBatchingWindowMs: config.poller.maximumBatchingWindowMs,
      maximumRetryAttempts: config.poller.maximumRetryAttempts,
      maximumRecordAgeMs: config.poller.maximumRecordAgeMs,
      functionTimeoutMs: config.poller.functionTimeoutMs,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      pollIntervalMs: 250,
      functionName: LOCAL_FUNCTION_NAME,
    });
    cleanups.push(() => poller.stop());

    const { stateFile } = hooks;
    if (stateFile !== undefined) {
      writeLocalStackState(stateFile, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        region: LOCAL_REGION,
        ...endpoints,
        bucket: config.bucket,
        experimentId: config.experimentId,
        inputStream: config.inputStream,
        predictionsStream: config.predictionsStream,
        functionName: LOCAL_FUNCTION_NAME,
        alias: LIVE_ALIAS,
      });
      // First to go on stop: no --local command should find a stack that is shutting down.
      cleanups.push(() => {
        removeLocalStackState(stateFile, process.pid);
        return Promise.resolve();
      });
    }

    return {
      config,
      runId,
      publishedRuns: published,
      ...endpoints,
      function: fn,
      dir,
      kinesisLog,
      quarantineLocation: `s3://${config.bucket}/${QUARANTINE_PREFIX}`,
      onFailureLocation: onFailure.location,
      poller,
      kinesis,
      s3,
      batchIdle: () => batchTrigger.idle(),
      emulatorExited: watchEmulator(kinesisMock, kinesisLog, () => stopping),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function watchEmulator(kinesisMock: KinesisMock, logFile: string, stopping: () => boolean): Promise<string> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (stopping()) clearInterval(timer);
      if (stopping() || kinesisMock.alive()) return;
      clearInterval(timer);
      resolve(`kinesis-mock (pid ${kinesisMock.pid}) exited unexpectedly; its log: ${logFile}`);
    }, 500);
    timer.unref();
  });
}
