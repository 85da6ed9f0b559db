/**
 * The CART learner behind the forest: Gini impurity, binary splits, grown until leaves are pure or would fall below
 * `min_leaf` samples. Every split threshold is a float32 value strictly between the two neighbouring float32 training
 * values it separates (or equal to the lower one), so `x <= threshold` partitions the training rows identically in
 * float64 JavaScript and in the float32 ONNX runtime.
 */
import { createRandom } from '../random';
import type { PresortedData } from './presort';
import type { Tree, TreeParams } from './types';

const LEAF = -1;

/**
 * The split threshold for neighbouring sorted values `a < b` (both float32): their midpoint rounded to float32, or
 * `a` itself when rounding lands on `b` (adjacent float32 values), so that `a <= t < b` always holds.
 */
export function float32Threshold(a: number, b: number): number {
  const t = Math.fround((a + b) / 2);
  return t >= b ? a : t;
}

/** Growable node storage, converted to typed arrays when the tree is done. */
class NodeStore {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly leaf: number[] = [];
  readonly values: number[] = [];
  private leaves = 0;

  add(): number {
    this.feature.push(LEAF);
    this.threshold.push(0);
    this.left.push(LEAF);
    this.right.push(LEAF);
    this.leaf.push(LEAF);
    return this.feature.length - 1;
  }

  makeLeaf(node: number, counts: Float64Array, total: number): void {
    this.leaf[node] = this.leaves++;
    for (const count of counts) this.values.push(count / total);
  }

  toTree(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      leaf: Int32Array.from(this.leaf),
      values: Float64Array.from(this.values),
    };
  }
}

interface Split {
  feature: number;
  /** Number of distinct rows (positions in the node's segment) that go left. */
  leftRows: number;
  threshold: number;
  score: number;
}

/**
 * Grows one tree on `data` with its own generator seeded by `seed`; the same inputs always give the same tree.
 *
 * @example
 * const tree = buildTree(presort(dataset), { kind: 'random-forest', max_features: 3, min_leaf: 1 }, 7);
 */
export function buildTree(data: PresortedData, params: TreeParams, seed: number): Tree {
  const { rows: n, featureCount: F, classCount: C, columns, y, order } = data;
  const rng = createRandom(seed);
  const maxFeatures = Math.min(Math.max(1, params.max_features), F);
  const minLeaf = Math.max(1, params.min_leaf);

  // Bootstrap multiplicities: a row drawn k times weighs k; rows never drawn take no part.
  const weight = new Int32Array(n);
  if (params.kind === 'random-forest') {
    for (let k = 0; k < n; k++) {
      const row = rng.int(n);
      weight[row] = (weight[row] as number) + 1;
    }
  } else weight.fill(1);
  let m = 0;
  for (let i = 0; i < n; i++) if ((weight[i] as number) > 0) m++;

  // idx[f * m + k]: the node segments of every feature's sorted row list, kept aligned by stable partitioning.
  const idx = new Int32Array(F * m);
  for (let f = 0; f < F; f++) {
    let k = f * m;
    for (let r = f * n, end = r + n; r < end; r++) {
      const row = order[r] as number;
      if ((weight[row] as number) > 0) idx[k++] = row;
    }
  }

  const goLeft = new Uint8Array(n);
  const scratch = new Int32Array(m);
  const counts = new Float64Array(C);
  const leftCounts = new Float64Array(C);
  const rightCounts = new Float64Array(C);
  const features = Int32Array.from({ length: F }, (_, f) => f);
  const store = new NodeStore();

  const evaluateBest = (
    f: number,
    start: number,
    end: number,
    total: number,
    sqTotal: number,
    best: Split,
  ): void => {
    const base = f * m;
    const col = f * n;
    leftCounts.fill(0);
    rightCounts.set(counts);
    let leftW = 0;
    let sqLeft = 0;
    let sqRight = sqTotal;
    for (let k = start; k < end - 1; k++) {
      const row = idx[base + k] as number;
      const w = weight[row] as number;
      const c = y[row] as number;
      const lc = leftCounts[c] as number;
      const rc = rightCounts[c] as number;
      sqLeft += (2 * lc + w) * w;
      sqRight += (w - 2 * rc) * w;
      leftCounts[c] = lc + w;
      rightCounts[c] = rc - w;
      leftW += w;
      const rightW = total - leftW;
      if (rightW < minLeaf) break;
      if (leftW < minLeaf) continue;
      const value = columns[col + row] as number;
      const nextValue = columns[col + (idx[base + k + 1] as number)] as number;
      if (value === nextValue) continue;
      // Maximising ΣL²/|L| + ΣR²/|R| is minimising the weighted Gini impurity of the children.
      const score = sqLeft / leftW + sqRight / rightW;
      if (score > best.score) {
        best.score = score;
        best.feature = f;
        best.leftRows = k + 1 - start;
        best.threshold = float32Threshold(value, nextValue);
      }
    }
  };

  const evaluateRandom = (f: number, start: number, end: number, total: number, best: Split): void => {
    const base = f * m;
    const col = f * n;
    const lo = columns[col + (idx[base + start] as number)] as number;
    const hi = columns[col + (idx[base + end - 1] as number)] as number;
    let threshold = Math.fround(lo + rng.next() * (hi - lo));
    if (threshold >= hi) threshold = lo;
    leftCounts.fill(0);
    let leftW = 0;
    let k = start;
    for (; k < end; k++) {
      const row = idx[base + k] as number;
      if ((columns[col + row] as number) > threshold) break;
      const w = weight[row] as number;
      const c = y[row] as number;
      leftCounts[c] = (leftCounts[c] as number) + w;
      leftW += w;
    }
    const rightW = total - leftW;
    if (leftW < minLeaf || rightW < minLeaf) return;
    let sqLeft = 0;
    let sqRight = 0;
    for (let c = 0; c < C; c++) {
      const l = leftCounts[c] as number;
      const r = (counts[c] as number) - l;
      sqLeft += l * l;
      sqRight += r * r;
    }
    const score = sqLeft / leftW + sqRight / rightW;
    if (score > best.score) {
      best.score = score;
      best.feature = f;
      best.leftRows = k - start;
      best.threshold = threshold;
    }
  };

  const partition = (split: Split, start: number, end: number): void => {
    const fBase = split.feature * m;
    const mid = start + split.leftRows;
    for (let k = start; k < end; k++) goLeft[idx[fBase + k] as number] = k < mid ? 1 : 0;
    for (let g = 0; g < F; g++) {
      if (g === split.feature) continue;
      const base = g * m;
      let l = base + start;
      let r = 0;
      for (let k = base + start, stop = base + end; k < stop; k++) {
        const row = idx[k] as number;
        if (goLeft[row] === 1) idx[l++] = row;
        else scratch[r++] = row;
      }
      idx.set(scratch.subarray(0, r), l);
    }
  };

  const stack: number[] = [store.add(), 0, m];
  while (stack.length > 0) {
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const node = stack.pop() as number;

    counts.fill(0);
    let total = 0;
    for (let k = start; k < end; k++) {
      const row = idx[k] as number;
      const w = weight[row] as number;
      const c = y[row] as number;
      counts[c] = (counts[c] as number) + w;
      total += w;
    }
    let sqTotal = 0;
    let nonZero = 0;
    for (const count of counts) {
      sqTotal += count * count;
      if (count > 0) nonZero++;
    }
    if (nonZero <= 1 || total < 2 * minLeaf) {
      store.makeLeaf(node, counts, total);
      continue;
    }

    const best: Split = { feature: LEAF, leftRows: 0, threshold: 0, score: -Infinity };
    let tried = 0;
    for (let k = 0; k < F && tried < maxFeatures; k++) {
      const j = k + rng.int(F - k);
      const f = features[j] as number;
      features[j] = features[k] as number;
      features[k] = f;
      const base = f * m;
      const col = f * n;
      // A feature constant in this node cannot split it and does not count as tried (as in scikit-learn).
      if (columns[col + (idx[base + start] as number)] === columns[col + (idx[base + end - 1] as number)])
        continue;
      tried++;
      if (params.kind === 'random-forest') evaluateBest(f, start, end, total, sqTotal, best);
      else evaluateRandom(f, start, end, total, best);
    }
    if (best.feature === LEAF) {
      store.makeLeaf(node, counts, total);
      continue;
    }

    partition(best, start, end);
    const left = store.add();
    const right = store.add();
    store.feature[node] = best.feature;
    store.threshold[node] = best.threshold;
    store.left[node] = left;
    store.right[node] = right;
    const mid = start + best.leftRows;
    stack.push(right, mid, end, left, start, mid);
  }
  return store.toTree();
}

/** The leaf a float32 row reaches in `tree`. */
export function leafOf(tree: Tree, x: ArrayLike<number>, offset: number): number {
  let node = 0;
  let feature = tree.feature[0] as number;
  while (feature !== LEAF) {
    node =
      (x[offset + feature] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
    feature = tree.feature[node] as number;
  }
  return tree.leaf[node] as number;
}
