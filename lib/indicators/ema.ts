import { ExactSum } from "./_exact_sum.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Ema}. */
export interface EmaOptions {
  /** Smoothing period `n`; the weight of each new value is `2 / (n + 1)`. */
  readonly period: number;
}

/**
 * Exponential moving average, as TA-Lib's `EMA`: seeded with the simple average of the first
 * `period` values, then `ema += (price − ema) · 2 / (period + 1)`.
 *
 * Warm-up: the first `period − 1` updates return `undefined`. The recursion is a contraction
 * (each step multiplies earlier rounding errors by `1 − k`), so it cannot drift.
 *
 * @example
 * ```ts
 * import { Ema } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const ema = new Ema({ period: 3 }); // k = 0.5
 * ema.update(1);
 * ema.update(2);
 * assert.equal(ema.update(3), 2); // seed: SMA(1, 2, 3)
 * assert.equal(ema.update(6), 4); // 2 + (6 − 2) · 0.5
 * ```
 */
export class Ema implements Indicator<number, number> {
  readonly #period: number;
  readonly #k: number;
  readonly #seed = new ExactSum();
  #count = 0;
  #ema = 0;

  /** Creates an EMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: EmaOptions) {
    this.#period = requireInteger("Ema", "period", options.period);
    this.#k = 2 / (this.#period + 1);
  }

  /** The configured period. */
  get period(): number {
    return this.#period;
  }

  /** Adds `price`; returns the EMA or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Ema", "input", price);
    if (this.#count >= this.#period) {
      // TA-Lib's operation order, so results match it bit for bit in the usual case.
      this.#ema = (price - this.#ema) * this.#k + this.#ema;
      return this.#ema;
    }
    this.#seed.add(price);
    if (++this.#count < this.#period) return undefined;
    this.#ema = this.#seed.value / this.#period;
    return this.#ema;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count >= this.#period ? this.#ema : undefined;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#count >= this.#period;
  }

  /** Forgets every value. */
  reset(): void {
    this.#seed.clear();
    this.#count = 0;
    this.#ema = 0;
  }
}
