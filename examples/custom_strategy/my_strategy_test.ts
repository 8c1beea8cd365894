// Tests of the example strategy with the test kit: `deno test -A examples/custom_strategy/`.
// The test kit is its own import, "@tesser/tesser/testing".

import assert from "node:assert/strict";
import {
  assertNoLookahead,
  assertPosition,
  assertSignals,
  assertSnapshotRestore,
  candlesFromArrays,
  runStrategy,
} from "@tesser/tesser/testing";
import type { Strategy } from "@tesser/tesser/strategies";
import { strategy } from "./my_strategy.ts";

const SYMBOL = "bybit:BTCUSDT";
// Flat at 100, a 2% rise over bars 4-5, a plateau, then a drop below the price of 3 bars ago.
const CLOSES = [100, 100, 100, 100, 101, 102, 102, 102, 101, 100, 99, 99];

function momentum(): Strategy {
  return strategy.build({ symbol: SYMBOL, lookback: 3, threshold_pct: 1.5 });
}

Deno.test("MomentumBurst enters after a 1.5% rise over 3 bars and exits when the move turns negative", async () => {
  const result = await runStrategy(momentum(), {
    candles: candlesFromArrays({ symbol: SYMBOL, close: CLOSES }),
    quantity: 0.5,
  });
  // Bar 5: 102 vs 100 three bars earlier (+2%). Bar 8: 101 vs 102 (−1%).
  assertSignals(result.signals, [
    { bar: 5, kind: "enter-long", symbol: SYMBOL },
    { bar: 8, kind: "exit-long", symbol: SYMBOL },
  ]);
  assert.deepEqual(result.roundTrips.map((t) => `${t.entryPrice} → ${t.exitPrice}`), [
    "102 → 101",
  ]);
  assertPosition(result, SYMBOL, 0);
});

Deno.test("MomentumBurst does not look ahead and restores from a snapshot", async () => {
  const close = Array.from({ length: 200 }, (_, i) => 100 + 5 * Math.sin(i / 9) + (i % 7) * 0.1);
  const candles = candlesFromArrays({ symbol: SYMBOL, close });
  await assertNoLookahead(momentum, candles, { cuts: 5, seed: 1 });
  assertSnapshotRestore(momentum, candles, { at: [3, 50, 101, 199] });
});
