import type { Bar, Indicator, PairIndicator } from "./types.ts";

/**
 * Feeds every value of `input` to `indicator`, in order, and returns the outputs with `NaN`
 * during warm-up — for research and tests. The indicator is not reset first, so a warm
 * indicator continues from its state.
 *
 * @example
 * ```ts
 * import { Sma, computeAll } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const out = computeAll(new Sma({ period: 2 }), new Float64Array([1, 2, 3]));
 * assert.deepEqual([...out], [NaN, 1.5, 2.5]);
 * ```
 */
export function computeAll(
  indicator: Indicator<number, number>,
  input: Float64Array,
): Float64Array {
  const output = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const value = indicator.update(input[i]);
    output[i] = value === undefined ? NaN : value;
  }
  return output;
}

/** Column-oriented bars for {@linkcode computeAllBars}; all columns have the same length. */
export interface BarColumns {
  /** High of each bar. */
  readonly high: Float64Array;
  /** Low of each bar. */
  readonly low: Float64Array;
  /** Close of each bar. */
  readonly close: Float64Array;
  /** Volume of each bar (needed by volume-based indicators). */
  readonly volume?: Float64Array;
}

/**
 * The bar variant of {@linkcode computeAll}: feeds bar `i` built from the columns (one reused
 * bar object, no allocation per bar) and returns the outputs with `NaN` during warm-up. A
 * volume-based indicator given no `volume` column throws its `RangeError` for `bar.volume`.
 *
 * @example
 * ```ts
 * import { Atr, computeAllBars } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const out = computeAllBars(new Atr({ period: 1 }), {
 *   high: new Float64Array([10, 11]),
 *   low: new Float64Array([9, 10]),
 *   close: new Float64Array([9.5, 10.5]),
 * });
 * assert.deepEqual([...out], [NaN, 1.5]);
 * ```
 */
export function computeAllBars(
  indicator: Indicator<Bar, number>,
  columns: BarColumns,
): Float64Array {
  const { high, low, close, volume } = columns;
  const length = close.length;
  if (high.length !== length || low.length !== length || (volume && volume.length !== length)) {
    throw new RangeError("computeAllBars: every column must have the same length");
  }
  const bar = { high: 0, low: 0, close: 0, volume: NaN };
  const output = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    if (volume !== undefined) bar.volume = volume[i];
    const value = indicator.update(bar);
    output[i] = value === undefined ? NaN : value;
  }
  return output;
}

/**
 * The pair variant of {@linkcode computeAll}, for {@linkcode PairIndicator}s whose output is a
 * number (e.g. `Correlation`).
 *
 * @example
 * ```ts
 * import { Correlation, computeAllPairs } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const xs = new Float64Array([1, 2, 3]);
 * const out = computeAllPairs(new Correlation({ period: 2 }), xs, xs);
 * assert.deepEqual([...out], [NaN, 1, 1]);
 * ```
 */
export function computeAllPairs(
  indicator: PairIndicator<number>,
  x: Float64Array,
  y: Float64Array,
): Float64Array {
  if (x.length !== y.length) {
    throw new RangeError("computeAllPairs: x and y must have the same length");
  }
  const output = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const value = indicator.update(x[i], y[i]);
    output[i] = value === undefined ? NaN : value;
  }
  return output;
}
