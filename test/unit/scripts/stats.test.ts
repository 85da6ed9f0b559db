import { median, percentile, summarizeLatencies } from '../../../scripts/stats';

describe('report statistics', () => {
  it('uses nearest-rank percentiles', () => {
    // Act & Assess
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
  });

  it('takes the middle value of an odd count and the mean of the two middle values of an even one, in any order', () => {
    // Act & Assess
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes latencies in any order, and nothing without any', () => {
    // Act
    const summary = summarizeLatencies([300, 100, 200]);

    // Assess
    expect(summary).toEqual({ count: 3, p50Ms: 200, p95Ms: 300, p99Ms: 300, maxMs: 300 });
    expect(summarizeLatencies([])).toBeUndefined();
  });
});
