import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'node-html-parser';
import {
  compileDriftReference,
  countFeatureBins,
  featureShares,
  populationStabilityIndex,
} from '../../functions/core/drift';
import { quarantineDayPrefix } from '../../functions/core/quarantine';
import { DEFAULT_RUN_ID, loadSignature, runDir } from '../../model/src/artifacts';
import { referenceSchema } from '../../model/src/contract';
import { type Emulator, type KinesisMock } from '../../scripts/emulators/emulators';
import { ensureStream } from '../../scripts/emulators/streams';
import { REPO_ROOT } from '../helpers/paths';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators';

jest.setTimeout(60_000);

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO_ROOT, 'scripts', 'monitor', 'cli.ts');

/** Ten wines of the served model's features, alcohol raised well above its training range. */
const WINES = Array.from({ length: 10 }, (_, i) => ({
  alcohol: 13 + i * 0.1,
  'volatile acidity': 0.2 + i * 0.02,
  sulphates: 0.4 + i * 0.03,
}));

describe('npm run monitor', () => {
  let emulators: TestEmulators;
  let kinesisMock: KinesisMock;
  let s3rver: Emulator;
  let kinesis: KinesisClient;
  let s3: S3Client;
  let dir: string;

  async function put(stream: string, payloads: (string | object)[]): Promise<void> {
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: payloads.map((p, i) => ({
          PartitionKey: String(i),
          Data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)),
        })),
      }),
    );
  }

  async function monitor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      ...process.env,
      LOCAL_KINESIS_PORT: String(kinesisMock.port),
      LOCAL_S3_PORT: String(s3rver.port),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    try {
      const { stdout, stderr } = await run(TSX, [CLI, '--local', ...args], { cwd: REPO_ROOT, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    emulators = await startTestEmulators('monitor', ['wine-models']);
    ({ kinesisMock, s3rver, kinesis, s3, dir } = emulators);
    await Promise.all([ensureStream(kinesis, 'wine-input', 1), ensureStream(kinesis, 'wine-predictions', 1)]);

    await put('wine-input', [
      ...WINES.map((wine, i) => ({ wine_features: wine, customer_id: i })),
      'alcohol=13',
      { wine_features: { alcohol: 13 } },
    ]);
    await put(
      'wine-predictions',
      WINES.map((_, i) => ({
        model: 'wine_quality_prediction_model',
        version: DEFAULT_RUN_ID,
        prediction: { wine_quality: i < 7 ? 7 : 8, probability: 0.6, probabilities: {} },
        source: { shard_id: 'shardId-000000000000', sequence_number: String(i), partition_key: String(i) },
      })),
    );
    for (const [i, reason] of ['invalid_json', 'missing_feature'].entries()) {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'wine-models',
          Key: `${quarantineDayPrefix('quarantine', new Date())}shardId-000000000000/${i}.json`,
          Body: JSON.stringify({ reason, detail: `detail ${i}`, received_at: new Date().toISOString() }),
        }),
      );
    }
  });

  afterAll(async () => {
    await emulators.stop();
  });

  it('writes a report of the window whose PSIs match the records, and exits 3 on drift when asked to', async () => {
    // Prepare
    const out = path.join(dir, 'report.html');
    const signature = loadSignature(runDir(DEFAULT_RUN_ID));
    const reference = compileDriftReference(
      referenceSchema.parse(
        JSON.parse(fs.readFileSync(path.join(runDir(DEFAULT_RUN_ID), 'reference.json'), 'utf8')),
      ),
      signature,
    );
    const tensor = {
      data: Float32Array.from(
        WINES.flatMap((wine) => signature.features.map((f) => wine[f as keyof typeof wine])),
      ),
      rows: WINES.length,
      columns: signature.features.length,
    };
    const counts = countFeatureBins(reference, tensor);

    // Act
    const result = await monitor(['--since', '10m', '--out', out, '--fail-on-drift']);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`Report: ${out}`);
    expect(result.stdout).toContain(
      `run ${DEFAULT_RUN_ID} (seed3), 12 input records (10 valid), 10 predictions, 2 invalid`,
    );
    const page = parse(fs.readFileSync(out, 'utf8'));
    signature.features.forEach((name, j) => {
      const psi = populationStabilityIndex(featureShares(reference, j), counts, reference.binOffsets[j]);
      const section = page.querySelector(`section.feature[data-feature="${name}"]`);
      expect(section?.querySelector('h3 .psi-inline b')?.text).toBe(psi.toFixed(3));
      expect(result.stdout).toMatch(new RegExp(`${name} +PSI +${psi.toFixed(3)}`));
    });
    expect(page.querySelector('section.feature[data-feature="alcohol"] .level-drift')).not.toBeNull();
    const reasons = (table: string) =>
      page.querySelectorAll(`table#${table} tbody tr`).map((r) => r.getAttribute('data-reason'));
    expect(reasons('input-reasons')).toEqual(['invalid_json', 'missing_feature']);
    expect(reasons('quarantine-reasons')).toEqual(['invalid_json', 'missing_feature']);
    expect(page.querySelector('section#predictions h2 .psi-inline b')?.text).toMatch(/^\d+\.\d{3}$/);
  });

  it('fails with the stream named when a stream does not exist', async () => {
    // Prepare / Act
    const result = await monitor(['--input-stream', 'no-such-stream', '--out', path.join(dir, 'x.html')]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^monitor: ResourceNotFoundException: stream no-such-stream: /);
    expect(fs.existsSync(path.join(dir, 'x.html'))).toBe(false);
  });
});
