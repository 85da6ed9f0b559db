/**
 * `npm run predict` in-process (`runPredict`) with the committed default model: exit codes, outputs beside each other,
 * the summary's label metrics checked against the outputs, and usage errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FilePredictionEvent, RejectLine } from '../../../../functions/batch/outputs';
import { DEFAULT_RUN_ID, REPO_ROOT } from '../../../../model';
import {
  defaultRejectsLocation,
  parsePredictArgs,
  PredictUsageError,
  type PredictOptions,
} from '../../../../scripts/batch/options';
import type { PredictReport } from '../../../../scripts/batch/report';
import { runPredict } from '../../../../scripts/batch/run';

jest.setTimeout(60_000);

const RED = path.join(REPO_ROOT, 'model/data/winequality-red.csv');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'predict-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function io() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

function options(args: string[]): PredictOptions {
  const parsed = parsePredictArgs([...args, '--no-progress'], {});
  if (parsed === 'help') throw new Error('unexpected --help');
  return parsed;
}

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('npm run predict', () => {
  it('scores the red-wine file: one event per row, exit 0, and label metrics that match its outputs', async () => {
    // Prepare
    const output = path.join(dir, 'out', 'red.jsonl');
    const run = io();

    // Act
    const code = await runPredict(options(['--input', RED, '--output', output, '--json']), run.io);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(run.stdout()) as PredictReport;
    const events = lines(output).map((l) => JSON.parse(l) as FilePredictionEvent);
    expect(events).toHaveLength(1599);
    expect(events.map((e) => e.source.line)).toEqual(Array.from({ length: 1599 }, (_, i) => i + 2));
    expect(new Set(events.map((e) => e.version))).toEqual(new Set([DEFAULT_RUN_ID]));
    expect(lines(defaultRejectsLocation(output))).toEqual([]);
    // Independently: the label of line N is the last cell of line N of the input.
    const inputLines = fs.readFileSync(RED, 'utf8').split('\n');
    const truth = events.map((e) => Number(inputLines[e.source.line - 1]!.split(';').at(-1)));
    const correct = events.filter((e, i) => e.prediction.wine_quality === truth[i]).length;
    expect(report).toMatchObject({ rows: 1599, predicted: 1599, rejected: 0, format: 'csv', delimiter: ';' });
    expect(report.labels?.rows).toBe(1599);
    expect(report.labels?.accuracy).toBeCloseTo(correct / 1599, 6);
    const matrix = report.labels!.confusion_matrix;
    expect(matrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(1599);
    const five = matrix.labels.indexOf(5);
    expect(matrix.matrix[five]!.reduce((a, b) => a + b, 0)).toBe(truth.filter((t) => t === 5).length);
  });

  it('exits 1 when rows were rejected, 0 with --allow-rejects, and lists them beside the output', async () => {
    // Prepare
    const input = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(
      input,
      [
        '{"wine_features": {"alcohol": 9.4, "volatile acidity": 0.7, "sulphates": 0.56}}',
        '{"wine_features": {"alcohol": "9.4", "volatile acidity": 0.7, "sulphates": 0.56}}',
        '',
      ].join('\n'),
    );
    const output = path.join(dir, 'mixed.csv');

    // Act
    const strict = io();
    const strictCode = await runPredict(options(['--input', input, '--output', output]), strict.io);
    const lenient = io();
    const lenientCode = await runPredict(
      options(['--input', input, '--output', output, '--allow-rejects']),
      lenient.io,
    );

    // Assess
    expect(strictCode).toBe(1);
    expect(strict.stderr()).toContain('1 rows rejected');
    expect(lenientCode).toBe(0);
    expect(lines(output)).toEqual([
      'line,customer_id,wine_quality,probability',
      expect.stringMatching(/^1,,\d,0\.\d+$/),
    ]);
    const [reject] = lines(path.join(dir, 'mixed.rejects.jsonl')).map((l) => JSON.parse(l) as RejectLine);
    expect(reject).toMatchObject({ source: { file: input, line: 2 }, reason: 'invalid_value' });
    expect(strict.stdout()).toContain('rejected     1 (invalid_value 1)');
  });

  it('exits 2 with one line naming file, line and column for a bad file, and leaves no output behind', async () => {
    // Prepare
    const input = path.join(dir, 'bad.csv');
    fs.writeFileSync(input, 'alcohol,sulphates\n9.4,0.5\n');
    const output = path.join(dir, 'bad.jsonl');
    const run = io();

    // Act
    const code = await runPredict(options(['--input', input, '--output', output]), run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toBe(
      `predict: ${input}:1:3: the header has no column "volatile acidity" that the model needs (columns: "alcohol", "sulphates")\n`,
    );
    expect(fs.readdirSync(dir)).toEqual(['bad.csv']);
  });

  it('exits 2 naming the file when the input does not exist, and for an uncommitted run without a bucket', async () => {
    // Prepare
    const missing = io();
    const noBucket = io();

    // Act
    const missingCode = await runPredict(
      options(['--input', path.join(dir, 'nope.csv'), '--output', path.join(dir, 'o.jsonl')]),
      missing.io,
    );
    const noBucketCode = await runPredict(
      options(['--input', RED, '--output', path.join(dir, 'o.jsonl'), '--run-id', 'f'.repeat(32)]),
      noBucket.io,
    );

    // Assess
    expect(missingCode).toBe(2);
    expect(missing.stderr()).toMatch(
      new RegExp(`^predict: ${path.join(dir, 'nope.csv')}: cannot read: ENOENT`),
    );
    expect(noBucketCode).toBe(2);
    expect(noBucket.stderr()).toContain(`run ${'f'.repeat(32)} is not committed in model/artifacts`);
  });

  it.each([
    [[], '--input is required'],
    [['--input', 'a.csv'], '--output is required'],
    [['--input', 'a.csv', '--output', 'b.jsonl', '--batch-size', '0'], '--batch-size must be a whole number'],
    [['--input', 'a.csv', '--output', 'b.jsonl', '--format', 'xml'], '--format must be one of csv, jsonl'],
    [['--input', 'a.csv', '--output', 'a.csv'], '--output must not be the input file'],
    [
      ['--input', 'a.csv', '--output', 'b.jsonl', '--run-id', 'x', '--model-location', 'd'],
      'must be 32 lowercase hex',
    ],
    [['--input', 'a.csv', '--output', 'b.jsonl', '--bogus'], "Unknown option '--bogus'"],
    [
      ['--input', 'a.csv', '--output', 'b.jsonl', '--scoring-thread', 'yes'],
      '--scoring-thread must be one of on, off, auto, got "yes"',
    ],
    [
      ['--input', 'a.csv', '--output', 'b.jsonl', '--scoring-thread', 'toString'],
      '--scoring-thread must be one of on, off, auto, got "toString"',
    ],
  ])('refuses %j as a usage error', (args, message) => {
    // Act / Assess
    expect(() => parsePredictArgs(args, {})).toThrow(PredictUsageError);
    expect(() => parsePredictArgs(args, {})).toThrow(message);
  });

  it('scores on a worker thread by default only where there is more than one core; on and off override that', () => {
    // Prepare
    const base = ['--input', 'a.csv', '--output', 'b.jsonl'];
    const threadOn = (args: string[], cores: number) => {
      const parsed = parsePredictArgs([...base, ...args], {}, cores);
      if (parsed === 'help') throw new Error('unexpected --help');
      return parsed.scoringThread;
    };

    // Act / Assess
    expect([threadOn([], 1), threadOn([], 2), threadOn(['--scoring-thread', 'auto'], 8)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(threadOn(['--scoring-thread', 'on'], 1)).toBe(true);
    expect(threadOn(['--scoring-thread', 'off'], 8)).toBe(false);
  });

  it('writes the same predictions, rejects and summary with the scoring thread on and off', async () => {
    // Prepare: the red-wine file with two more rows whose volatile acidity (2nd column) is bad, in small batches
    const input = path.join(dir, 'red-with-bad-rows.csv');
    const red = fs.readFileSync(RED, 'utf8').split('\n');
    red.splice(10, 0, red[10]!.replace(/^([^;]+);[^;]+;/, '$1;abc;'));
    red.splice(500, 0, red[500]!.replace(/^([^;]+);[^;]+;/, '$1;;'));
    fs.writeFileSync(input, red.join('\n'));
    const runWith = async (mode: string) => {
      const output = path.join(dir, mode, 'out.jsonl');
      const run = io();
      const args = ['--input', input, '--output', output, '--json', '--batch-size', '64'];
      const code = await runPredict(options([...args, '--scoring-thread', mode]), run.io);
      const report = JSON.parse(run.stdout()) as PredictReport;
      return { code, report, predictions: lines(output), rejects: lines(defaultRejectsLocation(output)) };
    };

    // Act
    const on = await runWith('on');
    const off = await runWith('off');

    // Assess
    expect([on.code, off.code]).toEqual([1, 1]);
    expect([on.report.scoring_thread, off.report.scoring_thread]).toEqual([true, false]);
    expect(on.predictions).toHaveLength(1599);
    expect(on.rejects).toHaveLength(2);
    expect(on.predictions).toEqual(off.predictions);
    expect(on.rejects).toEqual(off.rejects);
    const facts = (r: PredictReport) => ({
      ...r,
      output: '',
      rejects: '',
      wall_ms: 0,
      cpu_ms: 0,
      inference_ms: 0,
      rows_per_second: 0,
      max_rss_bytes: 0,
      scoring_thread: false,
    });
    expect(facts(on.report)).toEqual(facts(off.report));
  });

  it('puts the rejects beside the output by default', () => {
    // Act / Assess
    expect(defaultRejectsLocation('out/red.jsonl')).toBe('out/red.rejects.jsonl');
    expect(defaultRejectsLocation('s3://b/batch/red.csv')).toBe('s3://b/batch/red.rejects.jsonl');
    expect(defaultRejectsLocation('noext')).toBe('noext.rejects.jsonl');
  });
});
