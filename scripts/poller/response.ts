/**
 * How Lambda reads a Kinesis handler's response when the mapping has `ReportBatchItemFailures`
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html):
 * - success: no response, a null/empty `batchItemFailures`;
 * - partial: the batch is checkpointed just before the failed record with the LOWEST sequence number, and processing
 *   resumes from that record;
 * - whole-batch failure: an item identifier that is missing, null, empty, not a string, or not a sequence number of
 *   this batch (Lambda treats a malformed response like a function error).
 */
/** What the poller does with the batch after a response. */
export type ResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIndex: number }
  | { readonly kind: 'failure'; readonly reason: string };

/**
 * Interprets a handler response for a batch whose records carry `sequenceNumbers` (in shard order).
 * Without `reportBatchItemFailures` Lambda ignores the response body: any resolved invocation is a success.
 */
export function interpretResponse(
  response: unknown,
  sequenceNumbers: readonly string[],
  reportBatchItemFailures: boolean,
): ResponseVerdict {
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'success' };

  const positions = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index]));
  let failedIndex = Number.POSITIVE_INFINITY;
  for (const item of failures as unknown[]) {
    const identifier =
      item !== null && typeof item === 'object'
        ? (item as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof identifier !== 'string' || identifier.length === 0) {
      const shown = identifier === undefined ? 'undefined' : JSON.stringify(identifier);
      return { kind: 'failure', reason: `itemIdentifier ${shown} is not a sequence number` };
    }
    const index = positions.get(identifier);
    if (index === undefined) {
      return {
        kind: 'failure',
        reason: `itemIdentifier ${identifier} is not a sequence number of this batch`,
      };
    }
    // Records are in shard order, so the lowest sequence number is the lowest position.
    failedIndex = Math.min(failedIndex, index);
  }
  return { kind: 'partial', failedIndex };
}
