/**
 * On-failure destinations: a local folder or an S3 prefix (the local stack uses its s3rver bucket). Both store one
 * JSON document per discarded batch under Lambda's S3 key layout (`failureRecordKey`).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isS3Url, parseS3Folder, s3Key, s3Url, S3UrlError } from '../../functions/contract/s3Folder';
import type { OnFailureRecord } from './failure-record';

export interface FailureDestination {
  /** `s3://bucket/prefix` or an absolute folder path: printed so people know where to look. */
  readonly location: string;
  /** Stores one record under `key` (relative to the location). Throws when it could not: the poller retries. */
  write(key: string, record: OnFailureRecord): Promise<void>;
}

/** Writes each record as a file under `folder/<key>`. */
export function folderDestination(folder: string): FailureDestination {
  const root = path.resolve(folder);
  return {
    location: root,
    async write(key, record) {
      const file = path.join(root, ...key.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    },
  };
}

/** Writes each record as an object `s3://bucket/prefix/<key>`. */
export function s3Destination(client: S3Client, bucket: string, prefix: string): FailureDestination {
  const folder = { bucket, prefix: prefix.replace(/^\/+|\/+$/g, '') };
  return {
    location: s3Url(folder),
    async write(key, record) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: s3Key(folder, key),
          Body: JSON.stringify(record),
          ContentType: 'application/json',
        }),
      );
    },
  };
}

/** Keeps records in memory (tests, or callers that forward them elsewhere). */
export function memoryDestination(): FailureDestination & { readonly records: OnFailureRecord[] } {
  const records: OnFailureRecord[] = [];
  return {
    location: 'memory',
    records,
    write(_key, record) {
      records.push(record);
      return Promise.resolve();
    },
  };
}

/**
 * Parses a destination location: `s3://bucket[/prefix]` (needs `s3Client`) or a folder path (`file://` optional).
 *
 * @throws {Error} for an `s3://` location that does not parse (naming why) or comes without a client.
 */
export function destinationFromLocation(location: string, s3Client?: S3Client): FailureDestination {
  if (isS3Url(location)) {
    let folder;
    try {
      folder = parseS3Folder(location);
    } catch (error) {
      if (!(error instanceof S3UrlError)) throw error;
      throw new Error(`on-failure destination ${error.message}`, { cause: error });
    }
    if (!s3Client)
      throw new Error(`on-failure destination ${location}: an S3 client is needed for an s3:// location`);
    return s3Destination(s3Client, folder.bucket, folder.prefix);
  }
  return folderDestination(location.startsWith('file://') ? new URL(location).pathname : location);
}
