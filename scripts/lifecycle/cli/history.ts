/**
 * `npm run model:history -- (--local | --env <env>) [--all]`
 *
 * Lists the registry records of the environment (every environment sharing the bucket with --all), oldest first:
 * promotes, refused promotes, rollbacks and deploy roll-forwards, with who, the gate's figures and the smoke result.
 * Exit 0, 2 usage or lookup error.
 */
import '../../node20-sdk-warning';
import * as cli from '../cli';
import { EXIT_CODES } from '../errors';
import { renderHistory } from '../history-report';
import { listRecords, recordPrefix } from '../registry';
import { openTarget } from '../target';
import { readModelStore } from '../versions';

const USAGE = `Usage: npm run model:history -- (--local | --env <env>) [--all]

Lists the lifecycle registry ({experiment}/registry/ in the model bucket), oldest first.

${cli.WHERE_USAGE}
  --all                    every environment's records in that bucket, not only this one's

${cli.EXIT_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const values = cli.parseFlags(argv, { ...cli.WHERE_OPTIONS, all: { type: 'boolean', default: false } });
  const target = openTarget(cli.whereFrom(values, true));
  try {
    const store = await readModelStore(target);
    const location = { client: target.s3, bucket: store.bucket, experimentId: store.experimentId };
    const environment = values.all ? undefined : target.label;
    const records = await listRecords(location, environment);
    const where = `s3://${store.bucket}/${recordPrefix(store.experimentId, environment)}`;
    if (records.length === 0) {
      console.log(`no records in ${where}`);
      return EXIT_CODES.ok;
    }
    console.log(`${records.length} record${records.length === 1 ? '' : 's'} in ${where}`);
    console.log(renderHistory(records));
    return EXIT_CODES.ok;
  } finally {
    target.destroy();
  }
}

cli.runLifecycleCli('model:history', USAGE, main);
