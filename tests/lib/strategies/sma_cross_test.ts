import assert from "node:assert/strict";
import { batchToCandles, generateCandles } from "../../../lib/data/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { assertSnapshotRestore, collectSignals } from "../../../lib/testing/mod.ts";

const BTC = "bybit:BTCUSDT";
// Short periods cross often, so a fast SMA rebuilt from closes in the wrong order (the
// history is a ring once full) changes a signal right after the cut.
const params = { symbol: BTC, fast_period: 2, slow_period: 3, allow_short: true };
const factory = () => builtinStrategies.create("SmaCross", params);
const candles = [...generateCandles({ rows: 90, seed: 21, symbol: BTC, tick: 0.0001 })].flatMap(
  batchToCandles,
);

Deno.test("SmaCross restored at any bar, the ring at any offset, continues with the same signals", () => {
  assert.ok(collectSignals(factory(), candles).length >= 10);
  assertSnapshotRestore(factory, candles, { at: candles.map((_, i) => i) });
});

Deno.test("SmaCross keeps only the last slow_period closes in its state", () => {
  const strategy = factory();
  collectSignals(strategy, candles.slice(0, 7));
  const state = strategy.snapshot() as { history: number[]; bars: number };
  assert.equal(state.bars, 7);
  // A ring: bar k (from 0) went to slot k % 3, so bar 6 overwrote bar 3 in slot 0.
  assert.deepEqual(state.history, [candles[6].close, candles[4].close, candles[5].close]);
});
