import { GetObjectCommand, NoSuchKey, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchModelArtifacts } from '../../../../functions/adapters/modelStore';
import { ModelLoadError, ModelNotFoundError } from '../../../../functions/errors';
import { RUN_ID, signatureFor } from '../../../helpers/factories';

const s3 = mockClient(S3Client);
const prefix = `1/${RUN_ID}/artifacts/model`;
const location = { kind: 's3', bucket: 'wine-models', prefix } as const;

// The SDK's streaming body as the store uses it: only transformToByteArray is called.
function body(content: string | Uint8Array): GetObjectCommandOutput['Body'] {
  const bytes = new Uint8Array(Buffer.from(content));
  return { transformToByteArray: () => Promise.resolve(bytes) } as unknown as GetObjectCommandOutput['Body'];
}

beforeEach(() => s3.reset());

describe('model store', () => {
  it('fetches model.onnx and a validated signature.json from the run’s S3 folder', async () => {
    // Prepare
    const signature = signatureFor('seed3');
    s3.on(GetObjectCommand, { Key: `${prefix}/model.onnx` })
      .resolves({ Body: body(new Uint8Array([1, 2, 3])) })
      .on(GetObjectCommand, { Key: `${prefix}/signature.json` })
      .resolves({ Body: body(JSON.stringify(signature)) });

    // Act
    const artifacts = await fetchModelArtifacts(location, new S3Client({ region: 'us-east-1' }));

    // Assess
    expect(Array.from(artifacts.modelBytes)).toEqual([1, 2, 3]);
    expect(artifacts.signature).toEqual(signature);
    expect(artifacts.location).toBe(`s3://wine-models/${prefix}/`);
  });

  it('fails with an error naming the full S3 key when the model is missing', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );

    // Act
    const loading = fetchModelArtifacts(location, new S3Client({ region: 'us-east-1' }));

    // Assess
    await expect(loading).rejects.toThrow(ModelNotFoundError);
    await expect(loading).rejects.toThrow(`Model file not found: s3://wine-models/${prefix}/model.onnx`);
  });

  it('explains that S3 answers AccessDenied for a missing key without s3:ListBucket', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const loading = fetchModelArtifacts(location, new S3Client({ region: 'us-east-1' }));

    // Assess
    await expect(loading).rejects.toThrow(
      new RegExp(`cannot read s3://wine-models/${prefix}/model.onnx: AccessDenied: .*s3:ListBucket`),
    );
  });

  it('rejects a signature.json that breaks the contract, naming the file and the field', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: `${prefix}/model.onnx` })
      .resolves({ Body: body(new Uint8Array([1])) })
      .on(GetObjectCommand, { Key: `${prefix}/signature.json` })
      .resolves({
        Body: body(JSON.stringify({ ...signatureFor('seed3'), features: ['alcohol', 'colour'] })),
      });

    // Act
    const loading = fetchModelArtifacts(location, new S3Client({ region: 'us-east-1' }));

    // Assess
    await expect(loading).rejects.toThrow(ModelLoadError);
    await expect(loading).rejects.toThrow(
      new RegExp(`s3://wine-models/${prefix}/signature.json is not a valid model signature: features\\.1: `),
    );
  });

  it('reads a local folder and names the missing file’s absolute path', async () => {
    // Prepare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-store-'));
    fs.writeFileSync(path.join(dir, 'signature.json'), JSON.stringify(signatureFor('all')));

    // Act
    const loading = fetchModelArtifacts({ kind: 'local', directory: dir });

    // Assess
    await expect(loading).rejects.toThrow(`Model file not found: ${path.join(dir, 'model.onnx')}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
