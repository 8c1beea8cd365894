// The built-in strategies that hand their execution to an algorithm: VolatilitySkew's Sniper
// entries and OrderBookScalper's PeggedBest signals (on the real BitMEX sample).
import assert from "node:assert/strict";
import { builtinStrategies } from "../../../../lib/strategies/mod.ts";
import {
  assertSignals,
  candlesFromArrays,
  runStrategy,
  testInstrument,
} from "../../../../lib/testing/mod.ts";
import { runOnSample } from "../../backtest/tick/_strategy_run.ts";

const BTC = "bybit:BTCUSDT";
const IV = "deribit:BTCDVOL";

Deno.test("VolatilitySkew with sniper_timeout_secs enters with Sniper orders at the close", async () => {
  const n = 20;
  const close = Array.from({ length: n }, () => 100);
  const implied = Array.from({ length: n }, (_, t) => t < 8 ? 0.19 : 0.3);
  const strategy = builtinStrategies.create("VolatilitySkew", {
    symbol: BTC,
    iv_symbol: IV,
    interval: "1d",
    atr_period: 3,
    lookback: 5,
    sniper_timeout_secs: 3_600,
  });
  assert.deepEqual(strategy.executionHints, ["sniper"]);
  const result = await runStrategy(strategy, {
    candles: [
      ...candlesFromArrays({
        symbol: BTC,
        interval: "1d",
        close,
        high: close.map(() => 100.5),
        low: close.map(() => 99.5),
      }),
      ...candlesFromArrays({ symbol: IV, interval: "1d", close: implied }),
    ],
    instruments: [testInstrument(BTC), testInstrument(IV)],
  });
  assertSignals(result.signals, [
    {
      bar: 8,
      kind: "enter-short",
      symbol: BTC,
      hint: { kind: "sniper", price: 100, timeoutSecs: 3_600 },
    },
  ]);
  // The next bar opens at 100, the target: the sweep sells there.
  assert.equal(result.fills[0]?.fill.side, "sell");
  assert.equal(result.fills[0]?.fill.price.toString(), "100");
  // Without the parameter the entries stay limit orders and no hint is declared.
  assert.deepEqual(
    builtinStrategies.create("VolatilitySkew", { symbol: BTC, iv_symbol: IV }).executionHints,
    [],
  );
});

Deno.test("OrderBookScalper with peg_refresh_secs leaves the pegging to PeggedBest (real XBTUSD)", async () => {
  const { report } = await runOnSample("OrderBookScalper", {
    threshold: 0.3,
    fast_period: 5,
    slow_period: 13,
    signal_period: 4,
    peg_refresh_secs: 1,
  });
  const section = report.executionAlgorithms as {
    summary: Record<string, { parents: number; children: number }>;
  };
  assert.ok(section.summary["pegged-best"].parents > 0);
  assert.ok(section.summary["pegged-best"].children >= section.summary["pegged-best"].parents);
  assert.ok(report.fills > 0, `fills ${report.fills}`);
});
