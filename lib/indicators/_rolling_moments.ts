/**
 * Exact rolling mean and population variance over a fixed window, shared by the standard
 * deviation, Bollinger Bands and z-score indicators.
 *
 * @module
 */

import { centredCrossSum, ExactSum, roundingFloor } from "./_exact_sum.ts";
import { RingBuffer } from "./_ring_buffer.ts";

/** Rolling Σx and Σx² held exactly, so mean and variance never drift (see `_exact_sum.ts`). */
export class RollingMoments {
  readonly #period: number;
  readonly #squaredPeriod: number;
  readonly #window: RingBuffer;
  readonly #sum = new ExactSum();
  readonly #squares = new ExactSum();

  /** `period` must be a positive integer (validated by the caller). */
  constructor(period: number) {
    this.#period = period;
    this.#squaredPeriod = period * period;
    this.#window = new RingBuffer(period);
  }

  /** Whether the window holds `period` values. */
  get isFull(): boolean {
    return this.#window.isFull;
  }

  /** Adds `x`, evicting the oldest value once the window is full. */
  push(x: number): void {
    const window = this.#window;
    const sum = this.#sum;
    const squares = this.#squares;
    if (window.isFull) {
      const old = window.push(x);
      sum.add(-old);
      squares.subtractProduct(old, old);
    } else {
      window.push(x);
    }
    sum.add(x);
    squares.addProduct(x, x);
    sum.normalize();
    squares.normalize();
  }

  /** Mean of the window (meaningful once full). */
  mean(): number {
    return this.#sum.value / this.#period;
  }

  /**
   * Population variance of the window, `(n·Σx² − (Σx)²) / n²`, never negative; exactly 0 for a
   * window whose spread is below the sums' rounding (a constant window).
   */
  variance(): number {
    const sum = this.#sum;
    const scaled = centredCrossSum(this.#period, this.#squares, sum, sum);
    return scaled > roundingFloor(this.#period, this.#squares.value)
      ? scaled / this.#squaredPeriod
      : 0;
  }

  /** Forgets every value. */
  clear(): void {
    this.#window.clear();
    this.#sum.clear();
    this.#squares.clear();
  }
}
