/**
 * Feeds a {@link Ledger} from where the pipeline's results land: prediction events on the output stream, quarantine
 * objects (docs/contract.md §4) and on-failure records (the poller's, or Lambda's S3 destination) in S3.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { parseQuarantineKey } from '../../functions/core/quarantine';
import type { FailureObservation, Ledger, PredictionObservation, RejectionObservation } from './ledger';
import { StreamTail, type TailRecord } from '../streams/tail';

/** Reads a prediction event (docs/contract.md §2) off the output stream; undefined when it is not one. */
export function toPredictionObservation(record: TailRecord): PredictionObservation | undefined {
  const text = Buffer.from(record.data).toString('utf8');
  const event = parseJson(text);
  if (!isObject(event) || !isObject(event.source) || !isObject(event.prediction)) return undefined;
  const { shard_id: shardId, sequence_number: sequenceNumber } = event.source;
  const wineQuality = event.prediction.wine_quality;
  if (typeof shardId !== 'string' || typeof sequenceNumber !== 'string' || typeof wineQuality !== 'number') {
    return undefined;
  }
  return {
    shardId,
    sequenceNumber,
    wineQuality,
    arrivedAtMs: record.approximateArrivalTimestamp.getTime(),
    payload: text,
    ...(typeof event.version === 'string' ? { version: event.version } : {}),
  };
}

/** Reads a quarantine object (docs/contract.md §4); undefined when it lacks `reason` or `source`. */
export function toRejectionObservation(object: unknown): RejectionObservation | undefined {
  if (!isObject(object) || typeof object.reason !== 'string' || !isObject(object.source)) return undefined;
  const { shard_id: shardId, sequence_number: sequenceNumber } = object.source;
  if (typeof shardId !== 'string' || typeof sequenceNumber !== 'string') return undefined;
  return { shardId, sequenceNumber, reason: object.reason };
}

/** Reads an on-failure record: its condition and the sequence numbers of the records it carries. */
export function toFailureObservation(object: unknown): FailureObservation | undefined {
  if (!isObject(object) || !isObject(object.requestContext) || !isObject(object.KinesisBatchInfo))
    return undefined;
  const condition = object.requestContext.condition;
  const shardId = object.KinesisBatchInfo.shardId;
  const records =
    isObject(object.payload) && Array.isArray(object.payload.Records) ? object.payload.Records : [];
  const sequenceNumbers = (records as unknown[])
    .map((r) => (isObject(r) && isObject(r.kinesis) ? r.kinesis.sequenceNumber : undefined))
    .filter((s): s is string => typeof s === 'string');
  if (typeof condition !== 'string' || typeof shardId !== 'string') return undefined;
  return { shardId, sequenceNumbers, condition };
}

/** New JSON objects under an S3 prefix since the previous call (each key is read once). */
export class S3JsonObjects {
  private readonly seen = new Set<string>();

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  async poll(): Promise<unknown[]> {
    const fresh = (await this.keys()).filter((key) => !this.seen.has(key));
    const objects = await Promise.all(
      fresh.map(async (key) => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        this.seen.add(key);
        return parseJson((await out.Body?.transformToString('utf8')) ?? '');
      }),
    );
    return objects;
  }

  /** Every key under the prefix now. */
  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.prefix },
    )) {
      for (const { Key } of page.Contents ?? []) if (Key !== undefined) keys.push(Key);
    }
    return keys;
  }
}

export interface LedgerSourcesOptions {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly predictionsStream: string;
  readonly bucket: string;
  /** Key prefix of quarantine objects without a trailing slash, e.g. `quarantine` (docs/contract.md §4). */
  readonly quarantinePrefix: string;
  /** Key prefix of on-failure records, e.g. `esm-failures/`. */
  readonly onFailurePrefix: string;
}

/** Counts of what the sources held, per source. */
export interface SourceCounts {
  /** Output stream records. */
  outputRecords: number;
  /** Quarantine objects. */
  quarantineObjects: number;
  /** On-failure objects. */
  onFailureObjects: number;
}

/** What the sources held besides the observations themselves (see the verdict's source checks). */
export interface SourceTotals {
  /** Everything read from the output stream, the quarantine prefix and the on-failure prefix. */
  readonly read: SourceCounts;
  /** Of those, what was not a prediction event, quarantine document or on-failure record. */
  readonly unreadable: SourceCounts;
  /** Quarantine object keys per source (`shard/sequence`), from a final listing. */
  readonly quarantineKeysPerSource: ReadonlyMap<string, number>;
}

/** Everything the ledger needs, polled together. */
export class LedgerSources {
  /** Running totals of everything {@link collect} read. */
  readonly read: SourceCounts = { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 };
  /** Of those, what is not a prediction event, quarantine document or on-failure record (should stay zero). */
  readonly unreadable: SourceCounts = { outputRecords: 0, quarantineObjects: 0, onFailureObjects: 0 };

  private constructor(
    private readonly tail: StreamTail,
    private readonly quarantine: S3JsonObjects,
    private readonly failures: S3JsonObjects,
    private readonly quarantinePrefix: string,
  ) {}

  static async open(options: LedgerSourcesOptions): Promise<LedgerSources> {
    return new LedgerSources(
      await StreamTail.open(options.kinesis, options.predictionsStream, 'TRIM_HORIZON'),
      new S3JsonObjects(options.s3, options.bucket, `${options.quarantinePrefix}/`),
      new S3JsonObjects(options.s3, options.bucket, options.onFailurePrefix),
      options.quarantinePrefix,
    );
  }

  /** What the sources held so far, with a fresh listing of the quarantine keys. */
  async totals(): Promise<SourceTotals> {
    return {
      read: { ...this.read },
      unreadable: { ...this.unreadable },
      quarantineKeysPerSource: await this.quarantineKeysPerSource(),
    };
  }

  /**
   * Quarantine objects per source (`shard/sequence`), from a listing of their keys now: more than one for a record
   * means it was quarantined twice (on different days). A key of another layout counts under its own name.
   */
  async quarantineKeysPerSource(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const key of await this.quarantine.keys()) {
      const parts = parseQuarantineKey(key, this.quarantinePrefix);
      const source = parts ? `${parts.shardId}/${parts.sequenceNumber}` : key;
      counts.set(source, (counts.get(source) ?? 0) + 1);
    }
    return counts;
  }

  /** One round: new predictions, quarantine objects and on-failure records go into the ledger. */
  async collect(ledger: Ledger): Promise<void> {
    const [records, rejections, failures] = await Promise.all([
      this.tail.poll(),
      this.quarantine.poll(),
      this.failures.poll(),
    ]);
    this.read.outputRecords += records.length;
    this.read.quarantineObjects += rejections.length;
    this.read.onFailureObjects += failures.length;
    for (const record of records) {
      const observation = toPredictionObservation(record);
      if (observation) ledger.observePrediction(observation);
      else this.unreadable.outputRecords += 1;
    }
    for (const object of rejections) {
      const observation = toRejectionObservation(object);
      if (observation) ledger.observeRejection(observation);
      else this.unreadable.quarantineObjects += 1;
    }
    for (const object of failures) {
      const observation = toFailureObservation(object);
      if (observation) ledger.observeFailure(observation);
      else this.unreadable.onFailureObjects += 1;
    }
  }

  close(): void {
    this.tail.close();
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
