/**
 * Seeded pseudo-random numbers. Training must be reproducible bit for bit across machines and Node versions, so it never
 * uses `Math.random` — only these generators, each seeded from the run's recorded seed.
 */

/** A source of uniform numbers in [0, 1) and integers in [0, n). */
export interface Random {
  next(): number;
  int(n: number): number;
}

/**
 * SplitMix32-style mixing of a 32-bit value: spreads nearby seeds (0, 1, 2 …) into unrelated streams, so that
 * `deriveSeed(seed, tree)` gives each tree an independent generator no matter which worker builds it.
 */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seed for the `stream`-th sub-generator of `seed` (e.g. one per tree or per fold). */
export function deriveSeed(seed: number, stream: number): number {
  return mix32(mix32(seed) ^ Math.imul(stream + 1, 0x27d4eb2f));
}

/**
 * Mulberry32: a small, fast 32-bit generator with a full 2^32 period; plenty for sampling rows and features.
 *
 * @example
 * const rng = createRandom(42);
 * rng.int(10); // same value on every run
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T extends number[] | Int32Array>(items: T, rng: Random): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i] as number;
    items[i] = items[j] as number;
    items[j] = tmp;
  }
  return items;
}
