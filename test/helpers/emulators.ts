/**
 * kinesis-mock and s3rver for one integration test file: both on free ports, in a temp folder, with clients that carry
 * the emulators' dummy credentials. `stop()` stops both by PID and removes the folder.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorKinesisClient, emulatorS3Client } from '../../scripts/emulators/clients';
import {
  startKinesisMock,
  startS3rver,
  type Emulator,
  type KinesisMock,
} from '../../scripts/emulators/emulators';

/** The running pair. */
export interface TestEmulators {
  readonly dir: string;
  readonly kinesisMock: KinesisMock;
  readonly s3rver: Emulator;
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  stop(): Promise<void>;
}

/**
 * @param label - names the temp folder (e.g. the test file's subject)
 * @param buckets - created in s3rver at start
 */
export async function startTestEmulators(label: string, buckets: readonly string[]): Promise<TestEmulators> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  const [kinesisMock, s3rver] = await Promise.all([
    startKinesisMock({ logFile: path.join(dir, 'kinesis.log') }),
    startS3rver({ directory: path.join(dir, 's3'), buckets: [...buckets] }),
  ]);
  const kinesis = emulatorKinesisClient(kinesisMock.endpoint);
  const s3 = emulatorS3Client(s3rver.endpoint);
  return {
    dir,
    kinesisMock,
    s3rver,
    kinesis,
    s3,
    stop: async () => {
      kinesis.destroy();
      s3.destroy();
      await Promise.all([kinesisMock.stop({ graceMs: 500 }), s3rver.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
