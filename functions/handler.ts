/**
 * Composition root of the inference function: Kinesis batch in → decode → validate → one `session.run` → prediction
 * events out (PutRecords), rejected records to quarantine (S3), and drift metrics of the scored tensor against the
 * model's `reference.json` (EMF). The exported `handler` is what Lambda calls
 * (`CMD ["handler.handler"]`); `createHandler` lets tests and the local stack inject the model, sinks and telemetry.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { parseConfig, type FunctionConfig } from './config';
import { compileDriftReference } from './core/drift/reference';
import { createDriftMonitor, type DriftMonitor, type DriftMonitorOptions } from './core/drift/monitor';
import { handleBatch } from './core/handleBatch';
import { createBatchProcessor, type BatchProcessor } from './core/processBatch';
import type { Output } from './core/sinks';
import type { PredictionEvent, Rejection } from './core/types';
import { createKinesisClient, createS3Client } from './adapters/aws-clients';
import { toInputRecords } from './adapters/kinesisEvent';
import { createKinesisPredictionSink } from './adapters/kinesisPredictionSink';
import { startModelLoading, type ReadyModel } from './adapters/modelLoader';
import {
  createTelemetry,
  reportBatch,
  reportDrift,
  reportDriftDisabled,
  reportModelLoaded,
  type Telemetry,
} from './adapters/observability';
import { createS3QuarantineSink } from './adapters/s3QuarantineSink';

/** A rejected record as the `TEST_RUN` response lists it. */
export type RejectedRecord = Pick<Rejection, 'reason' | 'detail' | 'source'>;

/** `batchItemFailures` (docs/contract.md §6); with `TEST_RUN=True` also the predictions and rejections. */
export interface FunctionResponse extends KinesisStreamBatchResponse {
  predictions?: PredictionEvent[];
  rejected?: RejectedRecord[];
}

/** The Lambda handler's signature (the context is optional so scripts and pollers can call it directly). */
export type FunctionHandler = (event: KinesisStreamEvent, context?: Context) => Promise<FunctionResponse>;

/** What the handler is assembled from. */
export interface HandlerDependencies {
  /** Returns the model, loading it on first use; shared across invocations. */
  readonly loadModel: () => Promise<ReadyModel>;
  /** Real sinks, or `{ kind: 'dry-run' }` to write nothing and return results in the response. */
  readonly output: Output;
  readonly telemetry: Telemetry;
  /** Reported in the cold-start line. */
  readonly intraOpNumThreads?: number;
  readonly maxRecordBytes?: number;
  readonly now?: () => Date;
  /** Rolling window size and minimum records of drift monitoring (which runs whenever the model has a reference). */
  readonly drift?: DriftMonitorOptions;
}

/**
 * Builds a handler from its dependencies. A model fault (load or scoring) throws, failing the whole batch so Lambda
 * retries and can bisect it; a bad record is quarantined and never reported; a record whose output could not be
 * written is reported in `batchItemFailures`.
 *
 * @example
 * const handle = createHandler({ loadModel: async () => model, output: { kind: 'dry-run' }, telemetry });
 * const { predictions } = await handle(event);
 */
export function createHandler(dependencies: HandlerDependencies): FunctionHandler {
  const { telemetry, output } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  // Per loaded model: its batch flow and its drift monitor, whose rolling window lives as long as the container.
  const prepared = new WeakMap<ReadyModel, { process: BatchProcessor; drift: DriftMonitor | undefined }>();

  function prepare(model: ReadyModel): { process: BatchProcessor; drift: DriftMonitor | undefined } {
    let ready = prepared.get(model);
    if (!ready) {
      reportModelLoaded(telemetry, model, dependencies.intraOpNumThreads ?? 1);
      const process = createBatchProcessor(model.signature, model.scorer, {
        ...(dependencies.maxRecordBytes === undefined ? {} : { maxRecordBytes: dependencies.maxRecordBytes }),
      });
      ready = { process, drift: driftMonitorFor(model) };
      prepared.set(model, ready);
    }
    return ready;
  }

  function driftMonitorFor(model: ReadyModel): DriftMonitor | undefined {
    const reference = model.reference;
    if (reference === undefined) return undefined;
    if (reference.status !== 'loaded') {
      reportDriftDisabled(telemetry, model, {
        kind: reference.status,
        location: reference.location,
        ...(reference.status === 'invalid' ? { error: reference.error } : {}),
      });
      return undefined;
    }
    let compiled;
    try {
      compiled = compileDriftReference(reference.reference, model.signature);
    } catch (error) {
      reportDriftDisabled(telemetry, model, { kind: 'invalid', location: reference.location, error });
      return undefined;
    }
    return createDriftMonitor(compiled, dependencies.drift);
  }

  return async (event, context) => {
    if (context) telemetry.logger.addContext(context);
    const records = toInputRecords(event);
    const shardId = records[0]?.source.shard_id;
    try {
      const model = await dependencies.loadModel();
      // Measured from here: a cold start's model load is reported on its own line.
      const started = performance.now();
      const runId = model.signature.run_id;
      const { process, drift } = prepare(model);
      const outcome = await handleBatch(records, { process, output, runId, now, drift });
      const dryRun = output.kind === 'dry-run';
      reportBatch(telemetry, outcome, { shardId, runId, dryRun, durationMs: performance.now() - started });
      if (outcome.drift) reportDrift(telemetry, outcome.drift);
      const response: FunctionResponse = {
        batchItemFailures: outcome.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })),
      };
      if (dryRun) {
        response.predictions = outcome.result.predictions.map((p) => p.event);
        response.rejected = outcome.result.rejections.map(({ reason, detail, source }) => ({
          reason,
          detail,
          source,
        }));
      }
      return response;
    } catch (error) {
      telemetry.logger.error('batch failed; Lambda will retry it', {
        shard_id: shardId,
        records: records.length,
        error,
      });
      throw error;
    } finally {
      telemetry.metrics.publishStoredMetrics();
    }
  };
}

/** What {@link createDefaultHandler} may be given instead of building it from the environment. */
export interface DefaultWiring {
  /**
   * SDK clients for the output stream, the quarantine and the model store. Default: fresh clients honouring the
   * standard `AWS_*` variables. The local stack passes clients pointed at its emulators; fault tests pass clients
   * with a fault-injecting middleware.
   */
  readonly clients?: { readonly kinesis?: KinesisClient; readonly s3?: S3Client };
  /** Logger and metrics. Default: Powertools configured by its `POWERTOOLS_*` variables. */
  readonly telemetry?: Telemetry;
}

/**
 * The production wiring, and the only one: configuration (from the environment unless given), AWS clients, the model
 * loaded once per container (loading starts at once), Kinesis and S3 sinks (none with `TEST_RUN=True`), Powertools
 * telemetry. Lambda calls it with nothing; the local stack and the end-to-end harness inject clients and telemetry.
 *
 * @throws ConfigError naming every bad variable
 * @example
 * const handle = createDefaultHandler(parseConfig(env), { clients: { kinesis, s3 }, telemetry });
 */
export function createDefaultHandler(
  config: FunctionConfig = parseConfig(),
  wiring: DefaultWiring = {},
): FunctionHandler {
  const telemetry = wiring.telemetry ?? createTelemetry();
  const s3 = wiring.clients?.s3 ?? createS3Client();
  const output: Output =
    config.output.kind === 'dry-run'
      ? { kind: 'dry-run' }
      : {
          kind: 'write',
          predictions: createKinesisPredictionSink({
            client: wiring.clients?.kinesis ?? createKinesisClient(),
            streamName: config.output.predictionsStreamName,
            logger: telemetry.logger,
          }),
          quarantine: createS3QuarantineSink({
            client: s3,
            location: config.output.quarantine,
            logger: telemetry.logger,
          }),
        };
  const loadModel = startModelLoading(config, s3);
  return createHandler({
    loadModel,
    output,
    telemetry,
    intraOpNumThreads: config.intraOpNumThreads,
    ...(config.driftWindowRecords === undefined
      ? {}
      : { drift: { windowRecords: config.driftWindowRecords } }),
  });
}

let defaultHandler: FunctionHandler | undefined;

// In Lambda, build at init so a bad configuration fails the cold start itself with one clear error. Elsewhere (the
// local stack's in-process poller, scripts) wait for the first call, so the caller can set the environment first.
if (process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined) defaultHandler = createDefaultHandler();

/**
 * The Lambda entry point (`handler.handler`): a Kinesis event in, `{ batchItemFailures }` out (plus `predictions` and
 * `rejected` with `TEST_RUN=True`). Configuration and model are set up once per container.
 */
export async function handler(event: KinesisStreamEvent, context?: Context): Promise<FunctionResponse> {
  defaultHandler ??= createDefaultHandler();
  return defaultHandler(event, context);
}
