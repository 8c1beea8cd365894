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
// Ten quiet bars (100/101), a jump to 110 (z ≈ 3 > 2), a drift back to 104 (within 0.5σ of the
// middle at bar 14), a drop to 95 (below the lower band at bar 20) and a recovery.
const CLOSES = [
  100,
  101,
  100,
  101,
  100,
  101,
  100,
  101,
  100,
  101, //
  110,
  111,
  112,
  108,
  105,
  104,
  104,
  104,
  104,
  104, //
  95,
  96,
  97,
  100,
  101,
  102,
  103,
];

function bands(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("BollingerBreakout", {
    symbol: SYMBOL,
    period: 10,
    std_multiplier: 2,
    exit_band_sigma: 0.5,
    ...extra,
  });
}

Deno.test("BollingerBreakout goes long above the upper band, flat near the middle, short below the lower", async () => {
  const candles = candlesFromArrays({ symbol: SYMBOL, close: CLOSES });
  const result = await runStrategy(bands(), { candles, quantity: 2 });
  assertSignals(result.signals, [
    { bar: 10, kind: "enter-long" },
    { bar: 14, kind: "flatten" },
    { bar: 20, kind: "enter-short" },
    { bar: 23, kind: "flatten" },
  ]);
  assert.deepEqual(
    result.roundTrips.map((t) => `${t.direction} ${t.entryPrice} → ${t.exitPrice}`),
    ["long 110 → 105", "short 95 → 100"],
  );
  assertPosition(result, SYMBOL, 0);
});

Deno.test("BollingerBreakout long-only ignores the lower band while flat", () => {
  const signals = collectSignals(
    bands({ allow_short: false }),
    candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
  );
  assertSignals(signals, [{ bar: 10, kind: "enter-long" }, { bar: 14, kind: "flatten" }]);
});

Deno.test("BollingerBreakout's exit band is in σ: a wider one flattens sooner", () => {
  const wide = collectSignals(
    bands({ exit_band_sigma: 1.5 }),
    candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
  );
  const flattenBar = wide.find((s) => s.signal.kind === "flatten")?.bar;
  assert.ok(flattenBar !== undefined && flattenBar < 14, `flatten at ${flattenBar}`);
});

Deno.test("BollingerBreakout rejects an exit band at least as wide as the entry band", () => {
  assert.throws(() => bands({ exit_band_sigma: 2 }), {
    name: "ConfigError",
    message: /parameter exit_band_sigma must be below std_multiplier/,
  });
  assert.throws(() => bands({ lookback: 5 }), {
    name: "ConfigError",
    message: /parameter lookback must be at least period/,
  });
  assert.throws(() => bands({ std_multiplier: "2" }), { name: "ConfigError" });
});
