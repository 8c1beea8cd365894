import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertEquity,
  assertPosition,
  assertSignals,
  candlesFromArrays,
  collectSignals,
  type RecordedSignal,
  runStrategy,
} from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const CLOSES = [10, 10, 10, 9, 12, 13, 14, 10, 8, 7, 7];

function smaCross() {
  return builtinStrategies.create("SmaCross", { symbol: SYMBOL, fast_period: 2, slow_period: 3 });
}

Deno.test("runStrategy records signals with bar indices, fills, positions and equity", async () => {
  const candles = candlesFromArrays({ symbol: SYMBOL, close: CLOSES });
  const result = await runStrategy(smaCross(), { candles, quantity: 3 });
  assertSignals(result.signals, [
    { bar: 3, kind: "exit-long", ts: "2024-01-01T00:04:00Z" },
    { bar: 4, kind: "enter-long", symbol: SYMBOL, confidence: 1 },
    { bar: 7, kind: "exit-long" },
  ]);
  // In at bar 5's open (12), out at bar 8's open (10): 3 × −2.
  assert.deepEqual(result.fills.map(({ fill }) => `${fill.side} ${fill.price}`), [
    "buy 12",
    "sell 10",
  ]);
  assertPosition(result, SYMBOL, 0);
  assertEquity(result, 1_000_000 - 6);
  assert.equal(result.report.trades, 1);
});

Deno.test("collectSignals gives the same signals as the engine without orders or fills", async () => {
  const candles = candlesFromArrays({ symbol: SYMBOL, close: CLOSES });
  const engine = await runStrategy(smaCross(), { candles });
  assert.deepEqual(collectSignals(smaCross(), candles), engine.signals);
});

Deno.test("assertSignals shows both lists and marks the first difference", () => {
  const actual: RecordedSignal[] = [
    { ts: 60e6, bar: 0, signal: { symbol: SYMBOL, kind: "enter-long", confidence: 1 } },
    { ts: 120e6, bar: 1, signal: { symbol: SYMBOL, kind: "flatten", confidence: 1 } },
  ];
  assert.throws(
    () => assertSignals(actual, [{ bar: 0, kind: "enter-long" }, { bar: 2, kind: "flatten" }]),
    (error: Error) => {
      assert.equal(error.name, "AssertionError");
      assert.equal(
        error.message,
        [
          "Signals differ at #1 (bar):",
          "  expected: bar 2 flatten *",
          "  actual:   bar 1 (1970-01-01T00:02:00Z) flatten bybit:BTCUSDT",
          "Expected 2 signal(s):",
          "    #0 bar 0 enter-long *",
          "  > #1 bar 2 flatten *",
          "Actual 2 signal(s):",
          "    #0 bar 0 (1970-01-01T00:01:00Z) enter-long bybit:BTCUSDT",
          "  > #1 bar 1 (1970-01-01T00:02:00Z) flatten bybit:BTCUSDT",
        ].join("\n"),
      );
      return true;
    },
  );
  assert.throws(() => assertSignals(actual, [{ kind: "enter-long" }]), /differ at #1 \(count\)/);
  assert.throws(
    () => assertSignals(actual, [{ kind: "enter-long", quantity: 1 }, { kind: "flatten" }]),
    /differ at #0 \(quantity\)/,
  );
  assertSignals(actual, [{ kind: "enter-long", ts: 60e6 }, { kind: "flatten", symbol: SYMBOL }]);
});

Deno.test("assertPosition and assertEquity report the values and tolerance", () => {
  const result = { positions: { [SYMBOL]: 1.5 }, finalEquity: 100 };
  assertPosition(result, SYMBOL, 1.5);
  assertPosition(result, "bybit:ETHUSDT", 0);
  assert.throws(() => assertPosition(result, SYMBOL, 1), {
    message: /^Position in bybit:BTCUSDT: expected 1, got 1.5 \(tolerance 1e-9\)/,
  });
  assertEquity(result, 100.0000001);
  assert.throws(() => assertEquity(result, 101, { tolerance: 0.5 }), {
    message: "Final equity: expected 101, got 100 (difference -1, tolerance 0.5)",
  });
});
