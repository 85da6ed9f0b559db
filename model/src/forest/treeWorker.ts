/**
 * Worker-thread entry of {@link createWorkerPool}: builds the requested trees and sends them back, transferring the
 * typed arrays instead of copying them.
 */
import { parentPort } from 'node:worker_threads';
import { treeSeed } from './forest';
import type { PresortedData } from './presort';
import { buildTree } from './tree';
import type { ForestParams, Tree } from './types';

/** A job: build trees `indices` of the forest trained on `data` with `params` and `seed`. */
export interface TreeJob {
  readonly id: number;
  readonly data: PresortedData;
  readonly params: ForestParams;
  readonly seed: number;
  readonly indices: readonly number[];
}

/** A job's answer: the trees in the order of the job's `indices`, or the error message. */
export type TreeJobResult =
  { readonly id: number; readonly trees: Tree[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  port.on('message', (job: TreeJob) => {
    try {
      const trees = job.indices.map((index) => buildTree(job.data, job.params, treeSeed(job.seed, index)));
      const buffers = trees.flatMap((tree) =>
        [tree.feature, tree.threshold, tree.left, tree.right, tree.leaf, tree.values].map(
          (array) => array.buffer as ArrayBuffer,
        ),
      );
      port.postMessage({ id: job.id, trees } satisfies TreeJobResult, buffers);
    } catch (error) {
      port.postMessage({
        id: job.id,
        error: String((error as Error).stack ?? error),
      } satisfies TreeJobResult);
    }
  });
}
