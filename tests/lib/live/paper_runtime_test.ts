/**
 * The paper runtime: SmaCross on the seeded random walk with the simulated candle venue, on a
 * manual clock. Its fills must be exactly those a candle backtest gives on the bars the live
 * loop built, since paper execution is the backtest's venue fed by live data.
 */

import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { driveUntil, instruments, paperRuntime, SMA_PARAMS } from "./_paper.ts";

Deno.test("paper runtime: fills equal a candle backtest over the bars the live loop built", async () => {
  // One trade every 2 s for 60 minutes of market.
  const { runtime, clock, candles } = await paperRuntime({ maxEvents: 1_800 });
  const summary = await driveUntil(clock, runtime.run(), 2_000);
  assert.equal(summary.ended, "bound");
  assert.equal(summary.feed.trades, 1_800);
  // 60 closed bars, one per minute, in order (the 61st, still open at the bound, is not
  // delivered).
  assert.equal(candles.length, 60);
  assert.ok(candles.every((c, i) => i === 0 || c.openTime === candles[i - 1].openTime + 60e6));
  const live = runtime.session.fills.map(({ fill }) => ({
    side: fill.side,
    price: fill.price.toString(),
    quantity: fill.quantity.toString(),
    fee: fill.fee.toString(),
  }));
  assert.ok(live.length >= 2, `the walk should make SmaCross trade (fills: ${live.length})`);
  const backtest = await runCandleBacktest({
    strategy: builtinStrategies.create("SmaCross", SMA_PARAMS),
    instruments: await instruments(),
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    risk: {},
  });
  const replayed = backtest.bundle.fills.map(({ fill }) => ({
    side: fill.side,
    price: fill.price.toString(),
    quantity: fill.quantity.toString(),
    fee: fill.fee.toString(),
  }));
  assert.deepEqual(live, replayed);
  assert.equal(summary.fills, live.length);
});
