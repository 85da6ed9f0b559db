import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3QuarantineSink } from '../../../../functions/adapters/s3QuarantineSink';
import { toQuarantineDocument, type QuarantineDocument } from '../../../../functions/core/quarantine';
import { RUN_ID, SHARD_ID, sequenceNumber } from '../../../helpers/factories';

const s3 = mockClient(S3Client);
const logger = { error: jest.fn() };

function document(n: number): QuarantineDocument {
  return toQuarantineDocument(
    {
      index: n,
      reason: 'invalid_json',
      detail: 'record is not JSON',
      source: { shard_id: SHARD_ID, sequence_number: sequenceNumber(n), partition_key: 'k' },
      data_base64: 'e30K',
    },
    RUN_ID,
    new Date('2025-01-31T10:00:00Z'),
  );
}

const sink = () =>
  createS3QuarantineSink({
    client: new S3Client({ region: 'us-east-1' }),
    location: { bucket: 'wine-models', prefix: 'quarantine' },
    logger,
  });

beforeEach(() => {
  s3.reset();
  jest.clearAllMocks();
});

describe('S3 quarantine sink', () => {
  it('writes one JSON object per rejected record at the docs/contract.md §4 key', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const documents = [document(1), document(2)];

    // Act
    const report = await sink().write(documents);

    // Assess
    const inputs = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => [i.Bucket, i.Key, i.ContentType])).toEqual([
      ['wine-models', `quarantine/2025/01/31/${SHARD_ID}/${sequenceNumber(1)}.json`, 'application/json'],
      ['wine-models', `quarantine/2025/01/31/${SHARD_ID}/${sequenceNumber(2)}.json`, 'application/json'],
    ]);
    expect(JSON.parse(inputs[0]!.Body as string)).toEqual(documents[0]);
    expect(report).toEqual({ failed: [], retries: 0 });
  });

  it('reports the record whose quarantine write failed, and only that one', async () => {
    // Prepare
    s3.on(PutObjectCommand)
      .resolves({})
      .on(PutObjectCommand, { Key: `quarantine/2025/01/31/${SHARD_ID}/${sequenceNumber(2)}.json` })
      .rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));
    const documents = [document(1), document(2), document(3)];

    // Act
    const report = await sink().write(documents);

    // Assess
    expect(report.failed).toEqual([documents[1]!.source]);
    expect(logger.error).toHaveBeenCalledWith(
      'quarantine write failed',
      expect.objectContaining({
        location: `s3://wine-models/quarantine/2025/01/31/${SHARD_ID}/${sequenceNumber(2)}.json`,
      }),
    );
  });
});
