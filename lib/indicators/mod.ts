/**
 * Streaming technical indicators: O(1), allocation-free, drift-free updates with TA-Lib's
 * definitions; this module depends on nothing else in lib/ and on no package.
 *
 * Every indicator is a class constructed with an options object, fed one input per
 * `update(input)` (a price, or a {@linkcode Bar} for bar-based ones), returning the current
 * value or `undefined` while warming up; `value`, `isReady` and `reset()` complete the
 * {@linkcode Indicator} contract. Multi-output indicators return one reused readonly object
 * (copy it to keep it). {@linkcode pipe} and {@linkcode map} compose indicators;
 * {@linkcode computeAll} runs one over a `Float64Array`.
 *
 * Values match TA-Lib (warm-up length and seeding included; see each class for the few
 * documented differences), and running sums are exact (double-double), so outputs do not drift
 * over millions of updates.
 *
 * @example
 * ```ts
 * import { BollingerBands, Ema, pipe, Rsi } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const bands = new BollingerBands({ period: 3 });
 * const smoothRsi = pipe(new Ema({ period: 2 }), new Rsi({ period: 2 }));
 * let oversold = 0;
 * for (const price of [42000, 42010.5, 41995.25, 41990, 41700]) {
 *   const b = bands.update(price);
 *   const r = smoothRsi.update(price);
 *   if (b !== undefined && r !== undefined && price < b.middle && r < 30) oversold++;
 * }
 * assert.equal(oversold, 2); // 41990 and 41700: below the mean, the RSI at 0
 * ```
 *
 * @module
 */

export type { Bar, Indicator, PairIndicator, VolumeBar } from "./types.ts";
export { Sma, type SmaOptions } from "./sma.ts";
export { Ema, type EmaOptions } from "./ema.ts";
export { Wma, type WmaOptions } from "./wma.ts";
export { Dema, type DemaOptions } from "./dema.ts";
export { Tema, type TemaOptions } from "./tema.ts";
export { Rsi, type RsiOptions } from "./rsi.ts";
export { Macd, type MacdOptions, type MacdValue } from "./macd.ts";
export {
  BollingerBands,
  type BollingerBandsOptions,
  type BollingerBandsValue,
} from "./bollinger_bands.ts";
export { StdDev, type StdDevOptions } from "./std_dev.ts";
export { ZScore, type ZScoreOptions } from "./z_score.ts";
export { Roc, type RocOptions } from "./roc.ts";
export { RollingExtremum, type RollingExtremumOptions } from "./rolling_extremum.ts";
export { RollingMax } from "./rolling_max.ts";
export { RollingMin } from "./rolling_min.ts";
export { TrueRange } from "./true_range.ts";
export { Atr, type AtrOptions } from "./atr.ts";
export { Stochastic, type StochasticOptions, type StochasticValue } from "./stochastic.ts";
export { Donchian, type DonchianOptions, type DonchianValue } from "./donchian.ts";
export { Ichimoku, type IchimokuOptions, type IchimokuValue } from "./ichimoku.ts";
export { Obv } from "./obv.ts";
export {
  Vwap,
  type VwapBar,
  type VwapOptions,
  type VwapRollingOptions,
  type VwapSessionOptions,
} from "./vwap.ts";
export { Correlation, type CorrelationOptions } from "./correlation.ts";
export {
  LinearRegression,
  type LinearRegressionOptions,
  type LinearRegressionValue,
} from "./linear_regression.ts";
export { map, pipe } from "./pipe.ts";
export { type BarColumns, computeAll, computeAllBars, computeAllPairs } from "./compute_all.ts";
