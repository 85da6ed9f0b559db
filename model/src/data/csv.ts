/**
 * Strict parser for the UCI Wine Quality CSV (semicolon-separated, quoted header, numeric cells). Anything
 * unexpected is an error naming the file, the 1-based line and the column, never a silently skipped row.
 */
import { UCI_FEATURES, UCI_TARGET, type UciFeature } from '../contract';
import { CsvError } from '../errors';

/** The parsed file: one float64 column per UCI feature plus the integer quality label, in file row order. */
export interface WineTable {
  /** File name used in error messages and recorded in metrics. */
  readonly file: string;
  readonly rows: number;
  readonly columns: Readonly<Record<UciFeature, Float64Array>>;
  readonly quality: Int32Array;
}

const DELIMITER = ';';
// A plain decimal number: what the UCI files contain. Rejects "", "0x1F", "1,5", "Infinity", "NaN", "1e".
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EXPECTED = [...UCI_FEATURES, UCI_TARGET] as const;

function unquote(field: string, file: string, line: number, column: number): string {
  const trimmed = field.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    const inner = trimmed.slice(1, -1);
    if (/(^|[^"])"(?!")/.test(inner.replaceAll('""', ''))) {
      throw new CsvError({ file, line, column }, `malformed quoted field ${JSON.stringify(field)}`);
    }
    return inner.replaceAll('""', '"');
  }
  if (trimmed.includes('"')) {
    throw new CsvError({ file, line, column }, `malformed quoted field ${JSON.stringify(field)}`);
  }
  return trimmed;
}

function parseHeader(line: string, file: string): string[] {
  const names = line.split(DELIMITER).map((field, i) => unquote(field, file, 1, i + 1));
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!(EXPECTED as readonly string[]).includes(name)) {
      throw new CsvError(
        { file, line: 1, column: i + 1 },
        `unexpected header ${JSON.stringify(name)}; expected the UCI columns ${EXPECTED.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    if (seen.has(name)) {
      throw new CsvError({ file, line: 1, column: i + 1 }, `duplicate header ${JSON.stringify(name)}`);
    }
    seen.add(name);
  });
  const missing = EXPECTED.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new CsvError(
      { file, line: 1 },
      `header lacks column(s) ${missing.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  }
  return names;
}

/**
 * Parses the text of a UCI Wine Quality CSV.
 *
 * Rules: the first line is the header and must name every UCI column exactly once (any order); every other non-empty
 * line has one plain decimal number per header column; features are ≥ 0; `quality` is an integer. Only trailing empty
 * lines are allowed. CRLF line ends are accepted.
 *
 * @param text - the file's content
 * @param file - the name to report in errors (usually the path)
 * @throws {@link CsvError} naming file, line and column for the first problem found
 * @example
 * const table = parseWineCsv(fs.readFileSync(path, 'utf8'), path);
 * table.columns.alcohol[0]; // 8.8
 */
export function parseWineCsv(text: string, file: string): WineTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const headerLine = lines[0];
  if (headerLine === undefined) throw new CsvError({ file, line: 1 }, 'file is empty (no header)');
  const header = parseHeader(headerLine, file);
  const rows = lines.length - 1;
  if (rows === 0) throw new CsvError({ file, line: 2 }, 'no data rows after the header');

  const values = header.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const lineNumber = r + 2;
    const fields = (lines[r + 1] ?? '').split(DELIMITER);
    if (fields.length !== header.length) {
      throw new CsvError(
        { file, line: lineNumber },
        `expected ${header.length} fields separated by "${DELIMITER}", found ${fields.length}`,
      );
    }
    fields.forEach((raw, c) => {
      const columnName = header[c] ?? '';
      const location = { file, line: lineNumber, column: c + 1, columnName };
      const cell = unquote(raw, file, lineNumber, c + 1);
      if (!NUMBER.test(cell)) {
        throw new CsvError(location, `expected a number, found ${JSON.stringify(cell)}`);
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new CsvError(location, `number ${cell} is out of range`);
      if (columnName === UCI_TARGET) {
        if (!Number.isInteger(value))
          throw new CsvError(location, `quality must be an integer, found ${cell}`);
      } else if (value < 0) {
        throw new CsvError(location, `physico-chemical values are non-negative, found ${cell}`);
      }
      (values[c] as Float64Array)[r] = value;
    });
  }

  const column = (name: string): Float64Array => values[header.indexOf(name)] as Float64Array;
  const columns = Object.fromEntries(UCI_FEATURES.map((name) => [name, column(name)])) as Record<
    UciFeature,
    Float64Array
  >;
  return { file, rows, columns, quality: Int32Array.from(column(UCI_TARGET)) };
}
