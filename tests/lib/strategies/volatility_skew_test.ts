import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertSignals,
  candlesFromArrays,
  runStrategy,
  testInstrument,
} from "../../../lib/testing/mod.ts";

const BTC = "bybit:BTCUSDT";
const IV = "deribit:BTCDVOL";
const N = 20;
// Daily bars with a constant 1% range: ATR/close = 0.01, realized = 0.01·√365 ≈ 0.191.
const CLOSE = Array.from({ length: N }, () => 100);
const HIGH = CLOSE.map(() => 100.5);
const LOW = CLOSE.map(() => 99.5);
// Implied: 0.19 (fair), 0.30 from bar 8 (rich), 0.20 from bar 12 (fair), 0.10 from bar 15.
const IMPLIED = Array.from(
  { length: N },
  (_, t) => t < 8 ? 0.19 : t < 12 ? 0.3 : t < 15 ? 0.2 : 0.1,
);

function skew() {
  return builtinStrategies.create("VolatilitySkew", {
    symbol: BTC,
    iv_symbol: IV,
    interval: "1d",
    atr_period: 3,
    lookback: 5,
    premium: 0.05,
    exit_premium: 0.01,
  });
}

Deno.test("VolatilitySkew shorts when implied is rich, flattens when fair, goes long when cheap, with limit entries at the close", async () => {
  const candles = [
    ...candlesFromArrays({ symbol: BTC, interval: "1d", close: CLOSE, high: HIGH, low: LOW }),
    ...candlesFromArrays({ symbol: IV, interval: "1d", close: IMPLIED }),
  ];
  const result = await runStrategy(skew(), {
    candles,
    instruments: [testInstrument(BTC), testInstrument(IV)],
  });
  const limit = { kind: "limit", price: 100 } as const;
  assertSignals(result.signals, [
    { bar: 8, kind: "enter-short", symbol: BTC, hint: limit },
    { bar: 12, kind: "flatten", symbol: BTC },
    { bar: 15, kind: "enter-long", symbol: BTC, hint: limit },
  ]);
  assert.match(result.signals[0]?.signal.note ?? "", /implied 0\.3000 realized 0\.1910/);
  // The limit orders rest at 100 and fill when the next bar trades through it.
  assert.ok(result.fills.length >= 2, `${result.fills.length} fills`);
  assert.equal(result.fills[0]?.fill.side, "sell");
});

Deno.test("VolatilitySkew rejects exit_premium >= premium and the IV series equal to the symbol", () => {
  const base = { symbol: BTC, iv_symbol: IV };
  assert.throws(
    () =>
      builtinStrategies.create("VolatilitySkew", { ...base, premium: 0.01, exit_premium: 0.02 }),
    { name: "ConfigError", message: /parameter exit_premium must be below premium/ },
  );
  assert.throws(
    () => builtinStrategies.create("VolatilitySkew", { ...base, iv_symbol: BTC }),
    { name: "ConfigError", message: /iv_symbol must differ from symbol/ },
  );
  assert.throws(
    () => builtinStrategies.create("VolatilitySkew", { symbol: BTC }),
    { name: "ConfigError", message: /missing required parameter iv_symbol/ },
  );
});
