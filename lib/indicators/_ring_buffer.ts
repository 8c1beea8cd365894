/**
 * A fixed-capacity FIFO window over a preallocated `Float64Array`.
 *
 * @module
 */

/** Fixed-capacity ring buffer of numbers; pushing into a full buffer evicts the oldest value. */
export class RingBuffer {
  readonly #data: Float64Array;
  readonly #capacity: number;
  #head = 0;
  #size = 0;

  /** Allocates the storage once; `capacity` must be a positive integer. */
  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#data = new Float64Array(capacity);
  }

  /** Number of values held. */
  get size(): number {
    return this.#size;
  }

  /** Whether the buffer holds `capacity` values. */
  get isFull(): boolean {
    return this.#size === this.#capacity;
  }

  /**
   * Appends `value`. Returns the evicted oldest value when the buffer was full, else `NaN`
   * (inputs are validated finite, so `NaN` never collides with a real value).
   */
  push(value: number): number {
    const data = this.#data;
    const head = this.#head;
    if (this.#size === this.#capacity) {
      const evicted = data[head];
      data[head] = value;
      this.#head = head + 1 === this.#capacity ? 0 : head + 1;
      return evicted;
    }
    let tail = head + this.#size;
    if (tail >= this.#capacity) tail -= this.#capacity;
    data[tail] = value;
    this.#size++;
    return NaN;
  }

  /** The oldest value held (`NaN` when empty). */
  get oldest(): number {
    return this.#size === 0 ? NaN : this.#data[this.#head];
  }

  /** The `i`-th value from the oldest (`0 <= i < size`). */
  at(i: number): number {
    let index = this.#head + i;
    if (index >= this.#capacity) index -= this.#capacity;
    return this.#data[index];
  }

  /** Forgets every value without reallocating. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }
}
