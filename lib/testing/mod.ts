/**
 * The strategy test kit, for your own `deno test` files: hand-made candles
 * ({@linkcode candlesFromArrays}, {@linkcode candlesFromCsv}), a run through the real engine
 * and simulated venue ({@linkcode runStrategy}) or through the strategy host alone
 * ({@linkcode collectSignals}), assertions with readable diffs ({@linkcode assertSignals},
 * {@linkcode assertPosition}, {@linkcode assertEquity}), and guards every strategy should pass
 * ({@linkcode assertNoLookahead}, {@linkcode assertSnapshotRestore}). As a test kit it may
 * import any lib module.
 *
 * @example
 * ```ts
 * import { assertSignals, candlesFromArrays, runStrategy } from "@tesser/tesser/testing";
 * import { builtinStrategies } from "@tesser/tesser/strategies";
 *
 * const strategy = builtinStrategies.create("SmaCross", {
 *   symbol: "bybit:BTCUSDT",
 *   fast_period: 2,
 *   slow_period: 3,
 * });
 * const candles = candlesFromArrays({
 *   symbol: "bybit:BTCUSDT",
 *   close: [10, 10, 10, 9, 12, 13, 14, 10, 8, 7],
 * });
 * const result = await runStrategy(strategy, { candles });
 * assertSignals(result.signals, [
 *   { bar: 3, kind: "exit-long" }, // a cross down while flat: the OMS ignores it
 *   { bar: 4, kind: "enter-long" },
 *   { bar: 7, kind: "exit-long" },
 * ]);
 * ```
 *
 * @module
 */

export {
  candlesFromArrays,
  type CandlesFromArraysOptions,
  candlesFromCsv,
  type CandlesFromCsvOptions,
  DEFAULT_START,
} from "./candles.ts";
export { barIndexer, type RecordedSignal, RecordingStrategy } from "./recording_strategy.ts";
export {
  candleSources,
  runStrategy,
  type RunStrategyOptions,
  type RunStrategyResult,
  TEST_CURRENCY,
  testInstrument,
} from "./run_strategy.ts";
export { collectSignals, type CollectSignalsOptions } from "./collect_signals.ts";
export {
  assertEquity,
  assertPosition,
  assertSignals,
  type HasEquity,
  type HasPositions,
  type SignalExpectation,
} from "./assertions.ts";
export {
  assertNoLookahead,
  assertSnapshotRestore,
  type NoLookaheadOptions,
  type SnapshotRestoreOptions,
} from "./lookahead.ts";
