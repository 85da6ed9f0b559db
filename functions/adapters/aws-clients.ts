/**
 * AWS SDK v3 clients configured once for both real AWS and the local stack (kinesis-mock, s3rver).
 * Endpoints come from the SDK's standard `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_KINESIS` and `AWS_ENDPOINT_URL_S3`
 * variables unless passed explicitly.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import https from 'node:https';
import http from 'node:http';

export interface ClientOptions {
  /** Overrides the endpoint (otherwise the SDK reads the standard `AWS_ENDPOINT_URL*` variables). */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** SDK-level attempts (the SDK's own retry for whole-request failures). */
  maxAttempts?: number;
}

function s3Endpoint(options: ClientOptions): string | undefined {
  return options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
}

// HTTP/1.1 with keep-alive: kinesis-mock rejects the SDK's HTTP/2 attempts, and real Kinesis serves HTTP/1.1 just
// as well, so one handler serves both without an environment switch.
function httpHandler(): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 50 }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  });
}

function common(options: ClientOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    requestHandler: httpHandler(),
  };
}

export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({
    ...common(options),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

export function createS3Client(options: ClientOptions = {}): S3Client {
  const endpoint = s3Endpoint(options);
  return new S3Client({
    ...common(options),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Path-style addressing for emulators (no per-bucket DNS names on localhost).
    forcePathStyle: endpoint !== undefined,
    // With the default (WHEN_SUPPORTED) a streamed PutObject to s3rver stores the aws-chunked framing inside the
    // object. Checksums only when an operation requires them is harmless against real S3.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
