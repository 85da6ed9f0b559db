/**
 * The edges of batch inference: an input file (local path or `s3://bucket/key`) as a byte stream, and an output as a
 * {@link TextSink} that only becomes visible once complete — a local file is written beside its destination and renamed
 * into place; an S3 object is a multipart upload (`@aws-sdk/lib-storage`), completed at the end or aborted, so a failed
 * run never leaves a truncated output that looks finished.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { s3FolderSchema } from '../config';
import { BatchFileError } from '../batch/errors';
import type { TextSink } from '../batch/scoreFile';

/** A file location: a local path, or an S3 object. */
export type FileLocation =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

const s3Object = s3FolderSchema;

/**
 * Reads `s3://bucket/key` or a local path.
 *
 * @throws BatchFileError for an `s3://` URL without a valid bucket or key, or another `scheme://`
 */
export function parseFileLocation(location: string): FileLocation {
  if (location.startsWith('s3://')) {
    const parsed = s3Object.safeParse(location);
    if (!parsed.success || parsed.data.prefix === '') {
      const why = parsed.error?.issues[0]?.message ?? 'has no object key';
      throw new BatchFileError({ file: location }, `${why} (expected s3://bucket/key)`);
    }
    return { kind: 's3', bucket: parsed.data.bucket, key: parsed.data.prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new BatchFileError({ file: location }, 'only local paths and s3://bucket/key are supported');
  }
  return { kind: 'local', path: location };
}

/** How a location is named in sources and messages. */
export function describeLocation(location: FileLocation): string {
  return location.kind === 's3' ? `s3://${location.bucket}/${location.key}` : location.path;
}

/** An opened input: its bytes and, when known, its size (for progress and the Lambda size limit). */
export interface OpenedInput {
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly size: number | undefined;
}

/** Read size of local files: large enough that per-chunk work is amortised, small next to any memory budget. */
const LOCAL_CHUNK_BYTES = 1024 * 1024;

/**
 * Opens an input for streaming.
 *
 * @throws BatchFileError naming the file when it does not exist or cannot be read
 */
export async function openInput(location: FileLocation, s3?: S3Client): Promise<OpenedInput> {
  const name = describeLocation(location);
  if (location.kind === 'local') {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(location.path);
    } catch (error) {
      throw new BatchFileError({ file: name }, `cannot read: ${(error as Error).message}`, { cause: error });
    }
    if (!stat.isFile()) throw new BatchFileError({ file: name }, 'is not a file');
    return {
      chunks: fs.createReadStream(location.path, { highWaterMark: LOCAL_CHUNK_BYTES }),
      size: stat.size,
    };
  }
  if (!s3) throw new BatchFileError({ file: name }, 'no S3 client to read it with');
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    if (!(object.Body instanceof Readable)) throw new Error('the response has no readable body');
    return { chunks: object.Body, size: object.ContentLength };
  } catch (error) {
    const code = error instanceof Error ? error.name : 'UnknownError';
    throw new BatchFileError({ file: name }, `cannot read: ${code}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** An output being written: text goes to `sink`; `commit` makes it visible, `abort` discards it. */
export interface OpenedOutput {
  readonly location: string;
  readonly sink: TextSink;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Content types of what batch inference writes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson',
};

/**
 * Opens an output for streaming: a local file (parent folders created) or an S3 multipart upload.
 *
 * @throws BatchFileError when the local folder cannot be created or the S3 location is unusable
 */
export async function openOutput(location: FileLocation, s3?: S3Client): Promise<OpenedOutput> {
  const name = describeLocation(location);
  if (location.kind === 'local') {
    const target = path.resolve(location.path);
    const partial = `${target}.partial-${process.pid}`;
    try {
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      throw new BatchFileError({ file: name }, `cannot write: ${(error as Error).message}`, { cause: error });
    }
    const stream = fs.createWriteStream(partial);
    const failed = failure(stream);
    return {
      location: name,
      sink: writableSink(stream, failed),
      commit: async () => {
        stream.end();
        await Promise.race([once(stream, 'close'), failed.promise]);
        await fs.promises.rename(partial, target);
      },
      abort: async () => {
        stream.destroy();
        await fs.promises.rm(partial, { force: true });
      },
    };
  }
  if (!s3) throw new BatchFileError({ file: name }, 'no S3 client to write it with');
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: location.bucket,
      Key: location.key,
      Body: body,
      ContentType: CONTENT_TYPES[path.extname(location.key)] ?? 'application/octet-stream',
    },
  });
  const done = upload.done();
  // Keep a rejection from going unhandled while text is still being written; it surfaces through the sink or commit.
  const failed = failure(body);
  done.catch((error: unknown) => failed.fail(error));
  return {
    location: name,
    sink: writableSink(body, failed),
    commit: async () => {
      body.end();
      await done;
    },
    abort: async () => {
      await upload.abort();
      body.destroy();
      await done.catch(() => undefined);
    },
  };
}

interface Failure {
  readonly promise: Promise<never>;
  fail(error: unknown): void;
}

/** A promise that rejects with the stream's first error (or an explicit failure), never unhandled. */
function failure(stream: Writable): Failure {
  let fail: (error: unknown) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    fail = reject;
  });
  promise.catch(() => undefined);
  stream.on('error', (error) => fail(error));
  return { promise, fail };
}

/** Writes with back-pressure: resolves at once while the stream buffers, after `drain` when it is full. */
function writableSink(stream: Writable, failed: Failure): TextSink {
  return {
    write: async (text) => {
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed.promise]);
    },
  };
}
