import { ExactSum } from "./_exact_sum.ts";
import { RingBuffer } from "./_ring_buffer.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Wma}. */
export interface WmaOptions {
  /** Number of values in the window (a positive integer). */
  readonly period: number;
}

/**
 * Linearly weighted moving average (TA-Lib `WMA`): the newest value has weight `period`, the
 * oldest weight 1, divided by `period·(period + 1)/2`.
 *
 * O(1) per update through the identity `W' = W − S + period·x` (S the plain window sum), with
 * both sums kept exact so the weighted sum cannot drift. Warm-up: `period − 1` updates.
 *
 * @example
 * ```ts
 * import { Wma } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const wma = new Wma({ period: 3 });
 * wma.update(1);
 * wma.update(2);
 * assert.equal(wma.update(3), (1 + 2 * 2 + 3 * 3) / 6);
 * ```
 */
export class Wma implements Indicator<number, number> {
  readonly #period: number;
  readonly #divisor: number;
  readonly #window: RingBuffer;
  readonly #sum = new ExactSum();
  readonly #weighted = new ExactSum();
  #value: number | undefined = undefined;

  /** Creates a WMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: WmaOptions) {
    this.#period = requireInteger("Wma", "period", options.period);
    this.#divisor = (this.#period * (this.#period + 1)) / 2;
    this.#window = new RingBuffer(this.#period);
  }

  /** The configured period. */
  get period(): number {
    return this.#period;
  }

  /** Adds `price`; returns the WMA or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Wma", "input", price);
    const window = this.#window;
    const sum = this.#sum;
    const weighted = this.#weighted;
    if (window.isFull) {
      // Every held value loses one unit of weight, the evicted one drops out (weight 1 → 0).
      weighted.subtractSum(sum);
      weighted.addProduct(this.#period, price);
      sum.add(-window.push(price));
      sum.add(price);
    } else {
      window.push(price);
      weighted.addProduct(window.size, price);
      sum.add(price);
    }
    sum.normalize();
    weighted.normalize();
    if (window.isFull) this.#value = weighted.value / this.#divisor;
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every value. */
  reset(): void {
    this.#window.clear();
    this.#sum.clear();
    this.#weighted.clear();
    this.#value = undefined;
  }
}
