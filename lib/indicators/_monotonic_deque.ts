/**
 * Sliding-window extremum with a monotonic deque on preallocated typed arrays: amortised O(1)
 * per value (each value enters and leaves the deque once), no allocation after construction.
 *
 * @module
 */

/** Tracks the maximum (or minimum) of the last `window` values pushed. */
export class MonotonicDeque {
  readonly #window: number;
  readonly #values: Float64Array;
  /** Sequence number of each held value, to expire it when it leaves the window. */
  readonly #seqs: Float64Array;
  readonly #max: boolean;
  #head = 0;
  #size = 0;
  #seq = 0;

  /** `kind` selects whether the deque tracks the maximum or the minimum. */
  constructor(window: number, kind: "max" | "min") {
    this.#window = window;
    this.#values = new Float64Array(window);
    this.#seqs = new Float64Array(window);
    this.#max = kind === "max";
  }

  /** Number of values pushed since the last `clear`. */
  get count(): number {
    return this.#seq;
  }

  /** Pushes `value` and returns the extremum of the last `window` values. */
  push(value: number): number {
    const cap = this.#window;
    const values = this.#values;
    const seqs = this.#seqs;
    const seq = this.#seq++;
    // Expire the front if it fell out of the window.
    if (this.#size > 0 && seqs[this.#head] <= seq - cap) {
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1;
      this.#size--;
    }
    // Drop dominated values from the back: they can never be the extremum again.
    let back = this.#head + this.#size - 1;
    if (back >= cap) back -= cap;
    if (this.#max) {
      while (this.#size > 0 && values[back] <= value) {
        this.#size--;
        back = back === 0 ? cap - 1 : back - 1;
      }
    } else {
      while (this.#size > 0 && values[back] >= value) {
        this.#size--;
        back = back === 0 ? cap - 1 : back - 1;
      }
    }
    let tail = this.#head + this.#size;
    if (tail >= cap) tail -= cap;
    values[tail] = value;
    seqs[tail] = seq;
    this.#size++;
    return values[this.#head];
  }

  /** The current extremum (`NaN` when empty). */
  get extremum(): number {
    return this.#size === 0 ? NaN : this.#values[this.#head];
  }

  /** Forgets every value without reallocating. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.#seq = 0;
  }
}
