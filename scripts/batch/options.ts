/** `npm run predict` flags: parsed once into a typed, frozen {@link PredictOptions}; every problem is a usage error. */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_BATCH_ROWS } from '../../functions/contract/batch';
import { INPUT_FORMATS, type InputFormat } from '../../functions/batch/format';
import { DEFAULT_EXPERIMENT_ID, RUN_ID_PATTERN } from '../../model/src/contract';

/** Exit codes of `npm run predict`. */
export const ExitCode = {
  /** Every data row was scored (or rows were rejected and `--allow-rejects` was given). */
  ok: 0,
  /** The run finished, but some rows were rejected (see the rejects file). */
  rejectedRows: 1,
  /** Bad usage, an unreadable or invalid input file, a model that cannot be loaded, or a failed write. */
  failed: 2,
} as const;

export const PREDICT_USAGE = `Usage: npm run predict -- --input <path | s3://bucket/key> --output <path | s3://bucket/key> [options]

Scores a CSV (UCI ';' or comma separated, header first) or JSON Lines file of stream payloads with the stream
function's model and validation, streaming in and out. The output is JSON Lines of prediction events, or CSV (one row
per scored line: line, customer_id, wine_quality, probability) when it ends in .csv. Rejected rows go to the rejects
file as JSON Lines (source, reason, detail, input).

Options:
  --input <loc>            the file to score (required)
  --output <loc>           where predictions go (required); .csv → CSV, anything else → JSON Lines
  --rejects <loc>          where rejected rows go (default: beside the output, <name>.rejects.jsonl)
  --run-id <id>            a committed run (model/artifacts/<id>) or, if not committed, the run in the model bucket
  --model-location <loc>   a model folder: a local directory or s3://bucket/prefix (instead of --run-id)
  --model-bucket <name>    the model bucket for --run-id (default: MODEL_BUCKET)
  --experiment <id>        experiment id of --run-id in the bucket (default: EXPERIMENT_ID, else ${DEFAULT_EXPERIMENT_ID})
  --format <csv|jsonl>     the input format (default: detected from the first line)
  --batch-size <n>         rows per session.run (default ${DEFAULT_BATCH_ROWS})
  --threads <n>            onnxruntime intra-op threads (default 1, like the function)
  --scoring-thread <mode>  on: score on a worker thread while this one reads and writes the next batch; off: score
                           here; auto (default): on when the machine has more than one core
  --allow-rejects          exit 0 even when rows were rejected
  --endpoint-url <url>     S3 endpoint (e.g. the local stack's http://localhost:4569); default AWS_ENDPOINT_URL_S3
  --json                   print the summary as one JSON object instead of text
  --no-progress            no progress output on stderr
  -h, --help               this text

Without --run-id or --model-location: the default committed run (model/artifacts/runs.json).

Exit codes: 0 every row scored (or --allow-rejects), 1 finished with rejected rows, 2 usage, input, model or write error.`;

const SCORING_THREAD_MODES = ['on', 'off', 'auto'] as const;

/** What the run is told to do. */
export interface PredictOptions {
  readonly input: string;
  readonly output: string;
  readonly rejects: string | undefined;
  readonly runId: string | undefined;
  readonly modelLocation: string | undefined;
  readonly modelBucket: string | undefined;
  readonly experimentId: string;
  readonly format: InputFormat | undefined;
  readonly batchSize: number;
  readonly threads: number;
  /** Score on a worker thread, overlapping reading and writing with scoring. */
  readonly scoringThread: boolean;
  readonly allowRejects: boolean;
  readonly endpointUrl: string | undefined;
  readonly json: boolean;
  readonly progress: boolean;
}

/** A flag is missing, unknown or malformed; the message names it. */
export class PredictUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PredictUsageError';
  }
}

/**
 * Parses the command line.
 *
 * @returns the options, or `'help'` for `--help`
 * @throws PredictUsageError naming the bad flag
 */
export function parsePredictArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cores: number = os.availableParallelism(),
): PredictOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        input: { type: 'string' },
        output: { type: 'string' },
        rejects: { type: 'string' },
        'run-id': { type: 'string' },
        'model-location': { type: 'string' },
        'model-bucket': { type: 'string' },
        experiment: { type: 'string' },
        format: { type: 'string' },
        'batch-size': { type: 'string' },
        threads: { type: 'string' },
        'scoring-thread': { type: 'string', default: 'auto' },
        'allow-rejects': { type: 'boolean', default: false },
        'endpoint-url': { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PredictUsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const required = (name: 'input' | 'output'): string => {
    const value = values[name];
    if (value === undefined || value === '') throw new PredictUsageError(`--${name} is required`);
    return value;
  };
  const input = required('input');
  const output = required('output');
  const runId = values['run-id'];
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    throw new PredictUsageError(`--run-id ${JSON.stringify(runId)} must be 32 lowercase hex characters`);
  }
  if (runId !== undefined && values['model-location'] !== undefined) {
    throw new PredictUsageError('give --run-id or --model-location, not both');
  }
  const format = values.format;
  if (format !== undefined && !(INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new PredictUsageError(
      `--format must be one of ${INPUT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const scoringThread = values['scoring-thread'];
  if (!(SCORING_THREAD_MODES as readonly string[]).includes(scoringThread)) {
    throw new PredictUsageError(
      `--scoring-thread must be one of ${SCORING_THREAD_MODES.join(', ')}, got ${JSON.stringify(scoringThread)}`,
    );
  }
  const rejects = values.rejects;
  for (const [flag, value] of [
    ['--output', output],
    ['--rejects', rejects],
  ] as const) {
    if (value !== undefined && value === input)
      throw new PredictUsageError(`${flag} must not be the input file`);
  }
  if (rejects !== undefined && rejects === output)
    throw new PredictUsageError('--rejects must differ from --output');
  return Object.freeze({
    input,
    output,
    rejects,
    runId,
    modelLocation: values['model-location'],
    modelBucket: values['model-bucket'] ?? blankAsUndefined(env.MODEL_BUCKET),
    experimentId: values.experiment ?? blankAsUndefined(env.EXPERIMENT_ID) ?? DEFAULT_EXPERIMENT_ID,
    format: format as InputFormat | undefined,
    batchSize: whole('--batch-size', values['batch-size'], DEFAULT_BATCH_ROWS, 1, 1_000_000),
    threads: whole('--threads', values.threads, 1, 1, 64),
    scoringThread: scoringThread === 'auto' ? cores > 1 : scoringThread === 'on',
    allowRejects: values['allow-rejects'],
    endpointUrl: values['endpoint-url'],
    json: values.json,
    progress: !values['no-progress'],
  });
}

function whole(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new PredictUsageError(
      `${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function blankAsUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The rejects location beside an output: `out.jsonl` → `out.rejects.jsonl`, `out.csv` → `out.rejects.jsonl`. */
export function defaultRejectsLocation(output: string): string {
  const slash = output.lastIndexOf('/');
  const dot = output.lastIndexOf('.');
  const stem = dot > slash + 1 ? output.slice(0, dot) : output;
  return `${stem}.rejects.jsonl`;
}
