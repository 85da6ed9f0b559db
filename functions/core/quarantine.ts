import type { Rejection, RejectionReason, SourceCoordinates } from './types';

/** The body of one quarantine object (docs/contract.md §4). */
export interface QuarantineDocument {
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly source: SourceCoordinates;
  /** The original record bytes, base64. */
  readonly data_base64: string;
  /** Run id of the model that rejected the record (validation depends on the model's feature list). */
  readonly run_id: string;
  /** ISO-8601 UTC time the function processed the record; also dates the object's key. */
  readonly received_at: string;
}

/** Builds the quarantine document of a rejection. */
export function toQuarantineDocument(
  rejection: Rejection,
  runId: string,
  receivedAt: Date,
): QuarantineDocument {
  return {
    reason: rejection.reason,
    detail: rejection.detail,
    source: rejection.source,
    data_base64: rejection.data_base64,
    run_id: runId,
    received_at: receivedAt.toISOString(),
  };
}

/**
 * Object key of a quarantine document: `{prefix}/{yyyy}/{mm}/{dd}/{shard_id}/{sequence_number}.json` (UTC date).
 * The key is a function of the record, so a retried batch overwrites rather than duplicates.
 *
 * @param prefix - key prefix inside the bucket, without leading or trailing slash (may be empty)
 * @example
 * quarantineKey('quarantine', doc); // 'quarantine/2025/01/31/shardId-000000000000/4959….json'
 */
export function quarantineKey(prefix: string, document: QuarantineDocument): string {
  const date = document.received_at.slice(0, 10).split('-').join('/');
  const key = `${date}/${document.source.shard_id}/${document.source.sequence_number}.json`;
  return prefix === '' ? key : `${prefix}/${key}`;
}
