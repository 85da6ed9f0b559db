import fs from 'node:fs';
import path from 'node:path';
import { parseWineCsv } from '../../../../model/src/data/csv';
import { CsvError } from '../../../../model/src/errors';
import { CSV_HEADER, csvLine, sampleCsv, SAMPLE_ROWS } from '../../../helpers/modelFixtures';

function parseError(text: string): CsvError {
  try {
    parseWineCsv(text, 'wine.csv');
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('CSV parsing', () => {
  it('reads every row and column of the committed white-wine file', () => {
    // Prepare
    const file = path.resolve(__dirname, '../../../../model/data/winequality-white.csv');

    // Act
    const table = parseWineCsv(fs.readFileSync(file, 'utf8'), 'winequality-white.csv');

    // Assess
    expect(table.rows).toBe(4898);
    expect(table.columns.alcohol[0]).toBe(8.8);
    expect(table.columns['volatile acidity'][1]).toBe(0.3);
    expect(new Set(table.quality)).toEqual(new Set([3, 4, 5, 6, 7, 8, 9]));
  });

  it('accepts CRLF line ends, a BOM and columns in any order', () => {
    // Prepare
    const [first] = SAMPLE_ROWS;
    const reordered = ['"quality"', ...CSV_HEADER.split(';').slice(0, 11)].join(';');
    const text = `\uFEFF${reordered}\r\n${[first![1], ...first![0]].join(';')}\r\n`;

    // Act
    const table = parseWineCsv(text, 'wine.csv');

    // Assess
    expect(table.rows).toBe(1);
    expect(table.quality[0]).toBe(6);
    expect(table.columns.alcohol[0]).toBe(8.8);
  });

  it.each([
    ['an unknown header', CSV_HEADER.replace('"pH"', '"ph"'), 'line 1, column 9', 'unexpected header "ph"'],
    ['a missing column', CSV_HEADER.replace(';"sulphates"', ''), 'line 1', 'lacks column(s) "sulphates"'],
    ['a duplicated column', CSV_HEADER.replace('"pH"', '"alcohol"'), 'line 1, column 11', 'duplicate header'],
  ])('rejects %s, naming file and position', (_case, header, position, problem) => {
    // Prepare
    const text = `${header}\n${csvLine(SAMPLE_ROWS[0]![0], 6)}\n`;

    // Act
    const error = parseError(text);

    // Assess
    expect(error.message).toContain(`wine.csv: ${position}`);
    expect(error.message).toContain(problem);
    expect(error.code).toBe('CSV_INVALID');
  });

  it.each([
    [
      'a non-numeric cell',
      ';0.3;',
      ';abc;',
      'column 2 ("volatile acidity")',
      'expected a number, found "abc"',
    ],
    ['an empty cell', ';0.3;', ';;', 'column 2 ("volatile acidity")', 'expected a number, found ""'],
    ['a hexadecimal number', ';0.3;', ';0x1F;', 'column 2 ("volatile acidity")', 'found "0x1F"'],
    ['a negative value', ';0.3;', ';-0.3;', 'column 2 ("volatile acidity")', 'non-negative'],
    ['a fractional quality', ';6', ';6.5', 'column 12 ("quality")', 'quality must be an integer'],
  ])('rejects %s on line 3, naming the column', (_case, from, to, position, problem) => {
    // Prepare
    const lines = sampleCsv().split('\n');
    lines[2] = lines[2]!.replace(from, to);

    // Act
    const error = parseError(lines.join('\n'));

    // Assess
    expect(error.message).toContain('wine.csv: line 3');
    expect(error.message).toContain(position);
    expect(error.message).toContain(problem);
    expect(error.location.line).toBe(3);
  });

  it('rejects a row with too few fields, naming the line', () => {
    // Prepare
    const text = `${CSV_HEADER}\n1;2;3\n`;

    // Act
    const error = parseError(text);

    // Assess
    expect(error.message).toBe('wine.csv: line 2: expected 12 fields separated by ";", found 3');
  });

  it('rejects an empty file and a header without rows', () => {
    expect(parseError('').message).toContain('file is empty');
    expect(parseError(`${CSV_HEADER}\n`).message).toContain('no data rows');
  });

  it('rejects a blank line between data rows', () => {
    // Prepare
    const lines = sampleCsv().split('\n');
    lines.splice(2, 0, '');

    // Act
    const error = parseError(lines.join('\n'));

    // Assess
    expect(error.location.line).toBe(3);
  });
});
