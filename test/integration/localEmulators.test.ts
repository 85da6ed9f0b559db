import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startKinesisMock, type Emulator, type KinesisMock } from '../../scripts/emulators/emulators';
import { ensureStream } from '../../scripts/emulators/streams';
import { emulatorKinesisClient, emulatorS3Client } from '../../scripts/emulators/clients';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators';

jest.setTimeout(60_000);

describe('local emulators', () => {
  let emulators: TestEmulators;
  let kinesis: KinesisMock;
  let s3: Emulator;
  let dir: string;

  beforeAll(async () => {
    emulators = await startTestEmulators('emulators', ['models']);
    ({ kinesisMock: kinesis, s3rver: s3, dir } = emulators);
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('round-trips a Kinesis record through kinesis-mock with the shared client settings', async () => {
    // Prepare
    const client = emulatorKinesisClient(kinesis.endpoint);
    await ensureStream(client, 'roundtrip');
    const payload = JSON.stringify({ wine_features: { alcohol: 8.8 }, customer_id: 1 });

    // Act
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'roundtrip', PartitionKey: '1', Data: Buffer.from(payload) }),
    );
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'roundtrip',
        ShardId: put.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await client.send(new GetRecordsCommand({ ShardIterator }));

    // Assess
    expect(Records).toHaveLength(1);
    expect(Records?.[0]?.SequenceNumber).toBe(put.SequenceNumber);
    expect(Buffer.from(Records?.[0]?.Data ?? []).toString('utf8')).toBe(payload);
  });

  it('stores a streamed S3 object byte-exactly in s3rver (no aws-chunked framing)', async () => {
    // Prepare
    const client = emulatorS3Client(s3.endpoint);
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));

    // Act
    await client.send(
      new PutObjectCommand({
        Bucket: 'models',
        Key: 'a/b.bin',
        Body: Readable.from([body]),
        ContentLength: body.length,
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: 'models', Key: 'a/b.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());

    // Assess
    expect(bytes.equals(body)).toBe(true);
  });

  it('listens on loopback only and stops its process by PID', async () => {
    // Prepare
    const other = await startKinesisMock({ logFile: path.join(dir, 'other.log') });
    const nonLoopback = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

    // Act
    const reachableOnOtherInterface =
      nonLoopback === undefined
        ? false
        : await new Promise<boolean>((resolve) => {
            const socket = net.connect({ host: nonLoopback, port: other.port });
            socket.once('connect', () => {
              socket.destroy();
              resolve(true);
            });
            socket.once('error', () => resolve(false));
          });
    await other.stop();

    // Assess
    expect(reachableOnOtherInterface).toBe(false);
    expect(other.alive()).toBe(false);
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
