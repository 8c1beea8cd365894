/**
 * {@linkcode FeatureBuffer}: the last rows of a strategy's features in one `Float32Array`,
 * laid out so that the most recent `rows` rows are always contiguous and can be handed to a
 * model as a view, without copying or allocating per row.
 *
 * @module
 */

/** Options of {@linkcode FeatureBuffer}. */
export interface FeatureBufferOptions {
  /** Values per row. */
  readonly features: number;
  /** Rows per model input. */
  readonly window: number;
  /**
   * Rows that may be pushed while a view is in use (an inference in flight) before that view's
   * rows are overwritten (default 2).
   */
  readonly slack?: number;
}

/**
 * An O(1) ring of feature rows. Each row is written twice, at slot `i` and `i + capacity` of a
 * buffer of `2 × capacity` rows, so the last `window` rows always form one contiguous run; the
 * `capacity` possible views are made once, so {@linkcode FeatureBuffer.window} allocates
 * nothing.
 *
 * @example
 * ```ts
 * import { FeatureBuffer } from "@tesser/tesser/cortex";
 * import assert from "node:assert/strict";
 *
 * const buffer = new FeatureBuffer({ features: 2, window: 2 });
 * buffer.push([1, 2]);
 * buffer.push([3, 4]);
 * buffer.push([5, 6]);
 * // The last two rows, oldest first.
 * assert.deepEqual([...buffer.window()], [3, 4, 5, 6]);
 * ```
 */
export class FeatureBuffer {
  /** Values per row. */
  readonly features: number;
  /** Rows per view (the options' `window`). */
  readonly rows: number;
  /** Rows kept: `window + slack`. */
  readonly capacity: number;
  readonly #data: Float32Array;
  readonly #views: readonly Float32Array[];
  #count = 0;

  /**
   * Allocates the buffer and its views.
   *
   * @throws {RangeError} when a size is not a positive integer (slack: a non-negative one).
   */
  constructor(options: FeatureBufferOptions) {
    const { features, window, slack = 2 } = options;
    for (
      const [name, value, min] of [["features", features, 1], ["window", window, 1], [
        "slack",
        slack,
        0,
      ]] as const
    ) {
      if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`FeatureBuffer: ${name} must be an integer ≥ ${min}, got ${value}`);
      }
    }
    this.features = features;
    this.rows = window;
    this.capacity = window + slack;
    this.#data = new Float32Array(2 * this.capacity * features);
    const length = window * features;
    this.#views = Array.from(
      { length: this.capacity },
      (_, start) => this.#data.subarray(start * features, start * features + length),
    );
  }

  /** Rows pushed so far (not capped at the capacity). */
  get count(): number {
    return this.#count;
  }

  /** Whether a full window has been pushed. */
  get ready(): boolean {
    return this.#count >= this.rows;
  }

  /**
   * Appends one row (values are stored as float32).
   *
   * @throws {RangeError} when the row does not have `features` values.
   */
  push(row: ArrayLike<number>): void {
    const features = this.features;
    if (row.length !== features) {
      throw new RangeError(`FeatureBuffer.push: expected ${features} values, got ${row.length}`);
    }
    const first = (this.#count % this.capacity) * features;
    const second = first + this.capacity * features;
    const data = this.#data;
    for (let i = 0; i < features; i++) {
      const value = row[i];
      data[first + i] = value;
      data[second + i] = value;
    }
    this.#count++;
  }

  /**
   * The last `rows` rows, oldest first, as a view into the buffer: valid until `slack + 1`
   * more rows are pushed.
   *
   * @throws {RangeError} before a full window has been pushed.
   */
  window(): Float32Array {
    if (this.#count < this.rows) {
      throw new RangeError(
        `FeatureBuffer.window: ${this.#count} of ${this.rows} rows pushed so far`,
      );
    }
    return this.#views[(this.#count - this.rows) % this.capacity];
  }

  /** Forgets every row (the views stay valid objects). */
  clear(): void {
    this.#count = 0;
  }
}
