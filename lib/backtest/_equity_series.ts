/**
 * The equity curve of a run: bar times and equity marks in two growable float64 columns.
 *
 * @module
 */

/** Two parallel float64 columns that grow by doubling (allocate the expected size up front). */
export class EquitySeries {
  /** Bar open times (µs); only the first `length` are valid. */
  ts: Float64Array;
  /** Equity marks; only the first `length` are valid. */
  values: Float64Array;
  /** Number of marks. */
  length = 0;

  /** Allocates room for `capacity` marks. */
  constructor(capacity: number) {
    this.ts = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Appends one mark. */
  push(ts: number, value: number): void {
    if (this.length === this.ts.length) this.#grow();
    this.ts[this.length] = ts;
    this.values[this.length] = value;
    this.length++;
  }

  // Kept out of push so the per-bar path stays small enough to inline.
  #grow(): void {
    const ts = new Float64Array(this.length * 2);
    const values = new Float64Array(this.length * 2);
    ts.set(this.ts);
    values.set(this.values);
    this.ts = ts;
    this.values = values;
  }
}
