/**
 * SDK clients on the local emulators: the endpoint given, the emulators' dummy credentials and the local region, so
 * whatever the caller's shell holds (real AWS credentials, another region) is never sent to them. Built by the
 * function's own factories (HTTP/1.1 for kinesis-mock; path-style, WHEN_REQUIRED checksums for s3rver).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client } from '../../functions/adapters/aws-clients';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators';

const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

/** A Kinesis client on kinesis-mock at `endpoint`. */
export function emulatorKinesisClient(endpoint: string): KinesisClient {
  return createKinesisClient({ ...local, endpoint });
}

/** An S3 client on s3rver at `endpoint`. */
export function emulatorS3Client(endpoint: string): S3Client {
  return createS3Client({ ...local, endpoint });
}
