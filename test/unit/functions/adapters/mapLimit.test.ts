import { mapLimit } from '../../../../functions/adapters/mapLimit';

describe('bounded parallel map', () => {
  it('keeps results in input order with at most `limit` calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const map = async (n: number) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight -= 1;
      return n * 10;
    };

    // Act
    const mapping = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, map);
    // Release the oldest waiting call until every call has run (each release lets a worker take the next item).
    for (let released = 0; released < 7; released++) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    const results = await mapping;

    // Assess
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('maps nothing to nothing', async () => {
    // Act / Assess
    await expect(mapLimit([], 4, () => Promise.resolve(1))).resolves.toEqual([]);
  });
});
