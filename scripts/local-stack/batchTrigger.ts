/**
 * The local stack's S3 trigger for batch inference: s3rver reports every stored object; one created under
 * `batch/input/` of the model bucket is handed to the real batch handler (`functions/batch.ts`) as the S3 event Lambda
 * would receive, one file at a time (in order of arrival), and its result is reported to the caller.
 */
import type { S3Event } from 'aws-lambda';
import type { BatchFileResult, BatchHandler } from '../../functions/batch';
import { BATCH_PREFIXES } from '../../functions/contract/batch';

/** What became of a dropped file: the handler's result, or the error it threw (Lambda would retry it). */
export type BatchTriggerOutcome =
  | { readonly kind: 'result'; readonly result: BatchFileResult }
  | { readonly kind: 'error'; readonly input: string; readonly error: unknown };

/** The S3 event of one created object, as AWS sends it (keys URL-encoded, spaces as `+`). */
export function objectCreatedEvent(bucket: string, key: string, size: number | undefined): S3Event {
  const encodedKey = encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'batch-input',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodedKey, size: size ?? 0, eTag: '', sequencer: '0' },
        },
      },
    ],
  };
}

/**
 * A callback for s3rver's object notifications that runs `handler` on files dropped under the input prefix of
 * `bucket`. Invocations are queued, so files are scored one after another like a reserved concurrency of one.
 *
 * @param onOutcome - called once per dropped file
 * @returns the callback and `idle()`, which resolves once every queued file is done
 */
export function createBatchTrigger(options: {
  readonly bucket: string;
  readonly handler: () => BatchHandler | undefined;
  readonly onOutcome: (outcome: BatchTriggerOutcome) => void;
}): {
  onObjectCreated: (bucket: string, key: string, size: number | undefined) => void;
  idle: () => Promise<void>;
} {
  let queue: Promise<void> = Promise.resolve();
  return {
    onObjectCreated: (bucket, key, size) => {
      if (bucket !== options.bucket || !key.startsWith(BATCH_PREFIXES.input)) return;
      const handler = options.handler();
      if (handler === undefined) return; // the stack is still starting: nothing can be dropped yet
      queue = queue.then(async () => {
        try {
          const { files } = await handler(objectCreatedEvent(bucket, key, size));
          for (const result of files) options.onOutcome({ kind: 'result', result });
        } catch (error) {
          options.onOutcome({ kind: 'error', input: `s3://${bucket}/${key}`, error });
        }
      });
    },
    idle: () => queue,
  };
}
