/**
 * Composition root of batch inference on AWS: an S3 `ObjectCreated` event for a key under `batch/input/` → the file is
 * streamed from S3, scored by the stream function's core (functions/batch/scoreFile.ts) and written back as
 * `batch/output/<key>.predictions.jsonl` and `batch/rejects/<key>.jsonl` (multipart uploads, completed only when the
 * whole file is done). The same container image as the stream handler; Lambda selects this one with the image command
 * override `batch.handler`.
 *
 * What is retried: nothing that would fail again. A file larger than `BATCH_MAX_OBJECT_BYTES`, a bad file (header,
 * delimiter, CSV syntax) or one that runs out of time is refused — one ERROR line naming the file and the way around
 * it, and `BatchFilesRefused` with its reason — and the invocation succeeds. Anything else (S3 or model failures)
 * throws, so Lambda's asynchronous retries try the file again.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, S3Event } from 'aws-lambda';
import { openInput, openOutput, type OpenedOutput } from './adapters/batchFiles';
import { createS3Client } from './adapters/aws-clients';
import { startModelLoading, type ReadyModel } from './adapters/modelLoader';
import { createTelemetry, type Telemetry } from './adapters/observability';
import { parseBatchConfig, type BatchConfig } from './batch/config';
import { BatchFileError, BatchOutOfTimeError } from './batch/errors';
import { scoreFile, type BatchSummary } from './batch/scoreFile';
import { batchObjectKeys } from './contract/batch';
import { BatchMetricName, BatchRefusal, REASON_DIMENSION } from './contract/metrics';

/** What became of one object of the event. */
export type BatchFileResult =
  | ({
      readonly status: 'scored';
      readonly input: string;
      readonly output: string;
      readonly rejects: string;
    } & Pick<BatchSummary, 'rows' | 'predicted' | 'rejected' | 'rejectedByReason' | 'durationMs'>)
  | {
      readonly status: 'refused';
      readonly input: string;
      readonly reason: BatchRefusal;
      readonly message: string;
    }
  | { readonly status: 'skipped'; readonly input: string; readonly message: string };

/** The handler's response: one result per event record, in order (logged too; Lambda ignores it for S3 events). */
export interface BatchHandlerResponse {
  readonly files: readonly BatchFileResult[];
}

export type BatchHandler = (
  event: S3Event,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<BatchHandlerResponse>;

/** What the batch handler is assembled from. */
export interface BatchHandlerDependencies {
  readonly config: Pick<BatchConfig, 'maxObjectBytes' | 'batchSize' | 'timeMarginMs'>;
  readonly loadModel: () => Promise<ReadyModel>;
  readonly s3: S3Client;
  readonly telemetry: Telemetry;
}

/**
 * Builds the batch handler; see the module comment.
 *
 * @example
 * const handle = createBatchHandler({ config, loadModel, s3, telemetry });
 * const { files } = await handle(s3Event);
 */
export function createBatchHandler(dependencies: BatchHandlerDependencies): BatchHandler {
  const { config, s3, telemetry } = dependencies;
  const { logger, metrics } = telemetry;

  function refuse(input: string, reason: BatchRefusal, message: string): BatchFileResult {
    logger.error('batch file refused', { input, reason, problem: message });
    metrics.addMetric(BatchMetricName.filesRefused, MetricUnit.Count, 1);
    metrics
      .singleMetric()
      .addDimension(REASON_DIMENSION, reason)
      .addMetric(BatchMetricName.filesRefused, MetricUnit.Count, 1);
    return { status: 'refused', input, reason, message };
  }

  async function scoreObject(
    bucket: string,
    key: string,
    size: number | undefined,
    context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
  ): Promise<BatchFileResult> {
    const input = `s3://${bucket}/${key}`;
    const keys = batchObjectKeys(key);
    if (keys === undefined) {
      const message = 'not under the batch input prefix: ignored (check the notification filter)';
      logger.warn('batch file skipped', { input, message });
      return { status: 'skipped', input, message };
    }
    if (size !== undefined && size > config.maxObjectBytes) {
      return refuse(
        input,
        BatchRefusal.tooLarge,
        `${input} is ${size} bytes, more than the ${config.maxObjectBytes}-byte limit of one invocation ` +
          '(BATCH_MAX_OBJECT_BYTES): split it into smaller files under the input prefix; each is scored by its own ' +
          'invocation, in parallel',
      );
    }
    const model = await dependencies.loadModel();
    const outputs: OpenedOutput[] = [];
    try {
      const opened = await openInput({ kind: 's3', bucket, key }, s3);
      outputs.push(await openOutput({ kind: 's3', bucket, key: keys.output }, s3));
      outputs.push(await openOutput({ kind: 's3', bucket, key: keys.rejects }, s3));
      const [predictions, rejects] = outputs as [OpenedOutput, OpenedOutput];
      const summary = await scoreFile({
        file: input,
        chunks: opened.chunks,
        model: model.signature,
        scorer: model.scorer,
        batchSize: config.batchSize,
        predictions: predictions.sink,
        predictionsFormat: 'jsonl',
        rejects: rejects.sink,
        checkTime: () => {
          const left = context?.getRemainingTimeInMillis();
          if (left !== undefined && left < config.timeMarginMs) {
            throw new BatchOutOfTimeError(
              `${input}: ${left} ms of the invocation left, less than the ${config.timeMarginMs} ms margin ` +
                '(BATCH_TIME_MARGIN_MS): nothing was written; split the file into smaller ones',
            );
          }
        },
      });
      await predictions.commit();
      await rejects.commit();
      outputs.length = 0;
      const result: BatchFileResult = {
        status: 'scored',
        input,
        output: predictions.location,
        rejects: rejects.location,
        rows: summary.rows,
        predicted: summary.predicted,
        rejected: summary.rejected,
        rejectedByReason: summary.rejectedByReason,
        durationMs: Math.round(summary.durationMs),
      };
      logger.info('batch file scored', { ...result, run_id: model.signature.run_id, format: summary.format });
      metrics.addMetric(BatchMetricName.filesScored, MetricUnit.Count, 1);
      metrics.addMetric(BatchMetricName.rowsRead, MetricUnit.Count, summary.rows);
      metrics.addMetric(BatchMetricName.rowsPredicted, MetricUnit.Count, summary.predicted);
      metrics.addMetric(BatchMetricName.rowsRejected, MetricUnit.Count, summary.rejected);
      metrics.addMetric(BatchMetricName.fileDuration, MetricUnit.Milliseconds, summary.durationMs);
      return result;
    } catch (error) {
      await Promise.all(outputs.map((o) => o.abort().catch(() => undefined)));
      if (error instanceof BatchFileError) return refuse(input, BatchRefusal.invalidFile, error.message);
      if (error instanceof BatchOutOfTimeError) return refuse(input, BatchRefusal.outOfTime, error.message);
      throw error;
    }
  }

  return async (event, context) => {
    const files: BatchFileResult[] = [];
    try {
      for (const record of event.Records) {
        // S3 event keys are URL-encoded, with '+' for spaces.
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
        files.push(await scoreObject(record.s3.bucket.name, key, record.s3.object.size, context));
      }
      return { files };
    } catch (error) {
      logger.error('batch invocation failed; Lambda will retry it', { files, error });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** What {@link createDefaultBatchHandler} may be given instead of building it from the environment. */
export interface DefaultBatchWiring {
  readonly s3?: S3Client;
  readonly telemetry?: Telemetry;
}

/**
 * The production wiring: configuration from the environment (unless given), an S3 client, the model loaded once per
 * container (loading starts at once), Powertools telemetry.
 *
 * @throws ConfigError naming every bad variable
 */
export function createDefaultBatchHandler(
  config: BatchConfig = parseBatchConfig(),
  wiring: DefaultBatchWiring = {},
): BatchHandler {
  const s3 = wiring.s3 ?? createS3Client();
  const loadModel = startModelLoading(config, s3);
  return createBatchHandler({ config, loadModel, s3, telemetry: wiring.telemetry ?? createTelemetry() });
}

let defaultHandler: BatchHandler | undefined;

// As in handler.ts: in Lambda, a bad configuration fails the cold start itself.
if (process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined) defaultHandler = createDefaultBatchHandler();

/** The Lambda entry point (`batch.handler`): an S3 event in, one result per object out. */
export async function handler(event: S3Event, context?: Context): Promise<BatchHandlerResponse> {
  defaultHandler ??= createDefaultBatchHandler();
  return defaultHandler(event, context);
}
