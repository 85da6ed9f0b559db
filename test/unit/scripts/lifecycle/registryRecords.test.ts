import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  appendRecord,
  listRecords,
  recordKey,
  type RegistryRecord,
} from '../../../../scripts/lifecycle/registry';

const s3 = mockClient(S3Client);
const location = { client: new S3Client({ region: 'eu-west-1' }), bucket: 'models', experimentId: '1' };

function record(at: string, action: RegistryRecord['action'] = 'promote'): RegistryRecord {
  return {
    schema: 1,
    at,
    who: 'ci',
    environment: 'stage',
    action,
    outcome: 'live',
    from: { runId: '1530befaaa6a54acdb34d0bb244882e7', version: '1' },
    to: { runId: '7572c494b7f99282d107a36e098bf452', version: '2' },
    forced: false,
  };
}

function body(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: () => Promise.resolve(text) } as unknown as GetObjectCommandOutput['Body'];
}

beforeEach(() => s3.reset());

describe('the lifecycle registry', () => {
  it('keys records by environment, then sortable time, action and random hex', () => {
    // Act
    const key = recordKey(record('2026-12-02T10:00:00.123Z', 'rollback'), '1', 'a1b2c3d4');
    const a = recordKey(record('2026-12-02T10:00:00.123Z'), '1');
    const b = recordKey(record('2026-12-02T10:00:00.123Z'), '1');

    // Assess
    expect(key).toBe('1/registry/stage/2026-12-02T10-00-00-123Z-rollback-a1b2c3d4.json');
    expect(a).toMatch(/^1\/registry\/stage\/2026-12-02T10-00-00-123Z-promote-[0-9a-f]{8}\.json$/);
    expect(a).not.toBe(b);
  });

  it('appends with If-None-Match: * so S3 never turns a record write into an overwrite', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});

    // Act
    const key = await appendRecord(location, record('2026-12-02T10:00:00.000Z'));

    // Assess
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'models',
      Key: key,
      IfNoneMatch: '*',
      ContentType: 'application/json',
    });
    expect(JSON.parse(input?.Body as string)).toEqual(record('2026-12-02T10:00:00.000Z'));
  });

  it('refuses to write a record that does not match the schema', async () => {
    // Prepare
    const bad = { ...record('2026-12-02T10:00:00.000Z'), to: { runId: 'not-a-run', version: '2' } };

    // Act
    const attempt = appendRecord(location, bad);

    // Assess
    await expect(attempt).rejects.toThrow(/runId/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('lists records oldest first across environments, skipping objects that are not records', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: '1/registry/stage/2026-12-02T10-00-00-000Z-promote-aaaaaaaa.json' },
        { Key: '1/registry/local/2026-12-01T10-00-00-000Z-rollback-bbbbbbbb.json' },
        { Key: '1/registry/stage/notes.txt' },
        { Key: '1/registry/stage/2026-12-03T10-00-00-000Z-promote-cccccccc.json' },
      ],
    });
    s3.on(GetObjectCommand, { Key: '1/registry/stage/2026-12-02T10-00-00-000Z-promote-aaaaaaaa.json' })
      .resolves({ Body: body(JSON.stringify(record('2026-12-02T10:00:00.000Z'))) })
      .on(GetObjectCommand, { Key: '1/registry/local/2026-12-01T10-00-00-000Z-rollback-bbbbbbbb.json' })
      .resolves({
        Body: body(
          JSON.stringify({ ...record('2026-12-01T10:00:00.000Z', 'rollback'), environment: 'local' }),
        ),
      })
      .on(GetObjectCommand, { Key: '1/registry/stage/2026-12-03T10-00-00-000Z-promote-cccccccc.json' })
      .resolves({ Body: body('{"not": "a record"}') });

    // Act
    const records = await listRecords(location);

    // Assess
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input.Prefix).toBe('1/registry/');
    expect(records.map((r) => [r.environment, r.action, r.at])).toEqual([
      ['local', 'rollback', '2026-12-01T10:00:00.000Z'],
      ['stage', 'promote', '2026-12-02T10:00:00.000Z'],
    ]);
  });
});
