// Issue 19: a plain signal passes the host's check on a few comparisons, and only what they do
// not accept outright is checked field by field. The quick path must never pass what the
// field-by-field rules refuse: each malformed field is still refused and named.
import assert from "node:assert/strict";
import { signalProblem } from "../../../lib/strategies/mod.ts";

const known = (symbol: string) => symbol === "bybit:BTCUSDT";
const plain = { symbol: "bybit:BTCUSDT", kind: "enter-long", confidence: 1 };

Deno.test("signalProblem passes plain signals at the edges of each rule", () => {
  for (
    const signal of [
      plain,
      { ...plain, confidence: 0 },
      { ...plain, kind: "flatten", confidence: 0.5 },
      { ...plain, stopLoss: 1e-9, takeProfit: 1e12, quantity: 0.001 },
      { ...plain, stopLoss: undefined, hint: undefined },
      { ...plain, hint: { kind: "limit", price: 100 } },
    ]
  ) {
    assert.equal(signalProblem(signal, known), undefined, JSON.stringify(signal));
  }
});

Deno.test("signalProblem refuses every malformed field and names it", () => {
  const cases: readonly [Record<string, unknown>, string][] = [
    [{ ...plain, kind: "enter_long" }, "signal.kind"],
    [{ ...plain, kind: undefined }, "signal.kind"],
    [{ ...plain, symbol: "" }, "signal.symbol"],
    [{ ...plain, symbol: "bybit:ETHUSDT" }, "signal.symbol"],
    [{ ...plain, symbol: 7 }, "signal.symbol"],
    [{ ...plain, confidence: undefined }, "signal.confidence"],
    [{ ...plain, confidence: -0.1 }, "signal.confidence"],
    [{ ...plain, confidence: 1.5 }, "signal.confidence"],
    [{ ...plain, confidence: Number.NaN }, "signal.confidence"],
    [{ ...plain, confidence: "1" }, "signal.confidence"],
    [{ ...plain, stopLoss: 0 }, "signal.stopLoss"],
    [{ ...plain, stopLoss: Number.POSITIVE_INFINITY }, "signal.stopLoss"],
    [{ ...plain, takeProfit: -1 }, "signal.takeProfit"],
    [{ ...plain, takeProfit: Number.NaN }, "signal.takeProfit"],
    [{ ...plain, quantity: "0.1" }, "signal.quantity"],
    [{ ...plain, quantity: null }, "signal.quantity"],
    [{ ...plain, hint: null }, "signal.hint"],
    [{ ...plain, hint: { kind: "limit", price: 0 } }, "signal.hint.price"],
  ];
  for (const [signal, field] of cases) {
    assert.equal(signalProblem(signal, known)?.field, field, JSON.stringify(signal));
  }
});
