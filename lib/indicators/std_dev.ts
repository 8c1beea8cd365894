import { RollingMoments } from "./_rolling_moments.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode StdDev}. */
export interface StdDevOptions {
  /** Number of values in the window (a positive integer). */
  readonly period: number;
}

/**
 * Rolling population standard deviation (divisor `period`), as TA-Lib's `STDDEV` with
 * `nbDev = 1`.
 *
 * The window sums are exact, so the result is accurate to a few ulps even when the mean is
 * 10⁸ times the variance (where the textbook `E[x²] − E[x]²` loses most of its digits) and does
 * not drift over long streams. Warm-up: `period − 1` updates.
 *
 * Difference from TA-Lib: TA-Lib outputs 0 whenever the variance is below 1e-8 (an absolute
 * threshold hiding its own cancellation error); this class returns the true value.
 *
 * @example
 * ```ts
 * import { StdDev } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const sd = new StdDev({ period: 4 });
 * [2, 4, 4, 4].forEach((x) => sd.update(x));
 * assert.equal(sd.update(5), Math.sqrt(0.1875)); // window 4, 4, 4, 5
 * ```
 */
export class StdDev implements Indicator<number, number> {
  readonly #moments: RollingMoments;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: StdDevOptions) {
    this.#moments = new RollingMoments(requireInteger("StdDev", "period", options.period));
  }

  /** Adds `price`; returns the standard deviation or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("StdDev", "input", price);
    const moments = this.#moments;
    moments.push(price);
    if (moments.isFull) this.#value = Math.sqrt(moments.variance());
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
    this.#moments.clear();
    this.#value = undefined;
  }
}
