/**
 * `npm run model:list -- [--bucket B] [--experiment ID] [--endpoint-url URL]`
 *
 * Lists the runs published in a bucket (all experiments unless one is given) with their test accuracy.
 */
import { parseArgs } from 'node:util';
import { s3Url } from '../../functions/contract/s3Folder';
import { listRuns } from '../../model';
import { runCli } from '../../model';
import { bucketFrom, s3ClientFor } from './s3-options';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bucket: { type: 'string' },
      experiment: { type: 'string' },
      'endpoint-url': { type: 'string' },
    },
    strict: true,
  });
  const bucket = bucketFrom(values.bucket);
  const client = s3ClientFor(values['endpoint-url']);
  try {
    const runs = await listRuns({ client, bucket, experimentId: values.experiment });
    if (runs.length === 0) {
      console.log(`no published runs in ${s3Url({ bucket, prefix: values.experiment ?? '' })}`);
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
          run.complete ? 'yes' : 'no',
        ].join('  '),
      );
    }
  } finally {
    client.destroy();
  }
}

runCli(main);
