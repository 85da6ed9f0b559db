/** Flags shared by `model:publish` and `model:list`, turned into an S3 client. */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../functions/adapters/aws-clients';
import { S3_BUCKET_NAME } from '../../functions/contract/s3Folder';
import { UsageError } from '../../model';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../emulators/emulators';

/**
 * An S3 client for `--endpoint-url` (or `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`). Against a loopback endpoint
 * (the local s3rver) it defaults the region to the local stack's and, when no AWS credentials are set, uses s3rver's.
 */
export function s3ClientFor(endpointUrl: string | undefined): S3Client {
  const endpoint = endpointUrl ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  let local = false;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
    local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }
  const hasCredentials = process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  return createS3Client({
    ...(endpointUrl === undefined ? {} : { endpoint: endpointUrl }),
    ...(local && process.env.AWS_REGION === undefined && process.env.AWS_DEFAULT_REGION === undefined
      ? { region: LOCAL_REGION }
      : {}),
    ...(local && !hasCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
}

/** `--bucket`, else `MODEL_BUCKET`, checked against S3's bucket naming rules. */
export function bucketFrom(flag: string | undefined): string {
  const bucket = flag ?? process.env.MODEL_BUCKET;
  if (bucket === undefined || bucket === '') throw new UsageError('--bucket (or MODEL_BUCKET) is required');
  if (!S3_BUCKET_NAME.test(bucket)) {
    throw new UsageError(`--bucket (or MODEL_BUCKET) "${bucket}" is not a valid S3 bucket name`);
  }
  return bucket;
}
