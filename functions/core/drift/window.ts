import { tally } from './binning';
import type { DriftReference } from './reference';

/**
 * The last `capacity` records one container scored, as their bin per feature and their predicted class, with running
 * counts per bin and class. Records leave in arrival order, one for one, so the counts always describe exactly the
 * newest `min(seen, capacity)` records, however the batches were cut. Memory is fixed at construction:
 * `capacity × (features + 1)` bytes plus the counts (10,000 records of the 11-feature model: ≈120 KB).
 *
 * A count-based window, not a time-based one: its PSI has the same statistical noise whatever the traffic, and it
 * needs no clock. A container idle for a while keeps its older records until newer ones push them out.
 */
export class RollingWindow {
  /** Records per bin over the window; feature j's bins start at `reference.binOffsets[j]`. */
  readonly featureCounts: Uint32Array;
  /** Predictions per class over the window, in the order of `reference.classes`. */
  readonly classCounts: Uint32Array;
  private readonly bins: Uint8Array;
  private readonly classes: Uint8Array;
  private readonly columns: number;
  /** Slot the next record goes to. */
  private next = 0;
  private filled = 0;

  /**
   * @param capacity - records kept (≥ 1)
   * @throws RangeError when the capacity is not a positive integer
   */
  constructor(
    private readonly reference: DriftReference,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    }
    this.columns = reference.features.length;
    this.bins = new Uint8Array(capacity * this.columns);
    this.classes = new Uint8Array(capacity);
    this.featureCounts = new Uint32Array(reference.totalBins);
    this.classCounts = new Uint32Array(reference.classes.length);
  }

  /** Records in the window. */
  get size(): number {
    return this.filled;
  }

  /**
   * Adds records (their assigned bins and classes, row-major like the tensor), evicting the oldest beyond capacity.
   * Of a batch larger than the window, only its last `capacity` records stay.
   */
  push(bins: Uint8Array, classes: Uint8Array): void {
    const rows = classes.length;
    const counts = { features: this.featureCounts, classes: this.classCounts };
    for (let row = Math.max(0, rows - this.capacity); row < rows; row++) {
      const slot = this.next;
      if (this.filled === this.capacity) {
        tally(this.reference, counts, this.bins, this.classes, { start: slot, end: slot + 1 }, -1);
      } else {
        this.filled++;
      }
      this.bins.set(bins.subarray(row * this.columns, (row + 1) * this.columns), slot * this.columns);
      this.classes[slot] = classes[row] as number;
      tally(this.reference, counts, this.bins, this.classes, { start: slot, end: slot + 1 });
      this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    }
  }
}
