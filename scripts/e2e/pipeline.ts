/**
 * Room `scripts/e2e/` — one job: the end-to-end harness the e2e tests and the end-to-end benchmark drive. Emulators
 * and scenarios (this module), fault injectors (`faults.ts`) and the record-at-a-time reference design the benchmark
 * compares with (`reference-handler.ts`).
 *
 * The end-to-end harness: kinesis-local and s3rver on free loopback ports (each can be killed, stopped and restarted),
 * the committed model runs published to S3, and per scenario its own input and output streams, quarantine and
 * on-failure prefixes, the real handler behind the Lambda-like poller, and a {@link Ledger} fed from the output stream,
 * the quarantine and the on-failure destination. One {@link E2eEmulators} per test file; one {@link Scenario} per test.
 *
 * It composes the same parts as `startLocalStack` (emulators, streams, `publishRun`, the poller, the handler), but
 * keeps hold of each emulator and builds a handler per scenario, which fault injection needs and the local stack,
 * with its one process-wide handler, does not offer.
 */
import { DeleteStreamCommand, waitUntilStreamNotExists, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type FunctionConfig } from '../../functions/config';
import { createTelemetry, type Telemetry } from '../../functions/adapters/observability';
import { createDefaultHandler, type DefaultWiring } from '../../functions/handler';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_RUN_ID, publishRun, readRuns, runDir } from '../../model';
import { emulatorKinesisClient, emulatorS3Client } from '../emulators/clients';
import {
  LOCAL_REGION,
  startKinesisMock,
  startS3rver,
  type Emulator,
  type KinesisMock,
} from '../emulators/emulators';
import { Ledger, toSentRecords, type Expectation, type SentRecord } from '../accounting/ledger';
import { LedgerSources, type SourceCounts } from '../accounting/sources';
import {
  EventSourcePoller,
  s3Destination,
  type BatchReport,
  type DiscardReport,
  type EventSourceMappingOptions,
  type KinesisHandler,
  type PollerLogger,
} from '../poller';
import { freePort } from '../emulators/ports';
import { putRecords } from '../streams/producer';
import { ensureStream } from '../emulators/streams';
import { checkSwaps, formatTimelines, type RunTimeline, type SwapCheck } from '../accounting/swaps';
import {
  account,
  E2E_RULES,
  formatAccounting,
  type Accounting,
  type SentOfKind,
} from '../accounting/verdict';
import type { E2eRecord } from '../records/catalogue';
import { LOCAL_DEFAULTS, LOCAL_FUNCTION_NAME, ON_FAILURE_PREFIX } from '../local-stack/config';
import { QUARANTINE_PREFIX } from '../../functions/contract/names';
import { LIVE_ALIAS } from '../../infra/index';
import { localTarget, type Target } from '../lifecycle/target';
import { startLambdaApi } from '../local-stack/lambda-api';
import type { LocalFunction } from '../local-stack/local-function';
import { localScoringFunction } from '../local-stack/scoring-function';

/** The model bucket (the local stack's); quarantine and on-failure prefixes of every scenario live in it too. */
export const E2E_BUCKET = LOCAL_DEFAULTS.bucket;

/**
 * Event source mapping of the scenarios: the deployed one (stage: retries 3, bisect on error, ReportBatchItemFailures,
 * maximum age 1 h, timeout 60 s) with a smaller batch, a 100 ms window and fast polling, so tests see several batches
 * per shard in seconds. Scenarios override what their fault needs.
 */
export const E2E_MAPPING = {
  batchSize: 100,
  maximumBatchingWindowMs: 100,
  maximumRetryAttempts: 3,
  maximumRecordAgeMs: 3_600_000,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
  functionTimeoutMs: 60_000,
  pollIntervalMs: 50,
  retryDelayMs: 100,
} as const satisfies Partial<EventSourceMappingOptions>;

export type MappingOverrides = Partial<Omit<EventSourceMappingOptions, 'streamName' | 'startingPosition'>>;

export interface EmulatorOptions {
  /** Persist kinesis-local's streams to disk (every 200 ms), so it can be killed and restarted with its data. */
  readonly persistKinesis?: boolean;
  /** Runs to publish at start; default: every committed run. */
  readonly publish?: readonly string[];
}

/** The two emulators and the harness's own clients (never the handler's). */
export class E2eEmulators {
  private constructor(
    readonly dir: string,
    readonly kinesisPort: number,
    readonly s3Port: number,
    private kinesisMock: KinesisMock,
    private s3rver: Emulator | undefined,
    readonly kinesis: KinesisClient,
    readonly s3: S3Client,
    private readonly persist: boolean,
  ) {}

  /** Starts both emulators on free ports, creates the bucket and publishes the runs. */
  static async start(options: EmulatorOptions = {}): Promise<E2eEmulators> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wine-e2e-'));
    const [kinesisPort, s3Port] = [await freePort(), await freePort()];
    const persist = options.persistKinesis === true;
    const [kinesisStart, s3Start] = await Promise.allSettled([
      startKinesisMock(kinesisOptions(dir, kinesisPort, persist)),
      startS3rver({ port: s3Port, directory: path.join(dir, 's3'), buckets: [E2E_BUCKET] }),
    ]);
    if (kinesisStart.status === 'rejected' || s3Start.status === 'rejected') {
      if (kinesisStart.status === 'fulfilled') await kinesisStart.value.stop({ graceMs: 500 });
      if (s3Start.status === 'fulfilled') await s3Start.value.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      throw kinesisStart.status === 'rejected'
        ? kinesisStart.reason
        : (s3Start as PromiseRejectedResult).reason;
    }
    const kinesis = emulatorKinesisClient(kinesisStart.value.endpoint);
    const s3 = emulatorS3Client(s3Start.value.endpoint);
    const emulators = new E2eEmulators(
      dir,
      kinesisPort,
      s3Port,
      kinesisStart.value,
      s3Start.value,
      kinesis,
      s3,
      persist,
    );
    try {
      for (const runId of options.publish ?? committedRuns()) await emulators.publish(runId);
    } catch (error) {
      await emulators.stop();
      throw error;
    }
    return emulators;
  }

  get kinesisEndpoint(): string {
    return `http://127.0.0.1:${this.kinesisPort}`;
  }

  get s3Endpoint(): string {
    return `http://127.0.0.1:${this.s3Port}`;
  }

  /**
   * Fresh SDK clients on the emulators with their dummy credentials, for a handler (so a scenario's handler never
   * shares a connection pool with the harness). Whatever the caller's shell holds never reaches the emulators.
   */
  handlerClients(): { kinesis: KinesisClient; s3: S3Client } {
    return { kinesis: emulatorKinesisClient(this.kinesisEndpoint), s3: emulatorS3Client(this.s3Endpoint) };
  }

  /**
   * The handler's telemetry in end-to-end runs: silent logs (the poller reports every failed invocation with its
   * error; the handler's JSON lines would repeat them; `E2E_LOG_LEVEL` shows them) and no EMF.
   */
  handlerTelemetry(): Telemetry {
    return createTelemetry({
      serviceName: LOCAL_FUNCTION_NAME,
      logLevel: (process.env.E2E_LOG_LEVEL ?? 'SILENT') as LogLevel,
      emitMetrics: false,
    });
  }

  /** PID of the running kinesis-local (changes on restart). */
  get kinesisPid(): number {
    return this.kinesisMock.pid;
  }

  /** Uploads a committed run to `s3://wine-models/1/<run>/artifacts/model/`. */
  async publish(runId: string): Promise<void> {
    await publishRun({
      client: this.s3,
      bucket: E2E_BUCKET,
      experimentId: DEFAULT_EXPERIMENT_ID,
      runId,
      dir: runDir(runId),
    });
  }

  /** SIGKILL, no grace: what it had not persisted yet is gone, as after a crash. */
  async killKinesis(): Promise<void> {
    process.kill(this.kinesisMock.pid, 'SIGKILL');
    await this.kinesisMock.stop({ graceMs: 0 });
  }

  /**
   * Resolves once kinesis-local has completed two snapshots from now: a kill after it loses nothing it acknowledged
   * before the call (a fixed sleep did not guarantee that on a loaded machine, where one persist cycle can take seconds).
   */
  async kinesisSnapshotted(): Promise<void> {
    if (!this.persist)
      throw new Error('kinesisSnapshotted needs E2eEmulators.start({ persistKinesis: true })');
    await this.kinesisMock.snapshotsCompleted();
  }

  /**
   * Starts kinesis-local again on the same port (clients keep their endpoint) with the same data folder.
   *
   * @throws {Error} when the emulators were started without `persistKinesis` (the streams would be gone)
   */
  async restartKinesis(): Promise<void> {
    if (!this.persist) throw new Error('restartKinesis needs E2eEmulators.start({ persistKinesis: true })');
    if (this.kinesisMock.alive()) throw new Error('kinesis-local is still running');
    this.kinesisMock = await startKinesisMock(kinesisOptions(this.dir, this.kinesisPort, true));
  }

  /** Stops s3rver (its files stay on disk); requests to its port are refused until {@link startS3}. */
  async stopS3(): Promise<void> {
    await this.s3rver?.stop();
    this.s3rver = undefined;
  }

  /** Starts s3rver again on the same port and folder: every object stored before is there again. */
  async startS3(): Promise<void> {
    if (this.s3rver) return;
    this.s3rver = await startS3rver({
      port: this.s3Port,
      directory: path.join(this.dir, 's3'),
      buckets: [E2E_BUCKET],
    });
  }

  /** Stops both emulators and removes the data folder. */
  async stop(): Promise<void> {
    this.kinesis.destroy();
    this.s3.destroy();
    await Promise.all([this.kinesisMock.stop({ graceMs: 500 }), this.s3rver?.stop()]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function kinesisOptions(dir: string, port: number, persist: boolean) {
  return {
    port,
    logFile: path.join(dir, 'kinesis-mock.log'),
    ...(persist ? { dataDir: path.join(dir, 'kinesis-data') } : {}),
  };
}

function committedRuns(): string[] {
  return [...new Set([DEFAULT_RUN_ID, ...Object.values(readRuns().runs)])];
}

export interface ScenarioOptions {
  /** Names the streams and S3 prefixes: lowercase letters, digits and dashes. */
  readonly name: string;
  readonly inputShards?: number;
  readonly outputShards?: number;
  /** `RUN_ID` of the handler; default the committed default run. */
  readonly runId?: string;
  readonly mapping?: MappingOverrides;
  /**
   * The handler's SDK clients (e.g. with a fault-injecting middleware). Default: {@link E2eEmulators.handlerClients}.
   * The handler itself is always the production wiring, `createDefaultHandler`.
   */
  readonly clients?: DefaultWiring['clients'];
  /** Replaces the function under test (only the benchmark's record-at-a-time reference design does). */
  readonly createHandler?: (config: FunctionConfig) => KinesisHandler;
  /** Wraps the handler the poller invokes (e.g. a {@link HandlerGate}). */
  readonly wrapHandler?: (handler: KinesisHandler) => KinesisHandler;
  /**
   * Run the function as Lambda runs a versioned one: published versions (each the production wiring with its frozen
   * `RUN_ID`) behind alias `live`, which the poller resolves before every batch, and a Lambda API on a free port, so
   * the lifecycle's own calls ({@link Scenario.lifecycle}) move the alias while records flow.
   */
  readonly versioned?: boolean;
}

/** A versioned scenario's function: its versions and alias, the Lambda API serving them, the lifecycle's target. */
export interface VersionedFunction {
  readonly function: LocalFunction;
  /** What `model:promote` / `model:rollback` act on (`--local`'s target for this scenario). */
  readonly target: Target;
  close(): Promise<void>;
}

/** A sent record as the scenario keeps it. */
export interface SentE2eRecord extends SentOfKind {
  readonly expected: Expectation;
  /** The record as built; undefined for one that reached the handler in a hand-built event. */
  readonly record: E2eRecord | undefined;
  /** The Kinesis `data` the handler received, base64. */
  readonly dataBase64: string;
}

export interface SettleOptions {
  /** Give up after this long (the accounting then lists what is missing). Default 60 s. */
  readonly timeoutMs?: number;
  /**
   * Read nothing until the poller has checkpointed every record sent, so the reads do not compete with the pipeline
   * for the emulator (benchmarks; arrival times are stamped by Kinesis on write, so reading late changes nothing).
   */
  readonly readAfterCaughtUp?: boolean;
}

/**
 * One scenario: its streams and prefixes, the handler (built at once, so a cold start happens on its first
 * invocation), the poller (started by {@link startPoller}), the ledger and everything the poller reported.
 */
export class Scenario {
  readonly ledger = new Ledger();
  /** Every invocation the poller made, in order. */
  readonly batches: BatchReport[] = [];
  /** Every batch the poller gave up on. */
  readonly discards: DiscardReport[] = [];
  /** What the poller logged (outages, retries, discards). */
  readonly pollerMessages: string[] = [];
  readonly sent: SentE2eRecord[] = [];
  private readonly lastSentPerShard = new Map<string, bigint>();
  private poller: EventSourcePoller | undefined;
  /** A versioned scenario's batch-boundary check, from the last {@link settle}. */
  private swaps: SwapCheck | undefined;

  private constructor(
    readonly emulators: E2eEmulators,
    readonly name: string,
    readonly config: FunctionConfig,
    readonly handler: KinesisHandler,
    private readonly pollerClient: KinesisClient,
    private readonly sources: LedgerSources,
    private readonly mapping: MappingOverrides,
    /** Set for `versioned` scenarios: the poller then invokes alias `live`, not {@link handler}. */
    readonly lifecycle: VersionedFunction | undefined,
  ) {}

  static async create(emulators: E2eEmulators, options: ScenarioOptions): Promise<Scenario> {
    if (!/^[a-z0-9-]+$/.test(options.name)) throw new Error(`scenario name ${options.name}: use a-z 0-9 -`);
    const { name } = options;
    await Promise.all([
      ensureStream(emulators.kinesis, `${name}-in`, options.inputShards ?? 1),
      ensureStream(emulators.kinesis, `${name}-out`, options.outputShards ?? 1),
    ]);
    const environment = {
      PREDICTIONS_STREAM_NAME: `${name}-out`,
      MODEL_BUCKET: E2E_BUCKET,
      EXPERIMENT_ID: DEFAULT_EXPERIMENT_ID,
      RUN_ID: options.runId ?? DEFAULT_RUN_ID,
      QUARANTINE_LOCATION: `s3://${E2E_BUCKET}/${name}/${QUARANTINE_PREFIX}`,
      TEST_RUN: 'False',
    };
    const config = parseConfig(environment);
    const wiring = {
      clients: options.clients ?? emulators.handlerClients(),
      telemetry: emulators.handlerTelemetry(),
    };
    const handler = options.createHandler
      ? options.createHandler(config)
      : createDefaultHandler(config, wiring);
    const lifecycle = options.versioned
      ? await versionedFunction(emulators, `${name}-in`, `${name}-out`, environment, wiring)
      : undefined;
    const sources = await LedgerSources.open({
      kinesis: emulators.kinesis,
      s3: emulators.s3,
      predictionsStream: `${name}-out`,
      bucket: E2E_BUCKET,
      quarantinePrefix: `${name}/${QUARANTINE_PREFIX}`,
      onFailurePrefix: `${name}/${ON_FAILURE_PREFIX}/`,
    });
    const pollerClient = emulatorKinesisClient(emulators.kinesisEndpoint);
    return new Scenario(
      emulators,
      name,
      config,
      options.wrapHandler ? options.wrapHandler(handler) : handler,
      pollerClient,
      sources,
      options.mapping ?? {},
      lifecycle,
    );
  }

  get inputStream(): string {
    return `${this.name}-in`;
  }

  get outputStream(): string {
    return `${this.name}-out`;
  }

  /** Starts the poller on the input stream from TRIM_HORIZON, with {@link E2E_MAPPING} and the overrides. */
  async startPoller(): Promise<void> {
    if (this.poller) return;
    const logger: PollerLogger = {
      info: (m: string) => this.pollerMessages.push(m),
      warn: (m: string) => this.pollerMessages.push(m),
      error: (m: string) => this.pollerMessages.push(m),
    };
    this.poller = await EventSourcePoller.start({
      client: this.pollerClient,
      ...(this.lifecycle
        ? { alias: this.lifecycle.function.resolver(LIVE_ALIAS) }
        : { handler: this.handler }),
      onFailure: s3Destination(this.emulators.s3, E2E_BUCKET, `${this.name}/${ON_FAILURE_PREFIX}`),
      logger,
      observer: {
        onBatch: (report) => this.batches.push(report),
        onDiscard: (report) => this.discards.push(report),
      },
      ...E2E_MAPPING,
      ...this.mapping,
      streamName: this.inputStream,
      startingPosition: 'TRIM_HORIZON',
      functionName: LOCAL_FUNCTION_NAME,
    });
  }

  /** Puts records on the input stream (PutRecords, failed entries re-put) and registers each in the ledger. */
  async send(records: readonly E2eRecord[]): Promise<SentE2eRecord[]> {
    const results = await putRecords(this.emulators.kinesis, this.inputStream, records);
    const sent = results.map((result, i): SentE2eRecord => {
      const record = records[i] as E2eRecord;
      const last = this.lastSentPerShard.get(result.shardId);
      const sequence = BigInt(result.sequenceNumber);
      if (last === undefined || sequence > last) this.lastSentPerShard.set(result.shardId, sequence);
      return {
        shardId: result.shardId,
        sequenceNumber: result.sequenceNumber,
        kind: record.kind,
        expected: record.expected,
        record,
        dataBase64: Buffer.from(record.data).toString('base64'),
      };
    });
    this.ledger.expect(toSentRecords(results, records));
    this.sent.push(...sent);
    return sent;
  }

  /** Registers records that reach the handler some other way than the input stream (a hand-built event). */
  expectDirect(
    records: readonly (SentRecord & { readonly kind: string; readonly dataBase64: string })[],
  ): void {
    this.ledger.expect(records);
    this.sent.push(...records.map((r) => ({ ...r, record: undefined })));
  }

  /** Sets the send time of every record sent so far (a backlog's clock starts when its consumer starts). */
  restamp(sentAtMs: number): void {
    this.ledger.expect(this.ledger.sentRecords().map((record) => ({ ...record, sentAtMs })));
  }

  /** The poller's checkpoint per shard (undefined: nothing done on that shard yet). */
  checkpoints(): Record<string, string | undefined> {
    return this.poller?.checkpoints() ?? {};
  }

  /** Whether the poller has checkpointed every record sent on the input stream (on every shard but `except`). */
  caughtUp(except?: string): boolean {
    const checkpoints = this.poller?.checkpoints() ?? {};
    return [...this.lastSentPerShard].every(([shardId, last]) => {
      if (shardId === except) return true;
      const checkpoint = checkpoints[shardId];
      return checkpoint !== undefined && BigInt(checkpoint) >= last;
    });
  }

  /**
   * Reads the output stream, quarantine and on-failure prefix until every record has an outcome and the poller has
   * checkpointed everything sent (so no redelivery can still be on its way), reads once more, and accounts.
   * Source errors (an emulator that is down) are retried; they are part of what the scenarios do.
   */
  async settle(options: SettleOptions = {}): Promise<Accounting> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    let timedOut = false;
    for (;;) {
      const quiet = this.caughtUp();
      if (options.readAfterCaughtUp === true && !quiet && Date.now() <= deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const collected = await this.collect();
      if (quiet && collected && this.ledger.pending() === 0) break;
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Drain: records the last invocations wrote can need more than one GetRecords per shard.
    for (let before = -1; before !== this.sources.read.outputRecords;) {
      before = this.sources.read.outputRecords;
      await this.collect();
    }
    // A versioned scenario may have served every run its versions carry; its batches must not mix them.
    const servingRuns = this.lifecycle?.function
      .listVersions()
      .flatMap((v) => (v.Version === '$LATEST' ? [] : [v.Environment.Variables.RUN_ID ?? '']));
    const accounting = account(
      this.ledger,
      await this.sources.totals(),
      servingRuns ? { ...E2E_RULES, servingRuns: [...new Set(servingRuns)] } : E2E_RULES,
    );
    this.swaps = servingRuns ? checkSwaps(this.ledger, this.batches, servingRuns) : undefined;
    const problems = [
      ...(timedOut
        ? [`not settled within ${timeoutMs / 1000} s (poller caught up: ${String(this.caughtUp())})`]
        : []),
      ...accounting.problems,
      ...(this.swaps?.problems ?? []),
    ];
    return { ...accounting, balanced: problems.length === 0, problems };
  }

  /** A versioned scenario's runs per shard, from the last {@link settle} (empty otherwise). */
  swapTimelines(): readonly RunTimeline[] {
    return this.swaps?.timelines ?? [];
  }

  /** The compact ledger table (see `formatAccounting`). */
  table(title: string, accounting: Accounting): string {
    const table = formatAccounting(`${title} [${this.name}]`, accounting);
    if (!this.swaps) return table;
    const [first = '', ...rest] = formatTimelines(this.swaps.timelines);
    return [table, `runs per shard ${first}`, ...rest.map((line) => `               ${line}`)].join('\n');
  }

  /** Error messages of the failed invocations, in order. */
  invocationErrors(): string[] {
    return this.batches.flatMap((b) => (b.error === undefined ? [] : [b.error]));
  }

  /** Sequence numbers the handler reported in `batchItemFailures`, over all invocations. */
  reportedItemFailures(): string[] {
    return this.batches.flatMap((b) => {
      const failures = (b.response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)
        ?.batchItemFailures;
      return (failures ?? []).map((f) => String(f.itemIdentifier));
    });
  }

  /** Read counts so far, e.g. to wait for the first predictions. */
  get read(): Readonly<SourceCounts> {
    return this.sources.read;
  }

  /** One collection round; false when a source was unreachable. */
  async collect(): Promise<boolean> {
    try {
      await this.sources.collect(this.ledger);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the poller (an in-flight invocation finishes) and closes the scenario's clients. */
  async stop(): Promise<void> {
    await this.poller?.stop();
    this.sources.close();
    this.pollerClient.destroy();
    await this.lifecycle?.close();
  }

  /**
   * {@link stop}, then deletes both streams and waits until they are gone: kinesis-local allows 50 shards in all, so
   * a long run of scenarios (the benchmark) must give them back.
   */
  async dispose(): Promise<void> {
    await this.stop();
    const client = this.emulators.kinesis;
    for (const stream of [this.inputStream, this.outputStream]) {
      await client.send(new DeleteStreamCommand({ StreamName: stream }));
    }
    // The SDK's waiter, polled every 0.1–1 s: kinesis-local deletes a stream in about half a second.
    for (const stream of [this.inputStream, this.outputStream]) {
      await waitUntilStreamNotExists(
        { client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 1 },
        { StreamName: stream },
      );
    }
  }
}

/**
 * The scenario's function with versions: version 1 serves the scenario's run, alias `live` names it, and a Lambda API
 * on a free port serves both to the lifecycle's SDK calls — the function `npm start` runs, built the same way.
 */
async function versionedFunction(
  emulators: E2eEmulators,
  inputStream: string,
  predictionsStream: string,
  environment: Readonly<Record<string, string>>,
  wiring: { readonly clients: NonNullable<DefaultWiring['clients']>; readonly telemetry: Telemetry },
): Promise<VersionedFunction> {
  const { kinesis, s3 } = wiring.clients;
  if (!kinesis || !s3) throw new Error('a versioned scenario needs both handler clients');
  const fn = localScoringFunction({
    name: LOCAL_FUNCTION_NAME,
    environment,
    clients: { kinesis, s3 },
    telemetry: wiring.telemetry,
  });
  const first = fn.publishVersion({ description: `run ${environment.RUN_ID ?? ''}` });
  fn.createAlias(LIVE_ALIAS, first.Version, 'the version the input stream mapping invokes');
  await fn.initialize(LIVE_ALIAS);
  const api = await startLambdaApi(fn, 0);
  const target = localTarget({
    pid: process.pid,
    startedAt: new Date().toISOString(),
    region: LOCAL_REGION,
    kinesisEndpoint: emulators.kinesisEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    lambdaEndpoint: api.endpoint,
    bucket: E2E_BUCKET,
    experimentId: DEFAULT_EXPERIMENT_ID,
    inputStream,
    predictionsStream,
    functionName: LOCAL_FUNCTION_NAME,
    alias: LIVE_ALIAS,
  });
  return {
    function: fn,
    target,
    close: async () => {
      target.destroy();
      await api.close();
    },
  };
}
