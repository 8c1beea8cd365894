import { RollingMoments } from "./_rolling_moments.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode ZScore}. */
export interface ZScoreOptions {
  /** Window of the mean and standard deviation (an integer >= 2). */
  readonly period: number;
}

/**
 * Rolling z-score: `(x − mean) / σ` over the last `period` values including `x`, with the
 * population σ (divisor `period`) so that it is consistent with {@linkcode BollingerBands}
 * (`z = (2·%b − 1)·multiplier`). TA-Lib has no such function; this is the textbook standard
 * score as used for mean-reversion entries (e.g. E. Chan, "Algorithmic Trading", Wiley 2013).
 * When σ = 0 (a flat window) the output is 0.
 *
 * Warm-up: `period − 1` updates. Exact window sums, so no drift.
 *
 * @example
 * ```ts
 * import { ZScore } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const z = new ZScore({ period: 2 });
 * z.update(1);
 * assert.equal(z.update(3), 1); // mean 2, σ 1
 * ```
 */
export class ZScore implements Indicator<number, number> {
  readonly #moments: RollingMoments;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is an integer >= 2. */
  constructor(options: ZScoreOptions) {
    this.#moments = new RollingMoments(requireInteger("ZScore", "period", options.period, 2));
  }

  /** Adds `x`; returns its z-score within the window or `undefined` while warming up. */
  update(x: number): number | undefined {
    if (!Number.isFinite(x)) invalidInput("ZScore", "input", x);
    const moments = this.#moments;
    moments.push(x);
    if (!moments.isFull) return undefined;
    const sigma = Math.sqrt(moments.variance());
    this.#value = sigma === 0 ? 0 : (x - moments.mean()) / sigma;
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
