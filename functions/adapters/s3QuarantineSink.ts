import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@aws-lambda-powertools/logger';
import { quarantineKey, type QuarantineDocument } from '../core/quarantine';
import type { QuarantineSink, WriteReport } from '../core/sinks';
import type { SourceCoordinates } from '../core/types';
import { mapLimit } from './mapLimit';
import { s3Url, type S3Folder } from '../contract/s3Folder';

/** Parallel PutObjects per batch: enough to quarantine a bad 10,000-record batch in seconds, not a flood. */
const DEFAULT_CONCURRENCY = 16;

export interface S3QuarantineSinkOptions {
  readonly client: S3Client;
  readonly location: S3Folder;
  readonly logger: Pick<Logger, 'error'>;
  readonly concurrency?: number;
}

/**
 * Stores each rejected record as one JSON object at `{prefix}/{yyyy}/{mm}/{dd}/{shard_id}/{sequence_number}.json`
 * (docs/contract.md §4). The key depends only on the record, so a retried batch overwrites instead of duplicating. A
 * document whose write fails (after the SDK's own retries) is reported, so its record is retried, not lost.
 *
 * @example
 * const sink = createS3QuarantineSink({ client: createS3Client(), location: config.output.quarantine, logger });
 */
export function createS3QuarantineSink(options: S3QuarantineSinkOptions): QuarantineSink {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;

  async function put(document: QuarantineDocument): Promise<boolean> {
    const key = quarantineKey(options.location.prefix, document);
    try {
      await options.client.send(
        new PutObjectCommand({
          Bucket: options.location.bucket,
          Key: key,
          Body: JSON.stringify(document),
          ContentType: 'application/json',
        }),
      );
      return true;
    } catch (error) {
      options.logger.error('quarantine write failed', {
        location: s3Url({ bucket: options.location.bucket, prefix: '' }, key),
        source: document.source,
        error,
      });
      return false;
    }
  }

  return {
    async write(documents: readonly QuarantineDocument[]): Promise<WriteReport> {
      const ok = await mapLimit(documents, concurrency, put);
      const failed: SourceCoordinates[] = documents.flatMap((document, index) =>
        ok[index] ? [] : [document.source],
      );
      return { failed, retries: 0 };
    },
  };
}
