/**
 * Room `scripts/emulators/` — one job: run the local AWS stand-ins. kinesis-mock and s3rver as child processes bound
 * to loopback (started, stopped, killed and restarted by PID; kinesis-mock's snapshots written atomically), free-port
 * helpers (`ports.ts`) and stream creation (`streams.ts`). Nothing here knows about the function or the pipeline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import S3rver from 's3rver';
import { REPO_ROOT } from '../../model';
import { assertPortFree, freePort, waitForPort } from './ports';

const KINESIS_MAIN = path.join(REPO_ROOT, 'node_modules/kinesis-local/main.js');
const KINESIS_CERT = path.join(REPO_ROOT, 'node_modules/kinesis-local/server.json');
const BIND_LOOPBACK = path.join(__dirname, 'bind-loopback.cjs');
const EXIT_WITH_PARENT = path.join(__dirname, 'exit-with-parent.cjs');
const ATOMIC_PERSIST = path.join(__dirname, 'atomic-persist.cjs');
/** kinesis-mock's snapshot file in `dataDir` (PERSIST_FILE_NAME; atomic-persist.cjs reads the same variable). */
const DATA_FILE = 'kinesis-data.json';

/** Credentials the whole local stack uses: s3rver accepts only these, kinesis-mock accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface KinesisMock extends Emulator {
  readonly pid: number;
  /** Whether the child process is still running. */
  alive(): boolean;
  /**
   * SIGTERM, then SIGKILL after `graceMs` (default 3 000). kinesis-mock's graceful shutdown waits for idle keep-alive
   * connections of SDK clients still open in this process, so a caller that cannot close them all passes a short grace.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /**
   * Resolves once `count` snapshots have completed from now (default 2: the second began after the call, so it holds
   * every write acknowledged before it, and a kill after it loses none of them).
   *
   * @throws {Error} when started without `dataDir`, or when the snapshots do not complete within `timeoutMs`
   */
  snapshotsCompleted(count?: number, timeoutMs?: number): Promise<void>;
}

export interface KinesisMockOptions {
  /** Plain-HTTP port; a free one when omitted. */
  port?: number;
  /** Folder for persisted data; with it the emulator keeps its streams and records across restarts. */
  dataDir?: string;
  /** `INITIALIZE_STREAMS`, e.g. `"wine-input:1,wine-predictions:1"`. */
  initializeStreams?: string;
  /** Where the emulator's own stdout/stderr go; inherited streams clutter test output, so a file by default. */
  logFile?: string;
}

/**
 * Starts kinesis-mock (npm `kinesis-local`) as a child process bound to 127.0.0.1 and resolves once it accepts
 * connections. Stop it with `stop()`: SIGTERM by PID, then SIGKILL after 3 s (it sometimes ignores SIGTERM). The child
 * also exits on its own within a second of this process dying, so a killed caller leaves no emulator behind. With
 * `dataDir` each snapshot is written all-or-nothing (atomic-persist.cjs): a killed emulator restarts on its last
 * complete one. A failed start quotes the end of `logFile`.
 */
export async function startKinesisMock(options: KinesisMockOptions = {}): Promise<KinesisMock> {
  const port = options.port ?? (await freePort());
  await assertPortFree(port, 'Kinesis emulator');
  const tlsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KINESIS_MOCK_PLAIN_PORT: String(port),
    KINESIS_MOCK_TLS_PORT: String(tlsPort),
    KINESIS_MOCK_CERT_PATH: KINESIS_CERT,
    LOG_LEVEL: 'WARN',
    ...(options.initializeStreams ? { INITIALIZE_STREAMS: options.initializeStreams } : {}),
    ...(options.dataDir
      ? {
          SHOULD_PERSIST_DATA: 'true',
          LOAD_DATA_IF_EXISTS: 'true',
          PERSIST_PATH: options.dataDir,
          PERSIST_FILE_NAME: DATA_FILE,
          PERSIST_INTERVAL: '200ms',
        }
      : {}),
  };
  // kinesis-mock resolves PERSIST_PATH against its working directory, and spawn fails (ENOENT) in a missing one.
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const logFd = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const preloads = [BIND_LOOPBACK, EXIT_WITH_PARENT, ...(options.dataDir ? [ATOMIC_PERSIST] : [])];
  const child = spawn(process.execPath, [...preloads.flatMap((file) => ['-r', file]), KINESIS_MAIN], {
    env,
    stdio: ['ignore', logFd, logFd],
    cwd: options.dataDir ?? REPO_ROOT,
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the emulator dying on its
    // own would race the caller's orderly stop. The caller stops it by PID; exit-with-parent covers a killed caller.
    detached: true,
  });
  if (typeof logFd === 'number') fs.closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('kinesis-mock did not start (no PID)');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // Without a listener a spawn failure would crash the caller instead of failing waitForPort below.
  child.once('error', () => {
    exited = true;
  });
  try {
    await waitForPort(port, 30_000, () => !exited);
  } catch (error) {
    await stopChild(child);
    const log = options.logFile ? logTail(options.logFile) : '';
    throw new Error(
      `kinesis-mock failed to start on port ${port}: ${(error as Error).message}` +
        (log ? `\nlast lines of ${options.logFile}:\n${log}` : ''),
      { cause: error },
    );
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid,
    alive: () => !exited,
    stop: (stopOptions) => stopChild(child, stopOptions?.graceMs),
    snapshotsCompleted: (count = 2, timeoutMs = 20_000) => {
      if (!options.dataDir)
        return Promise.reject(new Error('snapshotsCompleted needs a kinesis-mock with dataDir'));
      return snapshotsCompleted(path.join(options.dataDir, DATA_FILE), count, timeoutMs);
    },
  };
}

async function snapshotsCompleted(file: string, count: number, timeoutMs: number): Promise<void> {
  // Each snapshot replaces the file by rename (atomic-persist.cjs), so inode and mtime together name one snapshot.
  const snapshot = () => {
    try {
      const stat = fs.statSync(file);
      return `${stat.ino}:${stat.mtimeMs}`;
    } catch {
      return 'none';
    }
  };
  const deadline = Date.now() + timeoutMs;
  let last = snapshot();
  for (let completed = 0; completed < count;) {
    if (Date.now() > deadline)
      throw new Error(`kinesis-mock completed ${completed} of ${count} snapshots in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = snapshot();
    if (now !== last) completed += 1;
    last = now;
  }
}

/** The end of the emulator's log: why it died is the first thing a failed start needs to say. */
function logTail(file: string, lines = 12): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface S3rverOptions {
  port?: number;
  /** Folder that holds the buckets' files. */
  directory: string;
  /** Buckets to create at start. */
  buckets?: readonly string[];
  /**
   * Called after each object is stored (s3rver's object-created notifications), e.g. to count quarantine writes or to
   * run the batch handler on a dropped file; `size` in bytes when s3rver reports it.
   */
  onObjectCreated?: (bucket: string, key: string, size: number | undefined) => void;
}

/** The part of s3rver's S3 event notification this module reads. */
interface S3rverEvent {
  Records?: {
    eventName?: string;
    s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } };
  }[];
}

/** Starts s3rver in this process on 127.0.0.1. */
export async function startS3rver(options: S3rverOptions): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  await assertPortFree(port, 'S3 emulator');
  fs.mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: options.directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const { onObjectCreated } = options;
  if (onObjectCreated) {
    // S3rver extends Koa, an EventEmitter; @types/s3rver leaves out the inherited `on`.
    (server as unknown as EventEmitter).on('event', (event: S3rverEvent) => {
      for (const record of event.Records ?? []) {
        const bucket = record.s3?.bucket?.name;
        const key = record.s3?.object?.key;
        if (record.eventName?.startsWith('ObjectCreated') && bucket && key) {
          onObjectCreated(bucket, key, record.s3?.object?.size);
        }
      }
    });
  }
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await server.close();
    },
  };
}
