import { BatchFileError } from '../../../../functions/batch/errors';
import type { FilePredictionEvent, RejectLine } from '../../../../functions/batch/outputs';
import { fakeLabel, fakeScorer, signatureFor } from '../../../helpers/factories';
import { scoreText } from '../../../helpers/batchFiles';

const signature = signatureFor('seed3'); // alcohol, volatile acidity, sulphates
const classes = signature.classes;
const UCI_HEADER =
  '"fixed acidity";"volatile acidity";"citric acid";"residual sugar";"chlorides";"free sulfur dioxide";' +
  '"total sulfur dioxide";"density";"pH";"sulphates";"alcohol";"quality"';
const UCI_ROWS = [
  '7.4;0.7;0;1.9;0.076;11;34;0.9978;3.51;0.56;9.4;5',
  '7.8;0.88;0;2.6;0.098;25;67;0.9968;3.2;0.68;10.8;6',
  '11.2;0.28;0.56;1.9;0.075;17;60;0.998;3.16;0.58;12.1;6',
];

const events = (lines: readonly string[]) => lines.map((l) => JSON.parse(l) as FilePredictionEvent);
const rejects = (lines: readonly string[]) => lines.map((l) => JSON.parse(l) as RejectLine);

async function failure(run: Promise<unknown>): Promise<BatchFileError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BatchFileError)) throw new Error(`expected a BatchFileError, got ${String(error)}`);
  return error;
}

describe('scoring a file', () => {
  it('reads the UCI CSV (";", quoted header, extra columns) and sources each prediction at its line', async () => {
    // Prepare
    const text = `${UCI_HEADER}\n${UCI_ROWS.join('\n')}\n`;

    // Act
    const { summary, predictions } = await scoreText(text, { model: signature, scorer: fakeScorer(classes) });

    // Assess
    expect(summary).toMatchObject({ format: 'csv', delimiter: ';', rows: 3, predicted: 3, rejected: 0 });
    expect(events(predictions).map((e) => [e.source, e.prediction.wine_quality])).toEqual([
      [{ file: 'wines.csv', line: 2 }, fakeLabel(classes, 9.4)],
      [{ file: 'wines.csv', line: 3 }, fakeLabel(classes, 10.8)],
      [{ file: 'wines.csv', line: 4 }, fakeLabel(classes, 12.1)],
    ]);
    expect(events(predictions)[0]).toMatchObject({ model: signature.model_name, version: signature.run_id });
  });

  it('reads a comma CSV with the same names in another order, CRLF endings and a byte-order mark alike', async () => {
    // Prepare
    const uci = `${UCI_HEADER}\n${UCI_ROWS.join('\n')}\n`;
    const comma =
      '\uFEFFsulphates,alcohol,note,volatile acidity\r\n0.56,9.4,x,0.7\r\n0.68,10.8,y,0.88\r\n0.58,12.1,z,0.28\r\n';

    // Act
    const fromUci = await scoreText(uci, { model: signature, scorer: fakeScorer(classes) });
    const scorer = fakeScorer(classes);
    const fromComma = await scoreText(comma, { model: signature, scorer });

    // Assess
    expect(fromComma.summary.delimiter).toBe(',');
    expect(events(fromComma.predictions).map((e) => e.prediction)).toEqual(
      events(fromUci.predictions).map((e) => e.prediction),
    );
    expect(Array.from(scorer.calls[0]!.data)).toEqual(
      Array.from(new Float32Array([9.4, 0.7, 0.56, 10.8, 0.88, 0.68, 12.1, 0.28, 0.58])),
    );
  });

  it('detects JSON Lines of stream payloads, and a given format overrides detection', async () => {
    // Prepare
    const jsonl =
      '{"wine_features": {"alcohol": 9.4, "volatile acidity": 0.7, "sulphates": 0.56}, "customer_id": 7}\n';

    // Act
    const detected = await scoreText(jsonl, {
      model: signature,
      scorer: fakeScorer(classes),
      file: 'w.jsonl',
    });
    const forced = failure(
      scoreText(jsonl, { model: signature, scorer: fakeScorer(classes), format: 'csv' }),
    );

    // Assess
    expect(detected.summary).toMatchObject({ format: 'jsonl', rows: 1, predicted: 1 });
    expect(events(detected.predictions)[0]).toMatchObject({
      prediction: { customer_id: 7 },
      source: { file: 'w.jsonl', line: 1 },
    });
    expect((await forced).message).toMatch(/^wines\.csv:1:1: the header is a single column/);
  });

  it('stops at a header that lacks a feature the model needs, naming file, line and column', async () => {
    // Prepare
    const text = '\n"alcohol";"volatile acidity";"quality"\n9.4;0.7;5\n';

    // Act
    const error = await failure(scoreText(text, { model: signature, scorer: fakeScorer(classes) }));

    // Assess
    expect(error.message).toBe(
      'wines.csv:2:4: the header has no column "sulphates" that the model needs ' +
        '(columns: "alcohol", "volatile acidity", "quality")',
    );
    expect(error.position).toEqual({ file: 'wines.csv', line: 2, column: 4 });
  });

  it('stops at a header with a single column: the delimiter is none of ";", "," or tab', async () => {
    // Act
    const error = await failure(
      scoreText('alcohol|volatile acidity|sulphates\n9.4|0.7|0.56\n', {
        model: signature,
        scorer: fakeScorer(classes),
      }),
    );

    // Assess
    expect(error.message).toMatch(/^wines\.csv:1:1: the header is a single column \("alcohol\|volatile/);
  });

  it('stops at a CSV syntax error in a data line, naming its line and column, after writing nothing for it', async () => {
    // Prepare
    const text = 'alcohol;volatile acidity;sulphates\n9.4;0.7;0.56\n9.8;"0.7"x;0.5\n';

    // Act
    const error = await failure(scoreText(text, { model: signature, scorer: fakeScorer(classes) }));

    // Assess
    expect(error.position).toEqual({ file: 'wines.csv', line: 3, column: 2 });
    expect(error.message).toMatch(/^wines\.csv:3:2: CSV syntax error/);
  });

  it('reads a quoted data line with csv-parse and scores it like the unquoted one', async () => {
    // Prepare
    const text =
      'alcohol;volatile acidity;sulphates;customer_id\n"9.4";"0.7";"0.56";"a;b"\n9.4;0.7;0.56;ab\n';

    // Act
    const { predictions } = await scoreText(text, { model: signature, scorer: fakeScorer(classes) });

    // Assess
    const [quoted, plain] = events(predictions);
    expect(quoted?.prediction).toEqual({ ...plain?.prediction, customer_id: 'a;b' });
  });

  it.each([
    ['an empty file', ''],
    ['blank lines only', '\n  \n\t\n'],
  ])('stops at %s, naming line 1', async (_name, text) => {
    // Act
    const error = await failure(scoreText(text, { model: signature, scorer: fakeScorer(classes) }));

    // Assess
    expect(error.message).toBe('wines.csv:1: the file is empty: expected a CSV header or JSON Lines');
  });

  it('stops at a line longer than the limit instead of buffering it', async () => {
    // Prepare
    const text = `alcohol;volatile acidity;sulphates\n${'9'.repeat(1024 * 1024 + 1)}`;

    // Act
    const error = await failure(
      scoreText(text, { model: signature, scorer: fakeScorer(classes), chunkSize: 64 * 1024 }),
    );

    // Assess
    expect(error.message).toMatch(/^wines\.csv:2: line is longer than 1048576 bytes/);
  });

  it('writes exactly one prediction or one reject per data line, each file in input order, whatever the chunks', async () => {
    // Prepare: 40 rows, every fifth bad, blank lines between, scored 3 rows at a time from 7-byte chunks.
    const lines = ['alcohol,volatile acidity,sulphates'];
    const dataLines: number[] = [];
    const badLines: number[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 7 === 3) lines.push('');
      lines.push(i % 5 === 2 ? `${i},bad,0.5` : `${i},0.5,0.5`);
      dataLines.push(lines.length);
      if (i % 5 === 2) badLines.push(lines.length);
    }

    // Act
    const scored = await scoreText(`${lines.join('\n')}\n`, {
      model: signature,
      scorer: fakeScorer(classes),
      batchSize: 3,
      chunkSize: 7,
    });

    // Assess
    const predicted = events(scored.predictions).map((e) => e.source.line);
    const rejected = rejects(scored.rejects).map((r) => r.source.line);
    expect(rejected).toEqual(badLines);
    expect(predicted).toEqual(dataLines.filter((line) => !badLines.includes(line)));
    expect([...predicted, ...rejected].sort((a, b) => a - b)).toEqual(dataLines);
    expect(scored.summary).toMatchObject({ rows: 40, predicted: 32, rejected: 8, blankLines: 6 });
    expect(events(scored.predictions).map((e) => e.prediction.wine_quality)).toEqual(
      predicted.map((line) => fakeLabel(classes, Number(lines[line - 1]!.split(',')[0]))),
    );
  });

  it('counts (label, prediction) pairs of labelled rows only', async () => {
    // Prepare: fakeScorer predicts from floor(alcohol); quality is the label, empty on the last row.
    const text =
      'alcohol;volatile acidity;sulphates;quality\n9.4;0.7;0.5;5\n10.1;0.7;0.5;5\n12.9;0.7;0.5;9\n8.2;0.7;0.5;\n';

    // Act
    const { summary } = await scoreText(text, { model: signature, scorer: fakeScorer(classes) });

    // Assess
    const matrix = summary.labels!.toMatrix(classes);
    const at = (truth: number, predicted: number) =>
      matrix.matrix[matrix.labels.indexOf(truth)]![matrix.labels.indexOf(predicted)];
    expect(summary.labels!.total).toBe(3);
    expect(at(5, fakeLabel(classes, 9.4))).toBe(1);
    expect(at(5, fakeLabel(classes, 10.1))).toBe(1);
    expect(at(9, fakeLabel(classes, 12.9))).toBe(1);
    expect(matrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('writes CSV predictions: line, customer id, class and its probability', async () => {
    // Prepare
    const text = 'alcohol,volatile acidity,sulphates,customer_id\n9.4,0.7,0.5,"c,1"\n10.2,0.7,0.5,\n';

    // Act
    const { predictions } = await scoreText(text, {
      model: signature,
      scorer: fakeScorer(classes),
      output: 'csv',
    });

    // Assess
    expect(predictions).toEqual([
      'line,customer_id,wine_quality,probability',
      `2,"c,1",${fakeLabel(classes, 9.4)},0.7`,
      `3,,${fakeLabel(classes, 10.2)},0.7`,
    ]);
  });
});
