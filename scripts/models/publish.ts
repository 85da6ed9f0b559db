/**
 * Room `scripts/models/` — one job: the operator CLIs for published models: `model:publish` (this one) and
 * `model:list`, with their shared S3 flags (`s3-options.ts`).
 *
 * `npm run model:publish -- --run-id ID [--bucket B] [--experiment 1] [--endpoint-url URL] [--dir DIR]`
 *
 * Uploads a run folder (default `model/artifacts/<run_id>/`) to `s3://B/<experiment>/<run_id>/artifacts/model/`.
 * The bucket defaults to `MODEL_BUCKET`; the endpoint to `AWS_ENDPOINT_URL_S3` when set.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_EXPERIMENT_ID } from '../../model/src/contract';
import { UsageError } from '../../model';
import { publishRun } from '../../model';
import { runDir } from '../../model';
import { runCli } from '../../model';
import { bucketFrom, s3ClientFor } from './s3-options';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'run-id': { type: 'string' },
      bucket: { type: 'string' },
      experiment: { type: 'string', default: process.env.EXPERIMENT_ID ?? DEFAULT_EXPERIMENT_ID },
      'endpoint-url': { type: 'string' },
      dir: { type: 'string' },
    },
    strict: true,
  });
  const runId = values['run-id'];
  if (runId === undefined) throw new UsageError('--run-id is required (see model/artifacts/runs.json)');
  const client = s3ClientFor(values['endpoint-url']);
  try {
    const published = await publishRun({
      client,
      bucket: bucketFrom(values.bucket),
      experimentId: values.experiment,
      runId,
      dir: values.dir === undefined ? runDir(runId) : path.resolve(values.dir),
    });
    console.log(`published ${published.keys.length} files to ${published.uri}`);
  } finally {
    client.destroy();
  }
}

runCli(main);
