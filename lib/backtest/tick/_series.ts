/**
 * A growable pair of float64 columns (time, value): the equity marks of a tick run.
 *
 * @module
 */

/** Time/value columns that double when full. */
export class GrowableSeries {
  /** Times; only the first `length` entries are valid. */
  ts: Float64Array = new Float64Array(1024);
  /** Values; only the first `length` entries are valid. */
  values: Float64Array = new Float64Array(1024);
  /** Number of valid entries. */
  length = 0;

  /** Appends one point. */
  push(ts: number, value: number): void {
    if (this.length === this.ts.length) {
      const ts2 = new Float64Array(this.length * 2);
      const values2 = new Float64Array(this.length * 2);
      ts2.set(this.ts);
      values2.set(this.values);
      this.ts = ts2;
      this.values = values2;
    }
    this.ts[this.length] = ts;
    this.values[this.length] = value;
    this.length++;
  }
}
