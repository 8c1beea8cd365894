import assert from "node:assert/strict";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import {
  assertPosition,
  assertSignals,
  candlesFromArrays,
  runStrategy,
} from "../../../lib/testing/mod.ts";

const BTC = "bybit:BTCUSDT";
const ETH = "bybit:ETHUSDT";

// The second leg drifts; the first is twice it, times a small residual — except bars 40-42,
// where the first leg is 3%, 2%, 0.5% rich.
const N = 60;
const SECOND = Array.from(
  { length: N },
  (_, t) => 100 * Math.exp(0.02 * Math.sin(t / 2) + 0.002 * t),
);
const residual = (t: number): number =>
  t === 40 ? 0.03 : t === 41 ? 0.02 : t === 42 ? 0.005 : 0.001 * Math.sin(t * 1.7);
const FIRST = SECOND.map((x, t) => 2 * x * Math.exp(residual(t)));

function pairs(extra: Record<string, unknown> = {}) {
  return builtinStrategies.create("PairsTradingArbitrage", {
    symbols: [BTC, ETH],
    lookback: 20,
    entry_z: 2,
    exit_z: 0.5,
    notional: 1000,
    ...extra,
  });
}

Deno.test("PairsTradingArbitrage shorts the rich leg and buys the cheap one, dollar-neutral by β, and closes both when the spread reverts", async () => {
  const candles = [
    ...candlesFromArrays({ symbol: BTC, close: FIRST }),
    ...candlesFromArrays({ symbol: ETH, close: SECOND }),
  ];
  const result = await runStrategy(pairs(), { candles });
  const groupId = result.signals[0]?.signal.groupId;
  assert.ok(groupId !== undefined);
  assertSignals(result.signals, [
    { bar: 40, kind: "enter-short", symbol: BTC, groupId },
    { bar: 40, kind: "enter-long", symbol: ETH, groupId },
    { bar: 42, kind: "flatten", symbol: BTC, groupId },
    { bar: 42, kind: "flatten", symbol: ETH, groupId },
  ]);
  const [short, long] = result.signals.map((s) => s.signal);
  // First leg: notional / price; second: |β| · notional / price, with β ≈ 1.15 here.
  assert.ok(short?.quantity !== undefined && long?.quantity !== undefined);
  assert.ok(Math.abs(short.quantity * (FIRST[40] as number) - 1000) < 1e-6);
  const beta = (long.quantity * (SECOND[40] as number)) / 1000;
  assert.ok(beta > 1 && beta < 1.3, `beta ${beta}`);
  // Both legs filled at bar 41's open and closed at bar 43's open.
  assert.equal(result.roundTrips.length, 2);
  assert.deepEqual(result.roundTrips.map((t) => t.direction).sort(), ["long", "short"]);
  assertPosition(result, BTC, 0);
  assertPosition(result, ETH, 0);
});

Deno.test("PairsTradingArbitrage acts once per timestamp, after both legs' bars are in", () => {
  // Only the first leg's data: no pair is ever complete, so no signal.
  const strategy = pairs();
  for (const candle of candlesFromArrays({ symbol: BTC, close: FIRST })) {
    strategy.onCandle?.(candle, {
      now: 0,
      position: () => 0,
      openOrders: () => [],
      instrument: () => undefined,
      signal: () => assert.fail("signalled on one leg"),
      setTimer: () => {},
      submitOrder: () => undefined,
      cancelOrder: () => {},
      amendOrder: () => {},
      pushFeatures: () => {},
    });
  }
});

Deno.test("PairsTradingArbitrage rejects one symbol, a repeated symbol and entry_z <= exit_z", () => {
  assert.throws(() => pairs({ symbols: [BTC] }), {
    name: "ConfigError",
    message: /parameter symbols needs exactly two symbols, got 1/,
  });
  assert.throws(() => pairs({ symbols: [BTC, BTC] }), {
    name: "ConfigError",
    message: /lists bybit:BTCUSDT twice/,
  });
  assert.throws(() => pairs({ entry_z: 0.5, exit_z: 0.5 }), {
    name: "ConfigError",
    message: /parameter exit_z must be below entry_z/,
  });
  assert.throws(() => pairs({ symbols: [BTC, "ETHUSDT"] }), {
    name: "ConfigError",
    message: /expected "venue:CODE"/,
  });
});
