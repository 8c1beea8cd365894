import assert from "node:assert/strict";
import { makeInstrument } from "../../../lib/domain/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertSignals,
  candlesFromArrays,
  collectSignals,
  runStrategy,
} from "../../../lib/testing/mod.ts";

const BYBIT = "bybit:BTCUSDT";
const BINANCE = "binance:BTCUSDT";
// Bybit trades 50 bps rich at bar 10, 30 bps at bar 11, 1 bp at bar 12.
const RICH = Array.from(
  { length: 20 },
  (_, t) => t === 10 ? 100.5 : t === 11 ? 100.3 : t === 12 ? 100.01 : 100,
);
const FLAT = Array.from({ length: 20 }, () => 100);

function candles() {
  return [
    ...candlesFromArrays({ symbol: BYBIT, close: RICH }),
    ...candlesFromArrays({ symbol: BINANCE, close: FLAT }),
  ];
}

function arb(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("CrossExchangeArb", {
    symbols: [BYBIT, BINANCE],
    entry_bps: 10,
    exit_bps: 2,
    quantity: 0.5,
    ...extra,
  });
}

Deno.test("CrossExchangeArb sells the rich venue, buys the cheap one, and flattens both when the spread closes", async () => {
  const result = await runStrategy(arb({ fee_bps: 5 }), { candles: candles() });
  assertSignals(result.signals, [
    { bar: 10, kind: "enter-short", symbol: BYBIT, quantity: 0.5 },
    { bar: 10, kind: "enter-long", symbol: BINANCE, quantity: 0.5 },
    { bar: 12, kind: "flatten", symbol: BYBIT },
    { bar: 12, kind: "flatten", symbol: BINANCE },
  ]);
  const groups = new Set(result.signals.map((s) => s.signal.groupId));
  assert.equal(groups.size, 1);
  // Short Bybit at 100.5 (bar 11's open) and cover at 100.01; long Binance flat at 100.
  const pnl = result.roundTrips.reduce((sum, t) => sum + t.grossPnl.toNumber(), 0);
  assert.ok(Math.abs(pnl - 0.5 * (100.5 - 100.01)) < 1e-9, `pnl ${pnl}`);
});

Deno.test("CrossExchangeArb counts four fills of fees against the spread", () => {
  // 50 bps gross − 4 × 11 bps = 6 bps net < 10 bps: no trade.
  assertSignals(collectSignals(arb({ fee_bps: 11 }), candles()), []);
  // 50 − 4 × 9 = 14 ≥ 10: trade.
  assert.equal(collectSignals(arb({ fee_bps: 9 }), candles()).length, 4);
});

Deno.test("CrossExchangeArb takes the instruments' taker fees when fee_bps is not set", () => {
  const instrument = (symbol: string, takerFee: number) =>
    makeInstrument({
      symbol,
      kind: "linear",
      base: "BTC",
      quote: "USDT",
      tickSize: 0.1,
      lotSize: 0.001,
      takerFee,
    });
  const dear = [instrument(BYBIT, 0.0011), instrument(BINANCE, 0.0011)];
  const cheap = [instrument(BYBIT, 0.0005), instrument(BINANCE, 0.0005)];
  assert.equal(collectSignals(arb(), candles(), { instruments: dear }).length, 0);
  assert.equal(collectSignals(arb(), candles(), { instruments: cheap }).length, 4);
});

Deno.test("CrossExchangeArb rejects one venue, one symbol and exit_bps >= entry_bps", () => {
  assert.throws(() => arb({ symbols: [BYBIT, "bybit:BTCPERP"] }), {
    name: "ConfigError",
    message: /must be on two venues/,
  });
  assert.throws(() => arb({ symbols: [BYBIT] }), {
    name: "ConfigError",
    message: /needs exactly two symbols, got 1/,
  });
  assert.throws(() => arb({ exit_bps: 10 }), {
    name: "ConfigError",
    message: /parameter exit_bps must be below entry_bps/,
  });
  assert.throws(() => arb({ entry_bps: -1 }), { name: "ConfigError", message: /entry_bps/ });
});

Deno.test("CrossExchangeArb exits when the spread flips past zero (a gain), not only when it closes", () => {
  // Bybit 20 bps rich at bar 3, then 20 bps cheap from bar 4 on.
  const flipped = Array.from({ length: 8 }, (_, t) => (t === 3 ? 100.2 : t > 3 ? 99.8 : 100));
  const signals = collectSignals(arb({ fee_bps: 0 }), [
    ...candlesFromArrays({ symbol: BYBIT, close: flipped }),
    ...candlesFromArrays({ symbol: BINANCE, close: Array.from({ length: 8 }, () => 100) }),
  ]);
  assertSignals(signals, [
    { bar: 3, kind: "enter-short", symbol: BYBIT },
    { bar: 3, kind: "enter-long", symbol: BINANCE },
    { bar: 4, kind: "flatten", symbol: BYBIT },
    { bar: 4, kind: "flatten", symbol: BINANCE },
    // The opposite spread then opens the mirror trade on the next bar.
    { bar: 5, kind: "enter-short", symbol: BINANCE },
    { bar: 5, kind: "enter-long", symbol: BYBIT },
  ]);
});
