import { RollingPairMoments } from "./_rolling_pair_moments.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { PairIndicator } from "./types.ts";

/** Options of {@linkcode Correlation}. */
export interface CorrelationOptions {
  /** Number of `(x, y)` pairs in the window (an integer >= 2). */
  readonly period: number;
}

/**
 * Rolling Pearson correlation of two series (TA-Lib `CORREL`), for pairs trading:
 * `cov(x, y) / (σx · σy)` over the last `period` pairs, in [−1, 1].
 *
 * Two inputs per update as two numbers, `update(x, y)` (see {@linkcode PairIndicator}): no
 * object per update. When either series is flat over the window the output is 0, as in TA-Lib
 * (which, unlike this class, also outputs 0 when `n²·var(x)·var(y)` is below 1e-8 in absolute
 * terms). The sums are exact, so there is no drift and no loss of digits at BTC-sized prices.
 *
 * Warm-up: `period − 1` updates.
 *
 * @example
 * ```ts
 * import { Correlation } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const corr = new Correlation({ period: 3 });
 * corr.update(1, 10);
 * corr.update(2, 20);
 * assert.equal(corr.update(3, 30), 1);
 * ```
 */
export class Correlation implements PairIndicator<number> {
  readonly #moments: RollingPairMoments;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is an integer >= 2. */
  constructor(options: CorrelationOptions) {
    this.#moments = new RollingPairMoments(
      requireInteger("Correlation", "period", options.period, 2),
    );
  }

  /** Adds one `(x, y)` pair; returns the correlation or `undefined` while warming up. */
  update(x: number, y: number): number | undefined {
    if (!Number.isFinite(x)) invalidInput("Correlation", "x", x);
    if (!Number.isFinite(y)) invalidInput("Correlation", "y", y);
    const moments = this.#moments;
    moments.push(x, y);
    if (!moments.isFull) return undefined;
    const varianceProduct = moments.scaledVarianceX() * moments.scaledVarianceY();
    if (varianceProduct > 0) {
      const r = moments.scaledCovariance() / Math.sqrt(varianceProduct);
      this.#value = r > 1 ? 1 : r < -1 ? -1 : r;
    } else {
      this.#value = 0;
    }
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `period` pairs have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every pair. */
  reset(): void {
    this.#moments.clear();
    this.#value = undefined;
  }
}
