/**
 * {@linkcode collectSignals}: drives a strategy alone through a {@linkcode StrategyHost} (the
 * same candle delivery and aggregation as the engine) with a flat, order-less context, and
 * returns its signals. No engine, no orders, no fills: fast, and independent of execution,
 * which is what snapshot/restore and signal-logic tests need.
 *
 * @module
 */

import {
  type Candle,
  type Instrument,
  type Interval,
  intervalMicros,
  type Micros,
  type SymbolId,
} from "../domain/mod.ts";
import type { Strategy } from "../strategies/mod.ts";
import { StrategyHost } from "../trader/mod.ts";
import { barIndexer, type RecordedSignal, RecordingStrategy } from "./recording_strategy.ts";

/** Options of {@linkcode collectSignals}. */
export interface CollectSignalsOptions {
  /** Instruments the context reports (default: none). */
  readonly instruments?: readonly Instrument[];
  /** Positions the context reports (default: flat everywhere). */
  readonly position?: (symbol: SymbolId) => number;
}

/**
 * Feeds `candles` (any symbols, one interval) in close-time order to `strategy` and returns
 * the signals it emits. Timers set with `ctx.setTimer` fire before the first bar closing after
 * them. `submitOrder` is refused (returns `undefined`).
 *
 * @example
 * ```ts
 * import { candlesFromArrays, collectSignals } from "@tesser/tesser/testing";
 * import { builtinStrategies } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const strategy = builtinStrategies.create("MeanReversionZScore", {
 *   symbol: "bybit:BTCUSDT",
 *   period: 3,
 *   entry_z: 1.2,
 *   exit_z: 0.2,
 * });
 * const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [10, 10.1, 9.9, 8, 9.9] });
 * assert.deepEqual(collectSignals(strategy, candles).map((s) => s.signal.kind), ["enter-long"]);
 * ```
 */
export function collectSignals(
  strategy: Strategy,
  candles: readonly Candle[],
  options: CollectSignalsOptions = {},
): RecordedSignal[] {
  const ordered = [...candles].sort((a, b) => closeOf(a) - closeOf(b));
  const recorder = new RecordingStrategy(strategy, barIndexer(ordered));
  const instruments = new Map((options.instruments ?? []).map((i) => [i.symbol, i]));
  const timers: { at: Micros; tag: string; seq: number }[] = [];
  let now: Micros = ordered.length > 0 ? (ordered[0] as Candle).openTime : 0;
  let seq = 0;
  const dataInterval: Interval | undefined = ordered[0]?.interval;
  const host = new StrategyHost(recorder, {
    now: () => now,
    position: (symbol) => options.position?.(symbol) ?? 0,
    openOrders: () => [],
    instrument: (symbol) => instruments.get(symbol),
    signal: () => {},
    setTimer: (at, tag) => {
      timers.push({ at: Math.max(at, now), tag, seq: seq++ });
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    },
    submitOrder: () => undefined,
    cancelOrder: () => {},
    amendOrder: () => {},
    pushFeatures: (model) => {
      throw new Error(
        `collectSignals runs without models (${strategy.name} fed model "${model}"); use runStrategy, which loads them`,
      );
    },
  }, dataInterval);
  for (const candle of ordered) {
    const close = closeOf(candle);
    while (timers.length > 0 && (timers[0] as { at: Micros }).at <= close) {
      const timer = timers.shift() as { at: Micros; tag: string };
      now = timer.at;
      host.onTimer(timer.tag);
    }
    now = close;
    host.onCandle(candle);
  }
  return [...recorder.signals];
}

function closeOf(candle: Candle): Micros {
  return candle.openTime + intervalMicros(candle.interval);
}
