import { RollingPairMoments } from "./_rolling_pair_moments.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { PairIndicator } from "./types.ts";

/** Options of {@linkcode LinearRegression}. */
export interface LinearRegressionOptions {
  /** Number of `(x, y)` pairs in the window (an integer >= 2). */
  readonly period: number;
}

/** One output of {@linkcode LinearRegression}. The object is reused: the next `update` overwrites it. */
export interface LinearRegressionValue {
  /** Least-squares slope of y on x (the hedge ratio of a pair). */
  readonly slope: number;
  /** Intercept at `x = 0`: `mean(y) − slope · mean(x)`. */
  readonly intercept: number;
}

/**
 * Rolling ordinary least-squares fit `y ≈ intercept + slope · x` over the last `period`
 * `(x, y)` pairs — the hedge ratio of a pairs trade, `spread = y − (intercept + slope·x)`.
 *
 * Two inputs per update as two numbers, `update(x, y)` (see {@linkcode PairIndicator}). With
 * `x` the bar index (0, 1, 2, …) the slope equals TA-Lib's `LINEARREG_SLOPE` of `y`, which
 * the tests check. When every `x` in the window is equal the slope is undefined; the output
 * is then `slope = 0`, `intercept = mean(y)`. The sums are exact, so there is no drift.
 *
 * Warm-up: `period − 1` updates. The returned {@linkcode LinearRegressionValue} is reused.
 *
 * @example
 * ```ts
 * import { LinearRegression } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const fit = new LinearRegression({ period: 3 });
 * fit.update(1, 5);
 * fit.update(2, 7);
 * const { slope, intercept } = fit.update(3, 9) ?? assert.fail("warm");
 * assert.deepEqual([slope, intercept], [2, 3]);
 * ```
 */
export class LinearRegression implements PairIndicator<LinearRegressionValue> {
  readonly #moments: RollingPairMoments;
  readonly #result = { slope: 0, intercept: 0 };
  #ready = false;

  /** Creates the indicator; throws a `RangeError` unless `period` is an integer >= 2. */
  constructor(options: LinearRegressionOptions) {
    this.#moments = new RollingPairMoments(
      requireInteger("LinearRegression", "period", options.period, 2),
    );
  }

  /** Adds one `(x, y)` pair; returns the reused fit or `undefined` while warming up. */
  update(x: number, y: number): LinearRegressionValue | undefined {
    if (!Number.isFinite(x)) invalidInput("LinearRegression", "x", x);
    if (!Number.isFinite(y)) invalidInput("LinearRegression", "y", y);
    const moments = this.#moments;
    moments.push(x, y);
    if (!moments.isFull) return undefined;
    const n = moments.period;
    const varianceX = moments.scaledVarianceX();
    const slope = varianceX > 0 ? moments.scaledCovariance() / varianceX : 0;
    const result = this.#result;
    result.slope = slope;
    result.intercept = (moments.sumY.value - slope * moments.sumX.value) / n;
    this.#ready = true;
    return result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): LinearRegressionValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether `period` pairs have been seen. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every pair. */
  reset(): void {
    this.#moments.clear();
    this.#ready = false;
  }
}
