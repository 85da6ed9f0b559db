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
 * The key is a function of the record, so a retried batch overwrites rather than duplicates. This module writes the
 * layout and reads it back ({@link parseQuarantineKey}, {@link quarantineDayPrefix}); nothing else spells it out.
 *
 * @param prefix - key prefix inside the bucket, without leading or trailing slash (may be empty)
 * @example
 * quarantineKey('quarantine', doc); // 'quarantine/2025/01/31/shardId-000000000000/4959….json'
 */
export function quarantineKey(prefix: string, document: QuarantineDocument): string {
  const { shard_id: shardId, sequence_number: sequenceNumber } = document.source;
  return `${quarantineDayPrefix(prefix, document.received_at)}${shardId}/${sequenceNumber}.json`;
}

/**
 * The key prefix of the quarantine objects received on one UTC day: `{prefix}/{yyyy}/{mm}/{dd}/`.
 *
 * @param day - a Date, or an ISO-8601 UTC time (only its date is used)
 */
export function quarantineDayPrefix(prefix: string, day: Date | string): string {
  const iso = typeof day === 'string' ? day : day.toISOString();
  const date = `${iso.slice(0, 10).split('-').join('/')}/`;
  return prefix === '' ? date : `${prefix}/${date}`;
}

/** What a quarantine object's key says: the UTC day it was received and the record it holds. */
export interface QuarantineKeyParts {
  /** `yyyy-mm-dd` (UTC). */
  readonly day: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

const KEY_LAYOUT = /^(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\/([^/]+)\.json$/;

/**
 * Reads a key written by {@link quarantineKey} back; undefined for any other key (not under `prefix`, another layout).
 *
 * @example
 * parseQuarantineKey('quarantine/2025/01/31/shardId-000000000000/4959.json', 'quarantine');
 * // { day: '2025-01-31', shardId: 'shardId-000000000000', sequenceNumber: '4959' }
 */
export function parseQuarantineKey(key: string, prefix: string): QuarantineKeyParts | undefined {
  const base = prefix === '' ? '' : `${prefix}/`;
  if (!key.startsWith(base)) return undefined;
  const match = KEY_LAYOUT.exec(key.slice(base.length));
  if (!match) return undefined;
  const [, yyyy = '', mm = '', dd = '', shardId = '', sequenceNumber = ''] = match;
  return { day: `${yyyy}-${mm}-${dd}`, shardId, sequenceNumber };
}
