/**
 * {@linkcode runStrategy}: runs a strategy over in-memory candles through the real engine, OMS,
 * portfolio and simulated candle venue ({@linkcode runCandleBacktest}), and returns what a test
 * wants to assert: signals, fills, round trips, final positions and the report.
 *
 * @module
 */

import {
  type BacktestReport,
  runCandleBacktest,
  type TimedFill,
  type VenueSettings,
} from "../backtest/mod.ts";
import { type CandleBatch, candlesToBatch } from "../data/mod.ts";
import {
  type Candle,
  ConfigError,
  type Decimal,
  decimal,
  type Instrument,
  makeInstrument,
  type Order,
  parseSymbol,
  type SymbolId,
} from "../domain/mod.ts";
import { fixedQuantity, type Sizer } from "../execution/mod.ts";
import type { RoundTrip } from "../portfolio/mod.ts";
import type { Strategy } from "../strategies/mod.ts";
import { barIndexer, type RecordedSignal, RecordingStrategy } from "./recording_strategy.ts";

/** The quote currency of {@linkcode testInstrument}s and the default reporting currency. */
export const TEST_CURRENCY = "USDT";

/**
 * A permissive linear instrument for tests: tick 1e-8, lot 1e-8, no minimum notional, no
 * fees, quoted and settled in {@linkcode TEST_CURRENCY}.
 */
export function testInstrument(symbol: SymbolId): Instrument {
  const { code } = parseSymbol(symbol);
  return makeInstrument({
    symbol,
    kind: "linear",
    base: code.endsWith(TEST_CURRENCY) && code.length > TEST_CURRENCY.length
      ? code.slice(0, -TEST_CURRENCY.length)
      : code,
    quote: TEST_CURRENCY,
    tickSize: 1e-8,
    lotSize: 1e-8,
  });
}

/** Options of {@linkcode runStrategy}. */
export interface RunStrategyOptions {
  /** The data, any symbols, one interval (the finest); order within a symbol does not matter. */
  readonly candles: readonly Candle[];
  /** Instruments (default: a {@linkcode testInstrument} for each subscribed symbol). */
  readonly instruments?: readonly Instrument[];
  /** Fixed order quantity when no `sizer` is given (default 1). */
  readonly quantity?: number;
  /** Order sizing (default: `fixedQuantity(quantity)`). */
  readonly sizer?: Sizer;
  /** Starting balance in `currency` (default 1,000,000). */
  readonly initialEquity?: number;
  /** Reporting and balance currency (default {@linkcode TEST_CURRENCY}). */
  readonly currency?: string;
  /** Venue settings (default: market orders at the next bar's open, no slippage). */
  readonly venue?: VenueSettings;
  /** Leverage (default 1). */
  readonly leverage?: number;
  /** Allow adding to open positions. */
  readonly pyramiding?: boolean;
}

/** What {@linkcode runStrategy} returns. */
export interface RunStrategyResult {
  /** Every signal the strategy emitted, in order. */
  readonly signals: readonly RecordedSignal[];
  /** Every fill, in order. */
  readonly fills: readonly TimedFill[];
  /** Closed trades. */
  readonly roundTrips: readonly RoundTrip[];
  /** Final signed position per traded symbol (0 when flat). */
  readonly positions: Readonly<Record<SymbolId, number>>;
  /** Orders in their final state. */
  readonly orders: readonly Order[];
  /** The backtest report. */
  readonly report: BacktestReport;
  /** Final equity as a number. */
  readonly finalEquity: number;
}

/**
 * Runs `strategy` over `candles` with the real engine and simulated venue.
 *
 * @example
 * ```ts
 * import { candlesFromArrays, runStrategy } from "@tesser/tesser/testing";
 * import { builtinStrategies } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
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
 * assert.deepEqual(result.signals.map((s) => `${s.bar} ${s.signal.kind}`), [
 *   "3 exit-long",
 *   "4 enter-long",
 *   "7 exit-long",
 * ]);
 * ```
 * @throws {ConfigError} when there are no candles; errors of {@linkcode runCandleBacktest}.
 */
export async function runStrategy(
  strategy: Strategy,
  options: RunStrategyOptions,
): Promise<RunStrategyResult> {
  if (options.candles.length === 0) throw new ConfigError("runStrategy: no candles given");
  const recorder = new RecordingStrategy(strategy, barIndexer(options.candles));
  const symbols = [...new Set(strategy.subscriptions.map((s) => s.symbol))];
  const instruments = options.instruments ?? symbols.map(testInstrument);
  const currency = options.currency ?? TEST_CURRENCY;
  const result = await runCandleBacktest({
    strategy: recorder,
    instruments,
    sources: candleSources(options.candles).map((batch) => [batch]),
    initialBalances: { [currency]: options.initialEquity ?? 1_000_000 },
    reportingCurrency: currency,
    sizer: options.sizer ?? fixedQuantity(options.quantity ?? 1),
    venue: options.venue,
    leverage: options.leverage,
    pyramiding: options.pyramiding,
  });
  const exact = new Map<SymbolId, Decimal>(symbols.map((symbol) => [symbol, decimal(0)]));
  for (const { fill } of result.bundle.fills) {
    const signed = fill.side === "buy" ? fill.quantity : fill.quantity.neg();
    exact.set(fill.symbol, (exact.get(fill.symbol) ?? decimal(0)).plus(signed));
  }
  const positions: Record<SymbolId, number> = {};
  for (const [symbol, quantity] of exact) positions[symbol] = quantity.toNumber();
  return {
    signals: recorder.signals,
    fills: result.bundle.fills,
    roundTrips: result.bundle.roundTrips,
    positions,
    orders: result.bundle.orders,
    report: result.report,
    finalEquity: Number(result.report.finalEquity),
  };
}

/** Splits candles into one time-sorted batch per symbol and interval (replay sources). */
export function candleSources(candles: readonly Candle[]): CandleBatch[] {
  const groups = new Map<string, Candle[]>();
  for (const candle of candles) {
    const key = `${candle.symbol}|${candle.interval}`;
    const group = groups.get(key) ?? [];
    group.push(candle);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) =>
    candlesToBatch([...group].sort((a, b) => a.openTime - b.openTime))
  );
}
