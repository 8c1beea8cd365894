import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { assertSignals, candlesFromArrays, runStrategy } from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
// Highs are max(open, close) with open = previous close. Bar 5 (103) closes above the highest
// high of bars 2-4 (102); bars 6-7 stay above but are not fresh breaks. Bar 9 (99) closes below
// the lowest low of bars 6-8 (103). Bar 13 (101) breaks above bars 10-12 (max high 100).
const CLOSES = [100, 101, 102, 101, 100, 103, 104, 105, 103, 99, 98, 97, 100, 101];

function breakout(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("Breakout", {
    symbol: SYMBOL,
    period: 3,
    atr_period: 2,
    lookback: 5,
    atr_multiplier: 2,
    ...extra,
  });
}

Deno.test("Breakout enters on a fresh Donchian break with a stop 2 ATR below and exits on the downside break", async () => {
  const result = await runStrategy(breakout(), {
    candles: candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
  });
  // ATR(2) over the last five bars is 2 at bar 5 (true ranges 1, 1, 1, 3 → Wilder 2).
  assertSignals(result.signals, [
    { bar: 5, kind: "enter-long", stopLoss: 99 },
    { bar: 9, kind: "exit-long" },
    { bar: 13, kind: "enter-long", stopLoss: 98 },
  ]);
  assert.deepEqual(result.roundTrips.map((t) => `${t.entryPrice} → ${t.exitPrice}`), ["103 → 99"]);
});

Deno.test("Breakout with allow_short shorts the downside break with the stop above", async () => {
  const result = await runStrategy(breakout({ allow_short: true }), {
    candles: candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
  });
  assertSignals(result.signals, [
    { bar: 5, kind: "enter-long" },
    { bar: 9, kind: "exit-long" },
    { bar: 9, kind: "enter-short", stopLoss: 104.5 },
    { bar: 13, kind: "enter-long" },
  ]);
});

Deno.test("Breakout rejects a lookback shorter than its channel or ATR", () => {
  assert.throws(() => breakout({ lookback: 3 }), {
    name: "ConfigError",
    message: /parameter lookback must be at least max\(period, atr_period\) \+ 1 = 4/,
  });
});
