/**
 * The function under test, wired like production but with SDK clients the harness hands in, so a fault can be
 * injected at the client (a middleware). Everything else is the real code: `createHandler`, the Kinesis prediction
 * sink and its retries, the S3 quarantine sink, the model loader and Powertools telemetry. Scenarios that need no
 * client hook use `createDefaultHandler` itself (see `pipeline.ts`).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FunctionConfig } from '../../functions/config';
import { createKinesisPredictionSink } from '../../functions/adapters/kinesisPredictionSink';
import { loadModelOnce } from '../../functions/adapters/modelLoader';
import { createTelemetry } from '../../functions/adapters/observability';
import { createS3QuarantineSink } from '../../functions/adapters/s3QuarantineSink';
import { createHandler, type FunctionHandler } from '../../functions/handler';

/** Clients the handler's sinks and model loader use. */
export interface HandlerClients {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
}

/**
 * The same assembly as `createDefaultHandler(config)` (sinks, model loading started at init, drift window), with the
 * given clients instead of fresh ones. Keep the two in step.
 *
 * @throws {Error} for a `TEST_RUN=True` configuration: end-to-end runs need the real sinks
 */
export function createHandlerWithClients(config: FunctionConfig, clients: HandlerClients): FunctionHandler {
  if (config.output.kind !== 'write') throw new Error('end-to-end runs need TEST_RUN=False (real sinks)');
  const telemetry = createTelemetry();
  const loadModel = () =>
    loadModelOnce(config.model, {
      intraOpNumThreads: config.intraOpNumThreads,
      expectedRunId: config.expectedRunId,
      s3: clients.s3,
    });
  // As in production: start loading at init; a failure is retried, and reported, by the first invocation.
  loadModel().catch(() => undefined);
  return createHandler({
    loadModel,
    output: {
      kind: 'write',
      predictions: createKinesisPredictionSink({
        client: clients.kinesis,
        streamName: config.output.predictionsStreamName,
        logger: telemetry.logger,
      }),
      quarantine: createS3QuarantineSink({
        client: clients.s3,
        location: config.output.quarantine,
        logger: telemetry.logger,
      }),
    },
    telemetry,
    intraOpNumThreads: config.intraOpNumThreads,
    ...(config.driftWindowRecords === undefined
      ? {}
      : { drift: { windowRecords: config.driftWindowRecords } }),
  });
}
