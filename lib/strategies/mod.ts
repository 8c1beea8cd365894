/**
 * Strategies: the {@linkcode Strategy} contract, {@linkcode defineStrategy}, the static
 * registry and the built-in strategies; and, so that an author needs this one import, the
 * market data and signal types, the schema fields and every indicator. It may import
 * `lib/domain`, `lib/events`, `lib/broker`, `lib/config` (param schemas) and
 * `lib/indicators`; the host that runs a strategy lives in `lib/trader`.
 *
 * @example
 * ```ts
 * import { defineStrategy, param, Sma } from "@tesser/tesser/strategies";
 * import { candlesFromArrays, collectSignals } from "@tesser/tesser/testing";
 * import assert from "node:assert/strict";
 *
 * const aboveMean = defineStrategy({
 *   name: "AboveMean",
 *   description: "long when the close crosses above its 3-bar mean",
 *   params: { symbol: param.symbol() },
 *   state: { above: false },
 *   indicators: () => ({ sma: new Sma({ period: 3 }) }),
 *   subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: "1m" }],
 *   onCandle(candle, ctx) {
 *     const mean = ctx.indicators.sma.update(candle.close);
 *     const above = mean !== undefined && candle.close > mean;
 *     if (above && !ctx.state.above) {
 *       ctx.signal({ symbol: ctx.params.symbol, kind: "enter-long", confidence: 1 });
 *     }
 *     ctx.state.above = above;
 *   },
 * });
 * const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [3, 3, 3, 4, 5] });
 * const signals = collectSignals(aboveMean.build({ symbol: "bybit:BTCUSDT" }), candles);
 * assert.deepEqual(signals.map((s) => s.bar), [3]);
 * ```
 *
 * @module
 */

export * from "./author_kit.ts";

export * from "./builtin.ts";
export * from "./registry.ts";
export * from "./strategy.ts";
export * from "./define_strategy.ts";
export * from "./param.ts";
export * from "./strategy_error.ts";
export * from "./output_check.ts";
export { RsiReversion, type RsiReversionParams } from "./rsi_reversion.ts";
export { BollingerBreakout, type BollingerBreakoutParams } from "./bollinger_breakout.ts";
export { VolatilitySkew, type VolatilitySkewParams } from "./volatility_skew.ts";
export { Breakout, type BreakoutParams } from "./breakout.ts";
export { MeanReversionZScore, type MeanReversionZScoreParams } from "./mean_reversion_zscore.ts";
export { loadStrategyModule } from "./user_module.ts";
// Built with defineStrategy, the SmaCross, CrossExchangeArb, PairsTradingArbitrage and
// OrderBookImbalance definitions are reached through builtinStrategies (their params are their
// schemas).
export { bookImbalance } from "./order_book_imbalance.ts";
export { OrderBookScalper, type OrderBookScalperParams } from "./order_book_scalper.ts";
export {
  AvellanedaStoikov,
  type AvellanedaStoikovParams,
  avellanedaStoikovQuote,
  CalibratedMarketMaker,
  type MmParams,
  type MmQuote,
} from "./avellaneda_stoikov.ts";
export {
  type GueantCoefficients,
  gueantCoefficients,
  GueantMarketMaker,
  type GueantMarketMakerParams,
} from "./gueant_market_maker.ts";
export { MmCalibration, type MmCalibrationOptions } from "./mm_calibration.ts";
export { ML_CLASSIFIER_MODEL, MlClassifier, type MlClassifierParams } from "./ml_classifier.ts";
export * from "./ml_features.ts";
