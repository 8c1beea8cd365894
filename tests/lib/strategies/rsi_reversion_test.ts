import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertPosition,
  assertSignals,
  candlesFromArrays,
  collectSignals,
  runStrategy,
} from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
// RSI(3), Wilder: four falling closes give RSI 0 at bar 3 (the first value); the rise from
// bar 6 takes it to 50, then 71.4 at bar 7; the fall from bar 11 gives 73.3, 44.9, then 28.4
// at bar 13. Bars 4-5 and 8-11 stay inside their zones.
const CLOSES = [100, 99, 98, 97, 96, 95, 97, 99, 101, 103, 105, 104, 102, 100, 98, 96];

function rsi(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("RsiReversion", {
    symbol: SYMBOL,
    period: 3,
    lookback: 10,
    ...extra,
  });
}

Deno.test("RsiReversion enters long once when RSI first drops below 30 and exits when it crosses 70", async () => {
  const candles = candlesFromArrays({ symbol: SYMBOL, close: CLOSES });
  const result = await runStrategy(rsi(), { candles, quantity: 1 });
  assertSignals(result.signals, [
    { bar: 3, kind: "enter-long", symbol: SYMBOL },
    { bar: 7, kind: "exit-long", symbol: SYMBOL },
    { bar: 13, kind: "enter-long", symbol: SYMBOL },
  ]);
  // Orders fill at the next bar's open (= the previous close here): 97 in, 99 out, 100 in.
  assert.deepEqual(
    result.fills.map(({ fill }) => `${fill.side} ${fill.quantity} @ ${fill.price}`),
    ["buy 1 @ 97", "sell 1 @ 99", "buy 1 @ 100"],
  );
  assert.equal(result.roundTrips.length, 1);
  assert.equal(result.roundTrips[0]?.grossPnl.toNumber(), 2);
  assertPosition(result, SYMBOL, 1);
});

Deno.test("RsiReversion with allow_short reverses at each zone entry", () => {
  const signals = collectSignals(
    rsi({ allow_short: true }),
    candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
  );
  assertSignals(signals, [
    { bar: 3, kind: "exit-short" },
    { bar: 3, kind: "enter-long" },
    { bar: 7, kind: "exit-long" },
    { bar: 7, kind: "enter-short" },
    { bar: 13, kind: "exit-short" },
    { bar: 13, kind: "enter-long" },
  ]);
});

Deno.test("RsiReversion accepts Tesser's params with a venue-qualified symbol", () => {
  const strategy = builtinStrategies.create("rsi_reversion", {
    symbol: SYMBOL,
    period: 14,
    oversold: 32.0,
    overbought: 68.0,
    lookback: 120,
  });
  assert.equal(strategy.name, "RsiReversion");
  assert.deepEqual(strategy.subscriptions, [{ kind: "candles", symbol: SYMBOL, interval: "1m" }]);
});

Deno.test("RsiReversion rejects oversold >= overbought and lookback <= period", () => {
  assert.throws(() => rsi({ oversold: 70, overbought: 30 }), {
    name: "ConfigError",
    message: /RsiReversion: parameter oversold must be below overbought/,
  });
  assert.throws(() => rsi({ lookback: 3 }), {
    name: "ConfigError",
    message: /parameter lookback must be above period/,
  });
  assert.throws(() => rsi({ oversold: -5 }), { name: "ConfigError", message: /oversold/ });
});

Deno.test("RsiReversion does not trade a market that does not move (RSI 0 by convention)", () => {
  const strategy = builtinStrategies.create("RsiReversion", {
    symbol: "bybit:BTCUSDT",
    period: 14,
    lookback: 20,
  });
  const signals = collectSignals(
    strategy,
    candlesFromArrays({ symbol: "bybit:BTCUSDT", close: Array.from({ length: 25 }, () => 100) }),
  );
  assertSignals(signals, []);
});
