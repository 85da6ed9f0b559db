/**
 * `npm run predict -- --input <path | s3://…> --output <path | s3://…> [options]` (see `--help`): scores a CSV or JSON
 * Lines file with the stream function's model, validation and event format, streaming in and out.
 * Exit codes: 0 all scored, 1 finished with rejected rows (`--allow-rejects` → 0), 2 usage / input / model / write error.
 */
import '../node20-sdk-warning';
import { ExitCode, parsePredictArgs, PREDICT_USAGE, PredictUsageError } from './options';
import { runPredict } from './run';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parsePredictArgs(argv);
  } catch (error) {
    if (!(error instanceof PredictUsageError)) throw error;
    console.error(`predict: ${error.message}\n\n${PREDICT_USAGE}`);
    return ExitCode.failed;
  }
  if (options === 'help') {
    console.log(PREDICT_USAGE);
    return ExitCode.ok;
  }
  return runPredict(options, { stdout: process.stdout, stderr: process.stderr });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = ExitCode.failed;
  },
);
