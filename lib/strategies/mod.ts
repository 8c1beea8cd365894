/**
 * Strategies: the {@linkcode Strategy} contract, the static registry and the built-in
 * strategies. It may import `lib/domain`, `lib/events`, `lib/broker`, `lib/config` (param
 * schemas) and `lib/indicators`; the host that runs a strategy lives in `lib/trader`.
 *
 * @module
 */

export * from "./builtin.ts";
export * from "./registry.ts";
export * from "./strategy.ts";
export * from "./define_strategy.ts";
export * from "./param.ts";
export { smaCrossDefinition, type SmaCrossParams } from "./sma_cross.ts";
export { RsiReversion, type RsiReversionParams } from "./rsi_reversion.ts";
export { BollingerBreakout, type BollingerBreakoutParams } from "./bollinger_breakout.ts";
export {
  PairsTradingArbitrage,
  type PairsTradingArbitrageParams,
} from "./pairs_trading_arbitrage.ts";
export { crossExchangeArbDefinition, type CrossExchangeArbParams } from "./cross_exchange_arb.ts";
export { VolatilitySkew, type VolatilitySkewParams } from "./volatility_skew.ts";
export { Breakout, type BreakoutParams } from "./breakout.ts";
export { MeanReversionZScore, type MeanReversionZScoreParams } from "./mean_reversion_zscore.ts";
export { loadStrategyModule } from "./user_module.ts";
export {
  bookImbalance,
  orderBookImbalanceDefinition,
  type OrderBookImbalanceParams,
} from "./order_book_imbalance.ts";
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
export { MmCalibration, type MmCalibrationOptions } from "./_mm_calibration.ts";
