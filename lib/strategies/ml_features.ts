/**
 * The features of {@linkcode MlClassifier} and of `deno task train-ml`, from the recent bars
 * only (one function for both, so a model sees in trading exactly what it was trained on).
 * Every row is a pure function of the last `window` bars; the state is that window, so a
 * snapshot restores bit-for-bit.
 *
 * - `returns`: the last `lookback` one-bar returns in percent, most recent first
 *   (`return_0 = 100 · (close₀ / close₁ − 1)`), the inputs of Tesser's linear model TOML.
 * - `indicators`: returns over 1, 5, 15 and 60 bars (percent), RSI(14) rescaled to −1…1, the
 *   z-score of the close over 20 bars, ATR(14) and the bar's range in percent of the close,
 *   and the z-score of log volume over 60 bars.
 *
 * @module
 */

import { Atr, Rsi } from "../indicators/mod.ts";
import { lastOver } from "./_support.ts";

/** Which feature set. */
export type MlFeatureSet = "returns" | "indicators";

/** The feature sets, for validation and help. */
export const ML_FEATURE_SETS: readonly MlFeatureSet[] = ["returns", "indicators"];

/** The bar fields the features read. */
export interface FeatureBar {
  /** High. */
  readonly high: number;
  /** Low. */
  readonly low: number;
  /** Close. */
  readonly close: number;
  /** Volume. */
  readonly volume: number;
}

const INDICATOR_NAMES: readonly string[] = [
  "return_1",
  "return_5",
  "return_15",
  "return_60",
  "rsi_14",
  "zscore_20",
  "atr_14_pct",
  "range_pct",
  "volume_z_60",
];

/** Feature names of a set, in column order. */
export function mlFeatureNames(set: MlFeatureSet, lookback: number): readonly string[] {
  return set === "returns"
    ? Array.from({ length: lookback }, (_, i) => `return_${i}`)
    : INDICATOR_NAMES;
}

/** Bars a row needs: `lookback + 1` for `returns`, 61 for `indicators`. */
export function mlFeatureWindow(set: MlFeatureSet, lookback: number): number {
  return set === "returns" ? lookback + 1 : 61;
}

function percentChange(now: number, before: number): number {
  return before > 0 ? 100 * (now / before - 1) : 0;
}

// Population z-score of the last value among the last `n` values of `value(i)`, i < length.
function zScoreOfLast(length: number, n: number, value: (i: number) => number): number {
  let mean = 0;
  for (let i = length - n; i < length; i++) mean += value(i);
  mean /= n;
  let variance = 0;
  for (let i = length - n; i < length; i++) variance += (value(i) - mean) ** 2;
  const sigma = Math.sqrt(variance / n);
  return sigma === 0 ? 0 : (value(length - 1) - mean) / sigma;
}

/**
 * Writes the feature row of the newest bar of `bars` (oldest first, exactly
 * {@linkcode mlFeatureWindow} of them) into `out`.
 *
 * @throws {RangeError} when `bars` or `out` has the wrong length.
 */
export function computeMlFeatures(
  set: MlFeatureSet,
  lookback: number,
  bars: readonly FeatureBar[],
  out: Float64Array,
): void {
  const window = mlFeatureWindow(set, lookback);
  const names = mlFeatureNames(set, lookback);
  if (bars.length !== window || out.length !== names.length) {
    throw new RangeError(
      `computeMlFeatures(${set}): needs ${window} bars and ${names.length} outputs, got ${bars.length} and ${out.length}`,
    );
  }
  const last = window - 1;
  if (set === "returns") {
    for (let i = 0; i < lookback; i++) {
      out[i] = percentChange(bars[last - i].close, bars[last - i - 1].close);
    }
    return;
  }
  const bar = bars[last];
  const close = bar.close;
  out[0] = percentChange(close, bars[last - 1].close);
  out[1] = percentChange(close, bars[last - 5].close);
  out[2] = percentChange(close, bars[last - 15].close);
  out[3] = percentChange(close, bars[last - 60].close);
  // Wilder's RSI and ATR over the whole window, so the row is a function of the window alone.
  const rsiIndicator = new Rsi({ period: 14 });
  let rsi: number | undefined;
  for (let i = 0; i < window; i++) rsi = rsiIndicator.update(bars[i].close);
  out[4] = ((rsi ?? 50) - 50) / 50;
  out[5] = zScoreOfLast(window, 20, (i) => bars[i].close);
  const atr = lastOver(new Atr({ period: 14 }), bars) ?? 0;
  out[6] = close > 0 ? 100 * atr / close : 0;
  out[7] = close > 0 ? 100 * (bar.high - bar.low) / close : 0;
  out[8] = zScoreOfLast(window, 60, (i) => Math.log1p(Math.max(0, bars[i].volume)));
}
