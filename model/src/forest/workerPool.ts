/**
 * A small pool of worker threads that build trees in parallel. Each tree's generator is seeded from the forest seed
 * and the tree's index, so the forest is identical whatever the number of workers or the order jobs finish in.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TreeBuilder } from './forest';
import type { TreeJob, TreeJobResult } from './treeWorker';
import type { Tree } from './types';

/** A running pool; `close()` terminates its threads. */
export interface WorkerPool {
  readonly size: number;
  readonly build: TreeBuilder;
  close(): Promise<void>;
}

/** Trees per job: small enough to balance load across workers, large enough to amortise messaging. */
const CHUNK = 8;

// Under tsx or ts-jest the worker source is TypeScript: load it through tsx's CommonJS hook. A compiled build loads
// the emitted JavaScript directly.
function workerScript(): { script: string; eval: boolean } {
  const entry = path.join(__dirname, `treeWorker${path.extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    const hook = require.resolve('tsx/cjs/api');
    return {
      script: `require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(entry)});`,
      eval: true,
    };
  }
  return { script: entry, eval: false };
}

/** The default worker count: every core this process may use. */
export const defaultWorkerCount = (): number => Math.max(1, os.availableParallelism());

/**
 * Starts `size` worker threads.
 *
 * @example
 * const pool = createWorkerPool(2);
 * try { await trainForest(data, params, seed, pool.build); } finally { await pool.close(); }
 */
export function createWorkerPool(size: number = defaultWorkerCount()): WorkerPool {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`worker count must be a positive integer, got ${size}`);
  const { script, eval: isEval } = workerScript();
  const workers = Array.from({ length: size }, () => new Worker(script, { eval: isEval }));
  const idle = [...workers];
  const queue: { job: TreeJob; resolve: (trees: Tree[]) => void; reject: (error: Error) => void }[] = [];
  const pending = new Map<number, { resolve: (trees: Tree[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;

  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const { job, resolve, reject } = queue.shift() as (typeof queue)[number];
      pending.set(job.id, { resolve, reject });
      worker.postMessage(job);
    }
  };
  for (const worker of workers) {
    worker.on('message', (result: TreeJobResult) => {
      const waiter = pending.get(result.id);
      pending.delete(result.id);
      idle.push(worker);
      if ('error' in result) waiter?.reject(new Error(`tree worker failed: ${result.error}`));
      else waiter?.resolve(result.trees);
      pump();
    });
    // A crashed worker takes its job with it: fail every pending build and refuse new ones.
    worker.on('error', (error) => {
      broken = error;
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      for (const { reject } of queue.splice(0)) reject(error);
    });
  }

  const build: TreeBuilder = async (data, params, seed, indices) => {
    if (broken) throw new Error(`tree worker pool is unusable: ${broken.message}`, { cause: broken });
    const chunks: number[][] = [];
    for (let i = 0; i < indices.length; i += CHUNK) chunks.push(indices.slice(i, i + CHUNK));
    const results = await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<Tree[]>((resolve, reject) => {
            queue.push({ job: { id: nextId++, data, params, seed, indices: chunk }, resolve, reject });
            pump();
          }),
      ),
    );
    return results.flat();
  };

  return {
    size,
    build,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
