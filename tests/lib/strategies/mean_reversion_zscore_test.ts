import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { assertSignals, candlesFromArrays, runStrategy } from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";

function zscore(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("MeanReversionZScore", {
    symbol: SYMBOL,
    period: 5,
    entry_z: 1.5,
    exit_z: 0.3,
    ...extra,
  });
}

Deno.test("MeanReversionZScore buys a drop below −entry_z, flattens near 0, shorts a spike", async () => {
  // Bar 5 drops to 94 (z ≈ −2.0 over 100,101,100,101,94); 97 at bar 7 is back near the mean;
  // bar 12 spikes to 107 (z ≈ 1.98) and bar 14 (104) is near the mean again.
  const candles = candlesFromArrays({
    symbol: SYMBOL,
    close: [100, 101, 100, 101, 100, 94, 95, 97, 100, 100, 101, 100, 107, 106, 104, 103, 102, 102],
  });
  const result = await runStrategy(zscore(), { candles });
  assertSignals(result.signals, [
    { bar: 5, kind: "enter-long" },
    { bar: 7, kind: "flatten" },
    { bar: 12, kind: "enter-short" },
    { bar: 14, kind: "flatten" },
  ]);
  assert.deepEqual(
    result.roundTrips.map((t) => `${t.direction} ${t.grossPnl}`),
    ["long 3", "short 3"],
  );
});

Deno.test("MeanReversionZScore rejects exit_z >= entry_z and negative thresholds", () => {
  assert.throws(() => zscore({ exit_z: 2 }), {
    name: "ConfigError",
    message: /parameter exit_z must be below entry_z/,
  });
  assert.throws(() => zscore({ entry_z: -1 }), { name: "ConfigError", message: /entry_z/ });
});
