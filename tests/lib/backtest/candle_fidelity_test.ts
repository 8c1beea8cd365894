// Issue 11: the hand-computed candle-mode cases (a linear perp with tick 0.1, taker 0.05 %,
// maker 0.02 %). Each failed before its fix; the comments carry the arithmetic.
import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import { type Candle, fromIso, MICROS_PER_MINUTE, type Signal } from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import type { IntrabarModel } from "../../../lib/venues/mod.ts";
import { ISSUE11_PERP } from "./_issue11_perp.ts";

const START = fromIso("2024-01-01T00:00:00Z");
type Ohlc = readonly [number, number, number, number];
const FLAT: Ohlc = [100, 100, 100, 100];

const PERP = ISSUE11_PERP;

function bars(rows: readonly Ohlc[]): Candle[] {
  return rows.map(([open, high, low, close], i) => ({
    symbol: PERP.symbol,
    interval: "1m",
    openTime: START + i * MICROS_PER_MINUTE,
    open,
    high,
    low,
    close,
    volume: 1000,
  }));
}

type Step = Partial<Signal> & { readonly kind: Signal["kind"] };

/** Signals on the given bar closes; or, with `limitBuy`, one resting limit buy at that price. */
function strategy(script: Readonly<Record<number, Step>>, limitBuy?: number): Strategy {
  let bar = 0;
  return {
    name: "Scripted",
    subscriptions: [{ kind: "candles", symbol: PERP.symbol, interval: "1m" }],
    onCandle(_candle: Candle, ctx: StrategyContext) {
      const step = script[bar];
      if (step !== undefined) ctx.signal({ symbol: PERP.symbol, confidence: 1, ...step });
      if (limitBuy !== undefined && bar === 0) {
        ctx.submitOrder({
          symbol: PERP.symbol,
          side: "buy",
          type: "limit",
          quantity: 1,
          price: limitBuy,
        });
      }
      bar++;
    },
    snapshot: () => null,
    restore: () => {},
  };
}

async function run(
  rows: readonly Ohlc[],
  script: Readonly<Record<number, Step>>,
  options: { leverage?: number; intrabar?: IntrabarModel; limitBuy?: number } = {},
) {
  const { report, bundle } = await runCandleBacktest({
    strategy: strategy(script, options.limitBuy),
    instruments: [PERP],
    sources: [[candlesToBatch(bars(rows))]],
    initialBalances: { USDT: 1000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    leverage: options.leverage ?? 1,
    venue: options.intrabar === undefined ? {} : { intrabar: options.intrabar },
  });
  const fills = bundle.fills.map(({ fill }) =>
    `${fill.side} ${fill.quantity}@${fill.price} ${fill.liquidity}`
  );
  return { report, fills };
}

for (const intrabar of ["pessimistic", "ohlc", "adaptive"] as const) {
  Deno.test(`item 1 (${intrabar}): a stop between entry and liquidation price fills before it`, async () => {
    // Long 1 @100 at 10× (liquidation 100 × 0.905 = 90.5), sell stop 95; bar O99 H100 L85:
    // every path from 99 down to 85 passes 95 before 90.5, so the stop fills at 95.
    const { report, fills } = await run(
      [FLAT, FLAT, [99, 100, 85, 86], [86, 86, 86, 86]],
      { 0: { kind: "enter-long", stopLoss: 95 } },
      { leverage: 10, intrabar },
    );
    assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@95 taker"]);
    assert.equal(report.liquidations, 0);
    // 1000 − 5 − fees 0.05 and 0.0475.
    assert.equal(report.finalEquity, "994.9025");
  });
}

Deno.test("item 2: pessimistic liquidates a position that a bar fills and then certainly crosses", async () => {
  // A resting limit buy at 99 fills inside O100 H110 L85 C100 at 10×; on either path the low 85
  // comes after the fill, below the liquidation price 99 × 0.905 = 89.595. The venue closes at
  // the bankruptcy price 99 × 0.9 = 89.1: the whole margin 9.9 plus fees is gone.
  const { report, fills } = await run(
    [FLAT, [100, 110, 85, 100], FLAT],
    {},
    { leverage: 10, limitBuy: 99 },
  );
  assert.deepEqual(fills, ["buy 1@99 maker", "sell 1@89.1 taker"]);
  assert.equal(report.liquidations, 1);
  // 1000 − 9.9 − maker 0.0198 − taker 0.04455.
  assert.equal(report.finalEquity, "990.03565");
});

Deno.test("item 5: a bracket attached at the entry's fill is live during the entry's bar", async () => {
  // Entry at the open of O100 H100 L90 C92 with a stop-loss at 95: the stop fills at 95 in the
  // same bar, not at the next bar's open 92.
  const { fills } = await run(
    [FLAT, [100, 100, 90, 92], [92, 92, 92, 92]],
    { 0: { kind: "enter-long", stopLoss: 95 } },
  );
  assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@95 taker"]);
});

Deno.test("item 5: a take-profit the next bar opens through fills at the open as maker", async () => {
  // The bracket rests from the entry's fill on, so the bar opening at 106 above the take-profit
  // 105 fills it at 106, maker (it was in the book), not as a marketable arrival.
  const { fills, report } = await run(
    [FLAT, [100, 101, 99, 100], [106, 107, 105.5, 106], [106, 106, 106, 106]],
    { 0: { kind: "enter-long", stopLoss: 90, takeProfit: 105 } },
  );
  assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@106 maker"]);
  assert.equal(report.ambiguousBars, 0);
});

for (const intrabar of ["pessimistic", "ohlc", "adaptive"] as const) {
  Deno.test(`item 6 (${intrabar}): a bar opening through the take-profit fills it first, not ambiguous`, async () => {
    // OCO stop 95 / take-profit 105; the next bar O106 H107 L94 opens through the take-profit:
    // on every path it fills first, at the open 106 (maker); the stop is canceled.
    const { fills, report } = await run(
      [FLAT, [100, 101, 99, 100], [106, 107, 94, 100], FLAT],
      { 0: { kind: "enter-long", stopLoss: 95, takeProfit: 105 } },
      { intrabar },
    );
    assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@106 maker"]);
    assert.equal(report.ambiguousBars, 0);
  });
}

Deno.test("liquidation on a gap closes at the open, like a stop", async () => {
  // Long 1 @100 at 10×: liquidation 90.5, bankruptcy 90; the next bar opens at 80.
  const { fills, report } = await run(
    [FLAT, FLAT, [80, 81, 79, 80], [80, 80, 80, 80]],
    { 0: { kind: "enter-long" } },
    { leverage: 10 },
  );
  assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@80 taker"]);
  assert.equal(report.liquidations, 1);
});

Deno.test("liquidation between the liquidation and the bankruptcy price closes at bankruptcy", async () => {
  // The bar opens at 90.3, beyond the liquidation price 90.5 but above the bankruptcy price 90:
  // the venue still takes the position at 90 (the whole margin of 10).
  const { fills } = await run(
    [FLAT, FLAT, [90.3, 91, 90.2, 90.5], [90.5, 90.5, 90.5, 90.5]],
    { 0: { kind: "enter-long" } },
    { leverage: 10 },
  );
  assert.deepEqual(fills, ["buy 1@100 taker", "sell 1@90 taker"]);
});

Deno.test("an exit cut by the volume cap completes over the following bars", async () => {
  // Volume cap 10 %: the entry of 10 fits the first bar (volume 100 → 10); the exit bars have
  // volume 40 → 4 per bar, so the exit fills 4, 4 and 2 at three opens and the run ends flat
  // (before: 4 filled, the IOC rest expired and 6 stayed open).
  const rows = [
    [100, 100, 100, 100, 100],
    [100, 100, 100, 100, 100],
    [
      101,
      101,
      101,
      101,
      40,
    ],
    [102, 102, 102, 102, 40],
    [103, 103, 103, 103, 40],
    [104, 104, 104, 104, 40],
  ] as const;
  const candles: Candle[] = rows.map(([open, high, low, close, volume], i) => ({
    symbol: PERP.symbol,
    interval: "1m",
    openTime: START + i * MICROS_PER_MINUTE,
    open,
    high,
    low,
    close,
    volume,
  }));
  const { bundle, report } = await runCandleBacktest({
    strategy: strategy({ 0: { kind: "enter-long" }, 1: { kind: "exit-long" } }),
    instruments: [PERP],
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(10),
    venue: { maxVolumeParticipation: 0.1 },
  });
  assert.deepEqual(bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`), [
    "buy 10@100",
    "sell 4@101",
    "sell 4@102",
    "sell 2@103",
  ]);
  assert.equal(report.trades, 1);
  const exit = bundle.orders.find((o) => o.request.side === "sell");
  assert.equal(exit?.status, "filled");
  assert.equal(exit?.request.timeInForce, "gtc");
});
