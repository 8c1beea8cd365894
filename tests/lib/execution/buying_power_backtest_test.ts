// Issue 11 item 3 end to end: working orders reserve buying power in a candle backtest.
import assert from "node:assert/strict";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import {
  type Candle,
  fromIso,
  type Instrument,
  makeInstrument,
  MICROS_PER_MINUTE,
} from "../../../lib/domain/mod.ts";
import { runCandleBacktest } from "../../../lib/backtest/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";

const START = fromIso("2024-01-01T00:00:00Z");
const SPOT = makeInstrument({
  symbol: "binance:BTCUSDT",
  kind: "spot",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.001",
  takerFee: "0.001",
});
const PERP = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  takerFee: "0.0005",
});

function flat(symbol: string, prices: readonly number[]): Candle[] {
  return prices.map((price, i) => ({
    symbol,
    interval: "1m",
    openTime: START + i * MICROS_PER_MINUTE,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 1_000_000,
  }));
}

/** Sends two market buys of `quantity` at the first bar's close. */
function twoBuys(symbol: string, quantity: number): Strategy & { readonly ids: unknown[] } {
  const ids: unknown[] = [];
  let done = false;
  return {
    name: "TwoBuys",
    subscriptions: [{ kind: "candles", symbol, interval: "1m" }],
    ids,
    onCandle(_candle: Candle, ctx: StrategyContext) {
      if (done) return;
      done = true;
      for (let i = 0; i < 2; i++) {
        ids.push(ctx.submitOrder({ symbol, side: "buy", type: "market", quantity }));
      }
    },
    snapshot: () => null,
    restore: () => {},
  };
}

function run(instrument: Instrument, strategy: Strategy, prices: number[], leverage = 1) {
  return runCandleBacktest({
    strategy,
    instruments: [instrument],
    sources: [[candlesToBatch(flat(instrument.symbol, prices))]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    leverage,
  });
}

Deno.test("spot: two market buys of 60 at 100 with 10,000 USDT do not both fill (the balance stays positive)", async () => {
  const strategy = twoBuys(SPOT.symbol, 60);
  const { report, bundle } = await run(SPOT, strategy, [100, 100, 100]);
  // The second buy would need 6,006 USDT on top of the 6,006 the first reserves.
  assert.equal(strategy.ids[1], undefined);
  assert.equal(bundle.fills.length, 1);
  assert.deepEqual(report.rejections, { "insufficient-balance": 1 });
  assert.ok(Number(report.finalEquity) > 9_990, report.finalEquity);
});

Deno.test("linear perp at 10×: a second large buy does not fit once the first reserves its margin", async () => {
  // 900 at 100 is 90,000 of notional: 9,000 of margin and 45 of fee on 10,000.
  const strategy = twoBuys(PERP.symbol, 900);
  const { report, bundle } = await run(PERP, strategy, [100, 100, 95, 95], 10);
  assert.equal(bundle.fills.length, 1);
  assert.deepEqual(report.rejections, { "insufficient-margin": 1 });
  // One position of 900 loses 4,500 on the move to 95; two would have lost 9,000 (−8,000 on paper).
  assert.ok(Number(report.finalEquity) > 5_000, report.finalEquity);
});

Deno.test("the buying-power check prices market orders with the configured slippage", async () => {
  // 99 at 100 costs 9,900 + 9.9 fee: fits at 0 slippage, not at 100 bps (9,999 + 10 fee).
  const fits = await run(SPOT, twoBuys(SPOT.symbol, 99), [100, 100, 100]);
  assert.equal(fits.report.rejections["insufficient-balance"], 1);
  assert.equal(fits.bundle.fills.length, 1);
  const slipped = await runCandleBacktest({
    strategy: twoBuys(SPOT.symbol, 99),
    instruments: [SPOT],
    sources: [[candlesToBatch(flat(SPOT.symbol, [100, 100, 100]))]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    venue: { slippageBps: 100 },
  });
  assert.equal(slipped.bundle.fills.length, 0);
  assert.equal(slipped.report.rejections["insufficient-balance"], 2);
});
