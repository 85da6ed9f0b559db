/**
 * `npx tsx scripts/ci/fetch-data.ts --location <s3://bucket/key | https://… | repository path> --out <file>`: copies
 * labelled training data to a local file for `npm run train -- --data <file>` (model.yml). S3 is read with the
 * credentials the workflow assumed (the AWS SDK's default chain). Prints what it wrote and its SHA-256.
 * Exit codes: 0 written, 1 the location could not be read, 2 bad arguments or an unusable location.
 */
import '../node20-sdk-warning';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createS3Client } from '../../functions/adapters/aws-clients';
import { DataLocationError, parseDataLocation, type DataLocation } from './dataLocation';
import { exitWith } from './exit';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const USAGE = `Usage: npx tsx scripts/ci/fetch-data.ts --location <location> --out <file>

  --location   s3://<bucket>/<key>, https://<host>/<path>, or a file path inside the repository
  --out        where to write the data
Exit codes: 0 written, 1 not readable, 2 bad arguments or location.`;

async function read(location: DataLocation): Promise<Uint8Array> {
  switch (location.kind) {
    case 'repository':
      return readFileSync(location.file);
    case 'https': {
      const response = await fetch(location.url, { redirect: 'error' });
      if (!response.ok) throw new Error(`GET ${location.url}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    case 's3': {
      const client = createS3Client();
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
        );
        if (object.Body === undefined) throw new Error(`s3://${location.bucket}/${location.key} has no body`);
        return await object.Body.transformToByteArray();
      } finally {
        client.destroy();
      }
    }
  }
}

/** The CLI; exported for tests. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        location: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`fetch-data: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.location === undefined || values.out === undefined) {
    console.error(`fetch-data: --location and --out are required\n\n${USAGE}`);
    return 2;
  }
  let location: DataLocation;
  try {
    location = parseDataLocation(values.location, REPO_ROOT);
  } catch (error) {
    if (!(error instanceof DataLocationError)) throw error;
    console.error(`fetch-data: ${error.message}`);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await read(location);
  } catch (error) {
    console.error(`fetch-data: cannot read ${values.location}: ${(error as Error).message}`);
    return 1;
  }
  const out = path.resolve(values.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(
    `fetched ${values.location} → ${path.relative(process.cwd(), out)} (${bytes.length} bytes, sha256 ${sha256})`,
  );
  return 0;
}

if (require.main === module) exitWith('fetch-data', main(process.argv.slice(2)));
