/**
 * Fault injectors for end-to-end runs. Write faults are injected at the SDK client the handler uses (a Smithy
 * middleware in the `initialize` step, i.e. above the SDK's own retries), so everything below the client — the sinks'
 * retry logic, the handler's partial-failure response, the poller's retry and bisection — runs unchanged. Emulator
 * faults (kill, stop, restart) live in `pipeline.ts`; {@link HandlerGate} holds an invocation so a fault can be timed
 * to land while a batch is in flight.
 */
import type {
  KinesisClient,
  ServiceInputTypes as KinesisInput,
  ServiceOutputTypes as KinesisOutput,
  PutRecordsCommandInput,
  PutRecordsCommandOutput,
  PutRecordsRequestEntry,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type {
  PutObjectCommandInput,
  S3Client,
  ServiceInputTypes as S3Input,
  ServiceOutputTypes as S3Output,
} from '@aws-sdk/client-s3';
import type { InitializeHandlerOutput, InitializeMiddleware } from '@smithy/types';
import { createHash } from 'node:crypto';
import type { KinesisHandler } from '../poller';

/** What an injector did, for assertions and the printed summary. */
export interface InjectionLog {
  /** Requests of the targeted operation the client sent. */
  requests: number;
  /** Entries (PutRecords) or requests (PutObject) the injector failed. */
  injected: number;
}

/** Decides whether to throttle an entry on its `appearance`-th request (1 = the first time the client sends it). */
export type ThrottlePolicy = (entry: PutRecordsRequestEntry, appearance: number) => boolean;

/** The error entry Kinesis returns for a throttled record in a PutRecords response. */
function throttledEntry(streamName: string | undefined): PutRecordsResultEntry {
  return {
    ErrorCode: 'ProvisionedThroughputExceededException',
    ErrorMessage: `Rate exceeded for shard in stream ${streamName ?? '?'} under account 000000000000.`,
  };
}

function entryKey(entry: PutRecordsRequestEntry): string {
  return createHash('sha1')
    .update(entry.PartitionKey ?? '')
    .update('\n')
    .update(entry.Data ?? new Uint8Array())
    .digest('hex');
}

/**
 * Makes the client's PutRecords answer `ProvisionedThroughputExceededException` for the entries `policy` picks, as
 * Kinesis does: those entries are not written, the others are, and the response lists each entry's result in request
 * order with `FailedRecordCount` set. An entry is recognised across retries by its partition key and data.
 *
 * @example
 * // every entry is throttled the first time it is sent
 * const log = injectPutRecordsThrottling(kinesis, (_entry, appearance) => appearance === 1);
 */
export function injectPutRecordsThrottling(client: KinesisClient, policy: ThrottlePolicy): InjectionLog {
  const log: InjectionLog = { requests: 0, injected: 0 };
  const appearances = new Map<string, number>();
  const middleware: InitializeMiddleware<KinesisInput, KinesisOutput> = (next, context) => async (args) => {
    if (context.commandName !== 'PutRecordsCommand') return next(args);
    log.requests += 1;
    const input = args.input as PutRecordsCommandInput;
    const entries = input.Records ?? [];
    const throttle = entries.map((entry) => {
      const key = entryKey(entry);
      const appearance = (appearances.get(key) ?? 0) + 1;
      appearances.set(key, appearance);
      return policy(entry, appearance);
    });
    const kept = entries.filter((_, i) => throttle[i] !== true);
    const throttledCount = entries.length - kept.length;
    log.injected += throttledCount;
    if (throttledCount === 0) return next(args);

    let passed: InitializeHandlerOutput<KinesisOutput> | undefined;
    if (kept.length > 0) passed = await next({ ...args, input: { ...input, Records: kept } });
    const passedOutput = passed?.output as PutRecordsCommandOutput | undefined;
    const passedEntries = passedOutput?.Records ?? [];
    let k = 0;
    const records = entries.map((_, i) =>
      throttle[i] === true ? throttledEntry(input.StreamName) : (passedEntries[k++] ?? {}),
    );
    const output: PutRecordsCommandOutput = {
      $metadata: passedOutput?.$metadata ?? { httpStatusCode: 200 },
      ...(passedOutput?.EncryptionType ? { EncryptionType: passedOutput.EncryptionType } : {}),
      Records: records,
      FailedRecordCount: (passedOutput?.FailedRecordCount ?? 0) + throttledCount,
    };
    return { response: passed?.response, output };
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'e2eInjectPutRecordsThrottling' });
  return log;
}

/** What a watched client saw: requests of one operation, and how many of them failed (after the SDK's retries). */
export interface FailureLog {
  requests: number;
  failed: number;
  /** `name: message` of each failure, in order. */
  errors: string[];
}

/** Counts one operation's requests and failures on a client without changing them (evidence that a fault hit it). */
export function watchFailures(client: KinesisClient, commandName: string): FailureLog {
  const log: FailureLog = { requests: 0, failed: 0, errors: [] };
  const middleware: InitializeMiddleware<KinesisInput, KinesisOutput> = (next, context) => async (args) => {
    if (context.commandName !== commandName) return next(args);
    log.requests += 1;
    try {
      return await next(args);
    } catch (error) {
      log.failed += 1;
      log.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      throw error;
    }
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: `e2eWatch${commandName}` });
  return log;
}

/** Decides whether the `attempt`-th PutObject of `key` (1 = first) fails. */
export type PutObjectFailurePolicy = (key: string, attempt: number) => boolean;

/**
 * Makes the client's PutObject fail for the keys and attempts `policy` picks, with the error S3 returns when it sheds
 * load (`503 SlowDown`). Injected above the SDK's retry step, so it stands for a write that still failed after the
 * SDK's own retries.
 */
export function injectPutObjectFailures(client: S3Client, policy: PutObjectFailurePolicy): InjectionLog {
  const log: InjectionLog = { requests: 0, injected: 0 };
  const attempts = new Map<string, number>();
  const middleware: InitializeMiddleware<S3Input, S3Output> = (next, context) => async (args) => {
    if (context.commandName !== 'PutObjectCommand') return next(args);
    log.requests += 1;
    const key = (args.input as PutObjectCommandInput).Key ?? '';
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (!policy(key, attempt)) return next(args);
    log.injected += 1;
    throw Object.assign(new Error('Please reduce your request rate. (injected by the end-to-end harness)'), {
      name: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503, attempts: 1 },
    });
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'e2eInjectPutObjectFailures' });
  return log;
}

/**
 * Lets the first `passes` invocations through, then holds the next one until {@link release}: its batch is read and
 * in flight, its records uncheckpointed, while the test breaks something. Later invocations (other shards) are not
 * held; {@link running} tells the caller when they are quiet, which matters before a kinesis-local kill: it persists
 * every 200 ms, so a write it acknowledged just before a SIGKILL is lost with it (real Kinesis loses none).
 */
export class HandlerGate {
  /** Resolves with the held batch's shard id once an invocation is held. */
  readonly holding: Promise<string>;
  private markHolding: (shardId: string) => void = () => undefined;
  private open: () => void = () => undefined;
  private readonly opened: Promise<void>;
  private invocations = 0;
  private active = 0;

  constructor(private readonly passes: number) {
    this.holding = new Promise((resolve) => (this.markHolding = resolve));
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  /** Invocations running now, the held one not counted. */
  get running(): number {
    return this.active;
  }

  /** Wraps a handler; the wrapper awaits the gate on invocation `passes + 1`. */
  wrap(handler: KinesisHandler): KinesisHandler {
    return async (event, context) => {
      this.invocations += 1;
      if (this.invocations === this.passes + 1) {
        // eventID is `shardId-…:sequenceNumber`, as Lambda builds it.
        this.markHolding(event.Records[0]?.eventID.split(':')[0] ?? '');
        await this.opened;
      }
      this.active += 1;
      try {
        return await handler(event, context);
      } finally {
        this.active -= 1;
      }
    };
  }

  /** Lets the held invocation (and every later one) run. */
  release(): void {
    this.open();
  }
}
