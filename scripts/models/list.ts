/**
 * `npm run model:list -- [--bucket B] [--experiment ID] [--endpoint-url URL]`
 * `npm run model:list -- (--local | --env <env>)`
 *
 * Lists the runs published in a bucket (all experiments unless one is given) with their test accuracy. With `--local`
 * or `--env` the bucket and experiment are the function's own, and the run alias `live` serves is marked.
 */
import '../node20-sdk-warning';
import { parseArgs } from 'node:util';
import { s3Url } from '../../functions/contract/s3Folder';
import { listRuns, runCli, UsageError, type ListedRun } from '../../model';
import { describeFailure, type Where } from '../lifecycle/cli';
import { openTarget } from '../lifecycle/target';
import { readLive, readModelStore } from '../lifecycle/versions';
import { bucketFrom, s3ClientFor } from './s3-options';

function print(
  runs: readonly ListedRun[],
  where: string,
  live?: { runId: string; version: string; label: string },
): void {
  if (runs.length === 0) {
    console.log(`no published runs in ${where}`);
    return;
  }
  console.log(
    ['experiment', 'run id                          ', 'features', 'accuracy', 'macro-F1', 'complete'].join(
      '  ',
    ),
  );
  for (const run of runs) {
    console.log(
      [
        run.experimentId.padEnd(10),
        run.runId,
        run.featureSet.padEnd(8),
        run.accuracy.toFixed(3).padStart(8),
        run.macroF1.toFixed(3).padStart(8),
        (run.complete ? 'yes' : 'no').padEnd(8),
        live?.runId === run.runId ? `← live on ${live.label} (version ${live.version})` : '',
      ]
        .join('  ')
        .trimEnd(),
    );
  }
}

async function listWithLive(where: Where): Promise<void> {
  const target = openTarget(where);
  try {
    const store = await readModelStore(target);
    const live = await readLive(target);
    const runs = await listRuns({
      client: target.s3,
      bucket: store.bucket,
      experimentId: store.experimentId,
    });
    print(runs, `s3://${store.bucket}/${store.experimentId}/`, {
      runId: live.version.runId,
      version: live.version.version,
      label: target.label,
    });
  } finally {
    target.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bucket: { type: 'string' },
      experiment: { type: 'string' },
      'endpoint-url': { type: 'string' },
      local: { type: 'boolean', default: false },
      env: { type: 'string' },
    },
    strict: true,
  });
  if (values.local || values.env !== undefined) {
    if (values.local && values.env !== undefined)
      throw new UsageError('give --local or --env <env>, not both');
    if (values.bucket !== undefined || values['endpoint-url'] !== undefined) {
      throw new UsageError(
        '--local / --env read the bucket from the function; drop --bucket and --endpoint-url',
      );
    }
    try {
      await listWithLive(values.local ? { kind: 'local' } : { kind: 'env', env: values.env ?? '' });
    } catch (error) {
      // The lifecycle commands' one-line errors and exit codes (2: no stack, no alias, unknown environment).
      const { message, exitCode } = describeFailure(error);
      console.error(`model:list: ${message}`);
      process.exitCode = exitCode;
    }
    return;
  }
  const bucket = bucketFrom(values.bucket);
  const client = s3ClientFor(values['endpoint-url']);
  try {
    print(
      await listRuns({ client, bucket, experimentId: values.experiment }),
      s3Url({ bucket, prefix: values.experiment ?? '' }),
    );
  } finally {
    client.destroy();
  }
}

runCli(main);
