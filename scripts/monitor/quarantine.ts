/**
 * Reads the quarantine objects (docs/contract.md §4) of a time window: their keys start with the UTC day they were
 * received, so only the days of the window are listed. Unreachable storage is reported, never thrown: the report is
 * still useful without it.
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { s3Key, s3Url, type S3Folder } from '../../functions/contract/s3Folder';
import { mapLimit } from '../../functions/adapters/mapLimit';
import { parseQuarantineKey, quarantineDayPrefix } from '../../functions/core/quarantine';
import type { QuarantineEntry, QuarantineRead } from './analysis';

const CONCURRENCY = 8;

/** The `yyyy/mm/dd/` key parts of every UTC day from `since` to `until`, or `['']` (all) without a start. */
export function dayPrefixes(since: Date | undefined, until: Date): string[] {
  if (since === undefined) return [''];
  const days: string[] = [];
  const day = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  while (day <= until) {
    days.push(quarantineDayPrefix('', day));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/**
 * Lists and reads the quarantine documents received within the window (at most `maxObjects`).
 *
 * @returns `read` with the documents, or `unavailable` with the reason (missing bucket, no connection, access denied)
 */
export async function readQuarantine(
  s3: S3Client,
  folder: S3Folder,
  window: { readonly since: Date | undefined; readonly until: Date; readonly maxObjects: number },
): Promise<QuarantineRead> {
  const location = s3Url(folder);
  try {
    const keys: string[] = [];
    let capped = false;
    days: for (const day of dayPrefixes(window.since, window.until)) {
      const pages = paginateListObjectsV2(
        { client: s3 },
        { Bucket: folder.bucket, Prefix: s3Key(folder, day) },
      );
      for await (const page of pages) {
        for (const { Key } of page.Contents ?? []) {
          if (Key !== undefined && parseQuarantineKey(Key, folder.prefix)) keys.push(Key);
        }
        if (keys.length >= window.maxObjects) {
          capped = true;
          break days;
        }
      }
    }
    const documents = await mapLimit(keys.slice(0, window.maxObjects), CONCURRENCY, (key) =>
      readEntry(s3, folder.bucket, key),
    );
    const entries = documents.filter(
      (entry): entry is QuarantineEntry =>
        entry !== undefined &&
        (window.since === undefined || new Date(entry.receivedAt) >= window.since) &&
        new Date(entry.receivedAt) <= window.until,
    );
    return { status: 'read', location, entries, capped };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'unavailable', location, why: `${name}: ${message}` };
  }
}

async function readEntry(s3: S3Client, bucket: string, key: string): Promise<QuarantineEntry | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  try {
    const document = JSON.parse(text) as { reason?: unknown; detail?: unknown; received_at?: unknown };
    if (typeof document.reason !== 'string' || typeof document.received_at !== 'string') return undefined;
    return {
      reason: document.reason,
      detail: typeof document.detail === 'string' ? document.detail : '',
      receivedAt: document.received_at,
    };
  } catch {
    return undefined; // not a quarantine document: not ours to count
  }
}
