/**
 * Splits a byte stream into lines without holding more than one chunk plus one partial line: the basis of constant
 * memory. Lines are byte views (`Buffer.subarray`, no copy) so a JSON Lines row keeps its exact bytes for the same
 * UTF-8 check as the stream function's.
 */
import { BatchFileError } from './errors';

/** The lines of one input chunk, numbered from `firstLine` (1-based); terminators (`\n`, `\r\n`) removed. */
export interface LineChunk {
  readonly firstLine: number;
  readonly lines: readonly Buffer[];
  /** Input bytes consumed so far (for progress against a known size). */
  readonly bytesRead: number;
}

/** A line longer than this is not a data row of either format: the file is refused rather than buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Yields the input's lines, one {@link LineChunk} per input chunk that completes at least one line. A UTF-8 byte-order
 * mark at the very start is dropped; a last line without a terminator is yielded at the end.
 *
 * @param chunks - the file's bytes (a file read stream, an S3 object body)
 * @param file - the input's name, for errors
 * @throws BatchFileError when one line exceeds {@link MAX_LINE_BYTES}
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<LineChunk> {
  let carry: Buffer | undefined;
  let nextLine = 1;
  let bytesRead = 0;
  let first = true;
  for await (const raw of chunks) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    bytesRead += chunk.length;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const data = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      lines.push(trimCarriageReturn(data.subarray(start, end)));
      start = end + 1;
    }
    carry = start < data.length ? data.subarray(start) : undefined;
    if (carry !== undefined && carry.length > maxLineBytes) {
      throw new BatchFileError(
        { file, line: nextLine + lines.length },
        `line is longer than ${maxLineBytes} bytes: not a CSV or JSON Lines file`,
      );
    }
    // A line that ends inside a later chunk must not pin this chunk's whole buffer: copy the short remainder.
    if (carry !== undefined) carry = Buffer.from(carry);
    if (lines.length > 0) {
      yield { firstLine: nextLine, lines, bytesRead };
      nextLine += lines.length;
    }
  }
  if (carry !== undefined && carry.length > 0) {
    yield { firstLine: nextLine, lines: [trimCarriageReturn(carry)], bytesRead };
  }
}

function trimCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}

/** True for an empty or whitespace-only line (skipped: it is no data row in either format). */
export function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09) return false;
  return true;
}
