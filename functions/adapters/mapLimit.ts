/**
 * A small worker pool: `map` over `items` with at most `limit` calls in flight, results in input order. Hand-written
 * because it is ten lines and the function's image should not carry a dependency for it; the quarantine sink and the
 * drift report's quarantine reader both use it.
 *
 * @example
 * const bodies = await mapLimit(keys, 8, (key) => readObject(key));
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
