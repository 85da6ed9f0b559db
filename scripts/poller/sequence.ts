/**
 * Kinesis sequence numbers are decimal strings of up to 129 digits: longer than a double holds, so they compare
 * as big integers, never as numbers or strings.
 */

/** Negative when `a` comes before `b` in the shard, zero when equal, positive after. */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether the string is a well-formed sequence number (what `BigInt` would accept and Kinesis could issue). */
export function isSequenceNumber(value: unknown): value is string {
  return typeof value === 'string' && /^(0|[1-9]\d{0,128})$/.test(value);
}
