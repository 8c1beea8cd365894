import { sumError } from "./_exact_sum.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Sma}. */
export interface SmaOptions {
  /** Number of values averaged (a positive integer). */
  readonly period: number;
}

/**
 * Simple moving average: the mean of the last `period` values (TA-Lib `SMA`).
 *
 * Warm-up: the first `period − 1` updates return `undefined`. The window sum is kept exact
 * (double-double), so the output never drifts however long the stream.
 *
 * @example
 * ```ts
 * import { Sma } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const sma = new Sma({ period: 3 });
 * assert.equal(sma.update(1), undefined);
 * assert.equal(sma.update(2), undefined);
 * assert.equal(sma.update(3), 2);
 * assert.equal(sma.update(4), 3);
 * ```
 */
export class Sma implements Indicator<number, number> {
  readonly #period: number;
  // The window and the exact sum are this class's own fields rather than a RingBuffer and an
  // ExactSum: two updates per bar of every SMA strategy, and the calls, getters and brand
  // checks of the shared helpers cost as much as the arithmetic. The same operations in the
  // same order as ExactSum's add, add, normalize, so the outputs are the same doubles.
  readonly #window: Float64Array;
  #head = 0;
  #size = 0;
  #hi = 0;
  #lo = 0;
  // A number field (NaN while warming) with a separate flag, not `number | undefined`: V8 then
  // updates the field's double in place instead of allocating a new heap number every update.
  #value = Number.NaN;
  #ready = false;

  /** Creates an SMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: SmaOptions) {
    this.#period = requireInteger("Sma", "period", options.period);
    this.#window = new Float64Array(this.#period);
  }

  /** The configured period. */
  get period(): number {
    return this.#period;
  }

  /** Adds `price`; returns the mean of the last `period` values or `undefined` while warming. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Sma", "input", price);
    const period = this.#period;
    const window = this.#window;
    let hi = this.#hi;
    let lo = this.#lo;
    let s = hi + price;
    lo += sumError(hi, price, s);
    hi = s;
    if (this.#size === period) {
      const head = this.#head;
      const evicted = -window[head];
      window[head] = price;
      this.#head = head + 1 === period ? 0 : head + 1;
      s = hi + evicted;
      lo += sumError(hi, evicted, s);
      hi = s;
    } else {
      let tail = this.#head + this.#size;
      if (tail >= period) tail -= period;
      window[tail] = price;
      this.#size++;
    }
    s = hi + lo;
    this.#lo = sumError(hi, lo, s);
    this.#hi = s;
    if (this.#size !== period) return undefined;
    const value = (s + this.#lo) / period;
    this.#value = value;
    this.#ready = true;
    return value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#ready ? this.#value : undefined;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every value. */
  reset(): void {
    this.#head = 0;
    this.#size = 0;
    this.#hi = 0;
    this.#lo = 0;
    this.#value = Number.NaN;
    this.#ready = false;
  }
}
