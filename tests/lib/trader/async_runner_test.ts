import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import {
  type Candle,
  decimal,
  fromIso,
  makeInstrument,
  MICROS_PER_MINUTE,
} from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/builtin.ts";
import type { CandleBacktestOptions } from "../../../lib/backtest/candle_backtest.ts";
import { runCandleBacktestAsync } from "./_async_runner.ts";

const SYMBOL = "bybit:BTCUSDT";
const BTC = makeInstrument({
  symbol: SYMBOL,
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  makerFee: "0.0002",
  takerFee: "0.0005",
});

/** A seeded random walk of 1m candles: enough crosses for a few dozen round trips. */
function walk(bars: number, seed: number): Candle[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const start = fromIso("2024-03-01T00:00:00Z");
  const candles: Candle[] = [];
  let close = 30_000;
  for (let i = 0; i < bars; i++) {
    const open = close;
    close = Math.round((open * (1 + (random() - 0.5) * 0.004)) * 10) / 10;
    candles.push({
      symbol: SYMBOL,
      interval: "1m",
      openTime: start + i * MICROS_PER_MINUTE,
      open,
      high: Math.max(open, close) + Math.round(random() * 100) / 10,
      low: Math.min(open, close) - Math.round(random() * 100) / 10,
      close,
      volume: 5 + Math.round(random() * 50),
    });
  }
  return candles;
}

function options(candles: readonly Candle[]): CandleBacktestOptions {
  const strategy = builtinStrategies.create("SmaCross", {
    symbol: SYMBOL,
    fast_period: 5,
    slow_period: 20,
    allow_short: true,
  });
  return {
    strategy,
    sources: [[candlesToBatch(candles)]],
    instruments: [BTC],
    initialBalances: { USDT: decimal("10000") },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    venue: { slippageBps: 1 },
  };
}

Deno.test("the asynchronous runner gives the same report as the sync runner for SmaCross", async () => {
  const candles = walk(3_000, 11);
  const sync = await runCandleBacktest(options(candles));
  for (const seed of [1, 2, 3]) {
    const run = await runCandleBacktestAsync(options(candles), seed);
    assert.ok(sync.report.trades > 20, `too few trades to compare: ${sync.report.trades}`);
    assert.equal(JSON.stringify(run.report), JSON.stringify(sync.report));
    assert.deepEqual(
      run.bundle.fills.map((f) => `${f.ts} ${f.fill.side} ${f.fill.quantity}@${f.fill.price}`),
      sync.bundle.fills.map((f) => `${f.ts} ${f.fill.side} ${f.fill.quantity}@${f.fill.price}`),
    );
    assert.deepEqual([
      ...(run.bundle.equity.full?.equity.subarray(0, run.bundle.equity.length) ?? []),
    ], [
      ...(sync.bundle.equity.full?.equity.subarray(0, sync.bundle.equity.length) ?? []),
    ]);
    // Every order (and cancel) went out through the port, each sent at a bar close.
    const submits = run.sent.filter((line) => line.startsWith("submit "));
    assert.equal(submits.length, sync.report.orders);
    assert.ok(run.sent.every((line) => /^(submit|cancel) at \d+$/.test(line)));
    assert.ok(run.sent.every((line) => Number(line.split(" at ")[1]) % MICROS_PER_MINUTE === 0));
  }
});
