// Regression tests for the review of the candle backtester's money path: each case was a
// proven bug (liquidation order along the bar, initial equity, inverse turnover, double
// counted rejections, unprotected partial entries).
import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import {
  type Candle,
  fromIso,
  type Instrument,
  makeInstrument,
  MICROS_PER_MINUTE,
  type Signal,
} from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";

const START = fromIso("2024-01-01T00:00:00Z");
type Ohlc = readonly [number, number, number, number, number?];

function bars(symbol: string, rows: readonly Ohlc[]): Candle[] {
  return rows.map(([open, high, low, close, volume], i) => ({
    symbol,
    interval: "1m",
    openTime: START + i * MICROS_PER_MINUTE,
    open,
    high,
    low,
    close,
    volume: volume ?? 1000,
  }));
}

type Script = Readonly<Record<number, Partial<Signal> & { readonly kind: Signal["kind"] }>>;

function scripted(symbol: string, script: Script, symbols: readonly string[] = [symbol]): Strategy {
  let bar = 0;
  return {
    name: "Scripted",
    subscriptions: symbols.map((s) => ({
      kind: "candles" as const,
      symbol: s,
      interval: "1m" as const,
    })),
    onCandle(candle: Candle, ctx: StrategyContext) {
      if (candle.symbol !== symbol) return;
      const step = script[bar++];
      if (step !== undefined) ctx.signal({ symbol, confidence: 1, ...step });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

const LINEAR = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});
const INVERSE = makeInstrument({
  symbol: "bitmex:XBTUSD",
  kind: "inverse",
  base: "BTC",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
});

function run(
  instrument: Instrument,
  rows: readonly Ohlc[],
  script: Script,
  extra: Partial<Parameters<typeof runCandleBacktest>[0]> = {},
) {
  return runCandleBacktest({
    strategy: scripted(instrument.symbol, script),
    instruments: [instrument],
    sources: [[candlesToBatch(bars(instrument.symbol, rows))]],
    initialBalances: { USDT: 1000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    ...extra,
  });
}

Deno.test("a stop beyond the liquidation price does not save an isolated position", async () => {
  // Long 1 @100 at 10×: liquidation at 100 × (1 − 0.1 + 0.005) = 90.5; the stop at 85 is beyond.
  // The venue takes the position at its bankruptcy price 100 × (1 − 0.1) = 90: the whole margin.
  const flat: Ohlc = [100, 100, 100, 100];
  const { report, bundle } = await run(
    LINEAR,
    [flat, flat, flat, [100, 100, 80, 82], [82, 82, 82, 82]],
    { 0: { kind: "enter-long", stopLoss: 85 } },
    { leverage: 10 },
  );
  const fills = bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`);
  assert.deepEqual(fills, ["buy 1@100", "sell 1@90"]);
  assert.equal(report.liquidations, 1);
  assert.equal(report.finalEquity, "990");
});

Deno.test("a move before an entry inside the bar cannot liquidate the new position", async () => {
  // Adaptive path 100 → 90 → 115 → 112 (open nearer the low): the buy stop at 110 fills on the
  // way up, after the low; its liquidation price (110 × 0.905 = 99.55) is never reached later.
  const { report } = await run(
    LINEAR,
    [[100, 100, 100, 100], [100, 115, 90, 112], [112, 112, 112, 112]],
    { 0: { kind: "enter-long", hint: undefined } },
    {
      leverage: 10,
      venue: { intrabar: "adaptive" },
      strategy: {
        ...scripted(LINEAR.symbol, {}),
        onCandle(_candle: Candle, ctx: StrategyContext) {
          if (ctx.openOrders().length === 0 && ctx.position(LINEAR.symbol) === 0) {
            ctx.submitOrder({
              symbol: LINEAR.symbol,
              side: "buy",
              type: "stop-market",
              quantity: 1,
              triggerPrice: 110,
            });
          }
        },
      },
    },
  );
  assert.equal(report.liquidations, 0);
  assert.equal(report.finalEquity, "1002");
});

Deno.test("initial equity is the account at the first bar's open, in the reporting currency", async () => {
  const { report } = await run(
    INVERSE,
    [[40_000, 50_000, 40_000, 50_000], [50_000, 50_000, 50_000, 50_000]],
    {},
    {
      initialBalances: { BTC: 1 },
      reportingCurrency: "USD",
    },
  );
  assert.equal(report.initialEquity, "40000");
  assert.equal(report.totalReturn, 0.25);
});

Deno.test("turnover of an inverse contract is its notional in the reporting currency", async () => {
  const flat: Ohlc = [50_000, 50_000, 50_000, 50_000];
  const { report } = await run(INVERSE, [flat, flat, flat], { 0: { kind: "enter-long" } }, {
    initialBalances: { BTC: 1 },
    reportingCurrency: "USD",
    sizer: fixedQuantity(100),
  });
  // 100 one-dollar contracts traded against 50,000 USD of equity.
  assert.equal(report.turnover, 0.002);
});

Deno.test("a venue rejection is counted once", async () => {
  const flat: Ohlc = [100, 100, 100, 100];
  const { report } = await run(LINEAR, [flat, flat, flat], {
    0: { kind: "enter-long", hint: { kind: "limit", price: 200, postOnly: true } },
  });
  assert.equal(report.rejectedOrders, 1);
  assert.deepEqual(report.rejections, { venue: 1 });
});

Deno.test("an entry cut by the volume cap still gets its stop-loss", async () => {
  const { bundle, report } = await run(
    LINEAR,
    [[100, 100, 100, 100, 10], [100, 100, 100, 100, 10], [100, 100, 50, 60, 10], [
      60,
      60,
      60,
      60,
      10,
    ]],
    { 0: { kind: "enter-long", stopLoss: 95 } },
    { sizer: fixedQuantity(2), venue: { maxVolumeParticipation: 0.1 } },
  );
  assert.deepEqual(bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`), [
    "buy 1@100",
    "sell 1@95",
  ]);
  assert.equal(report.finalEquity, "995");
});

Deno.test("an account that cannot be valued is a DataError naming the missing price", async () => {
  const ETH = makeInstrument({
    symbol: "bitmex:ETHUSD",
    kind: "inverse",
    base: "ETH",
    quote: "USD",
    tickSize: "0.05",
    lotSize: "1",
  });
  const flat: Ohlc = [2000, 2000, 2000, 2000];
  await assert.rejects(
    runCandleBacktest({
      strategy: scripted(ETH.symbol, {}, [ETH.symbol, INVERSE.symbol]),
      instruments: [INVERSE, ETH],
      // BTC's data starts a bar later than ETH's: the BTC balance has no price at the start.
      sources: [[candlesToBatch(bars(ETH.symbol, [flat, flat]))], [
        candlesToBatch(
          bars(INVERSE.symbol, [[40_000, 40_000, 40_000, 40_000]]).map((c) => ({
            ...c,
            openTime: c.openTime + MICROS_PER_MINUTE,
          })),
        ),
      ]],
      initialBalances: { BTC: 1 },
      reportingCurrency: "USD",
      sizer: fixedQuantity(1),
    }),
    { name: "DataError", message: /cannot value the account: .*BTC/ },
  );
});

Deno.test("trade statistics are in the reporting currency, not the settle currency", async () => {
  // Long 100 one-dollar XBTUSD contracts at 40,000, out at 50,000:
  // 100 × (1/40,000 − 1/50,000) = 0.0005 BTC = 25 USD at the exit.
  const { report } = await run(
    INVERSE,
    [[40_000, 40_000, 40_000, 40_000], [40_000, 40_000, 40_000, 40_000], [
      50_000,
      50_000,
      50_000,
      50_000,
    ], [
      50_000,
      50_000,
      50_000,
      50_000,
    ]],
    { 0: { kind: "enter-long" }, 1: { kind: "exit-long" } },
    { initialBalances: { BTC: 1 }, reportingCurrency: "USD", sizer: fixedQuantity(100) },
  );
  assert.equal(report.trades, 1);
  assert.equal(report.expectancy, 25);
  assert.equal(report.avgWin, 25);
});

Deno.test("kill switch: a working buy whose cancel is in flight does not let a short entry through", async () => {
  // Long 1 at 100, plus a far limit buy at 10 (working: 2-bar latency). The fall to 60 trips the
  // 10% drawdown switch; the strategy then keeps asking to go short. Only the flattening sell
  // may fill; the run must end flat with the short entries refused.
  const symbol = "bybit:BTCUSDT";
  const instrument = makeInstrument({
    symbol,
    kind: "linear",
    base: "BTC",
    quote: "USDT",
    tickSize: "0.1",
    lotSize: "0.001",
  });
  const start = fromIso("2024-01-01T00:00:00Z");
  const prices = [100, 100, 100, 100, 60, 60, 60, 60, 60, 60];
  const candles: Candle[] = prices.map((close, i) => ({
    symbol,
    interval: "1m",
    openTime: start + i * MICROS_PER_MINUTE,
    open: i === 4 ? 100 : close,
    high: i === 4 ? 100 : close,
    low: close,
    close,
    volume: 1000,
  }));
  let bar = 0;
  const strategy: Strategy = {
    name: "KillSwitchProbe",
    subscriptions: [{ kind: "candles", symbol, interval: "1m" }],
    onCandle(_candle: Candle, ctx: StrategyContext) {
      const index = bar++;
      if (index === 0) ctx.signal({ symbol, kind: "enter-long", confidence: 1 });
      if (index === 1) {
        ctx.submitOrder({ symbol, side: "buy", type: "limit", quantity: 1, price: 10 });
      }
      if (index >= 5) ctx.signal({ symbol, kind: "enter-short", confidence: 1 });
    },
    snapshot: () => null,
    restore: () => {},
  };
  const { bundle, report } = await runCandleBacktest({
    strategy,
    instruments: [instrument],
    sources: [[candlesToBatch(candles)]],
    initialBalances: { USDT: 200 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    risk: { maxDrawdown: 0.1 },
    venue: { latency: { kind: "bars", bars: 2 } },
  });
  assert.deepEqual(
    bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`),
    ["buy 1@100", "sell 1@60"],
  );
  assert.ok((report.rejections["kill-switch"] ?? 0) > 0);
});
