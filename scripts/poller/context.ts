/** The Lambda `Context` an in-process invocation receives: what the Node.js runtime would pass. */
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface ContextOptions {
  readonly functionName: string;
  readonly functionArn: string;
  readonly timeoutMs: number;
  readonly memoryLimitInMB?: number;
  /** The published version that runs (an alias resolved to it); default `$LATEST`. */
  readonly functionVersion?: string;
}

/** A fresh context per invocation: new request id, remaining time counted from now. */
export function createContext(options: ContextOptions): Context {
  const deadline = Date.now() + options.timeoutMs;
  const version = options.functionVersion ?? '$LATEST';
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the callback-era API; return a promise from the handler instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: version,
    invokedFunctionArn: options.functionArn,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/[${version}]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The Context type still lists the callback-era methods; the Node.js 22 runtime keeps them for old handlers.
    /* eslint-disable @typescript-eslint/no-deprecated */
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
    /* eslint-enable @typescript-eslint/no-deprecated */
  };
}
