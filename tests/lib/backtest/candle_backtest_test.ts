import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/candle_backtest.ts";
import { candlesToBatch } from "../../../lib/data/mod.ts";
import {
  type Candle,
  ConfigError,
  DataError,
  fromIso,
  type Interval,
  makeInstrument,
  MICROS_PER_MINUTE,
  type Signal,
} from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type {
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "../../../lib/strategies/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const START = fromIso("2024-01-01T00:00:00Z");
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

/** 1m candles with the given closes; open = previous close, high/low ±5 around them. */
function candles(closes: readonly number[], symbol = SYMBOL, interval: Interval = "1m"): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1];
    return {
      symbol,
      interval,
      openTime: START + i * MICROS_PER_MINUTE * (interval === "1m" ? 1 : 5),
      open,
      high: Math.max(open, close) + 5,
      low: Math.min(open, close) - 5,
      close,
      volume: 10,
    };
  });
}

interface Seen {
  readonly bar: number;
  readonly interval: Interval;
  readonly close: number;
  readonly position: number;
  readonly now: number;
}

/** A strategy that emits the scripted signals at the given bar numbers and records what it saw. */
function scripted(
  script: Readonly<Record<number, Signal["kind"]>>,
  subscriptions: readonly StrategySubscription[] = [{
    kind: "candles",
    symbol: SYMBOL,
    interval: "1m",
  }],
): Strategy & { readonly seen: Seen[] } {
  const seen: Seen[] = [];
  let bar = 0;
  return {
    name: "Scripted",
    subscriptions,
    seen,
    onCandle(candle: Candle, ctx: StrategyContext) {
      seen.push({
        bar,
        interval: candle.interval,
        close: candle.close,
        position: ctx.position(SYMBOL),
        now: ctx.now,
      });
      const kind = script[bar++];
      if (kind !== undefined) ctx.signal({ symbol: SYMBOL, kind, confidence: 1 });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

function run(
  strategy: Strategy,
  data: readonly Candle[],
  extra: Partial<Parameters<typeof runCandleBacktest>[0]> = {},
) {
  return runCandleBacktest({
    strategy,
    instruments: [BTC],
    sources: [[candlesToBatch(data)]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.1),
    ...extra,
  });
}

Deno.test("runCandleBacktest fills a market entry at the next bar's open with the taker fee", async () => {
  const strategy = scripted({ 1: "enter-long", 3: "exit-long" });
  const { bundle, report } = await run(strategy, candles([100, 101, 102, 104, 103, 103]));
  const fills = bundle.fills.map((
    { ts, fill },
  ) => [ts, fill.side, fill.price.toString(), fill.fee.toString(), fill.liquidity]);
  assert.deepEqual(fills, [
    // Signal at the close of bar 1 → filled at bar 2's open (= 101), stamped at that open.
    [START + 2 * MICROS_PER_MINUTE, "buy", "101", "0.00505", "taker"],
    [START + 4 * MICROS_PER_MINUTE, "sell", "104", "0.0052", "taker"],
  ]);
  assert.equal(report.trades, 1);
  assert.equal(report.fees, "0.01025");
  // (104 − 101) × 0.1 − fees
  assert.equal(report.finalEquity, "10000.28975");
  assert.equal(report.bars, 6);
});

Deno.test("runCandleBacktest shows the strategy its position after fills of the bar it closes", async () => {
  const strategy = scripted({ 0: "enter-long" });
  await run(strategy, candles([100, 101, 102]));
  assert.deepEqual(strategy.seen.map((s) => s.position), [0, 0.1, 0.1]);
  // The strategy sees each bar at its close time.
  assert.deepEqual(
    strategy.seen.map((s) => s.now - START),
    [1, 2, 3].map((m) => m * MICROS_PER_MINUTE),
  );
});

Deno.test("runCandleBacktest with latency-bars 2 fills two bars after the signal", async () => {
  const strategy = scripted({ 0: "enter-long" });
  const { bundle } = await run(strategy, candles([100, 101, 102, 103]), {
    venue: { latency: { kind: "bars", bars: 2 } },
  });
  assert.equal(bundle.fills[0].ts, START + 2 * MICROS_PER_MINUTE);
  assert.equal(bundle.fills[0].fill.price.toString(), "101");
});

Deno.test("runCandleBacktest marks equity at every bar close from exact state", async () => {
  const strategy = scripted({ 0: "enter-long" });
  const { bundle } = await run(strategy, candles([100, 100, 110, 90]));
  const equity = Array.from(bundle.equity.full?.equity.subarray(0, bundle.equity.length) ?? []);
  // Long 0.1 from 100 (bar 1 open); fee 0.005 paid at the fill.
  assert.deepEqual(equity.map((e) => Math.round(e * 1e6) / 1e6), [
    10_000,
    9_999.995,
    10_000.995,
    9_998.995,
  ]);
});

Deno.test("runCandleBacktest aggregates 1m data into the strategy's 5m bars, delivered at their close", async () => {
  const strategy = scripted({}, [{ kind: "candles", symbol: SYMBOL, interval: "5m" }]);
  await run(strategy, candles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((x) => 100 + x)));
  assert.deepEqual(strategy.seen.map((s) => [s.interval, s.close, s.now - START]), [
    ["5m", 105, 5 * MICROS_PER_MINUTE],
    ["5m", 110, 10 * MICROS_PER_MINUTE],
  ]);
});

Deno.test("runCandleBacktest kill switch alerts, flattens and refuses new entries", async () => {
  const strategy = scripted({ 0: "enter-long", 4: "enter-long" });
  // 90 at 100 on 10,000 at 1×: 100 would not fit with its taker fee (buying power).
  const { bundle, report } = await run(strategy, candles([100, 100, 50, 50, 50, 50, 50]), {
    sizer: fixedQuantity(90),
    risk: { maxDrawdown: 0.2 },
  });
  const sides = bundle.fills.map(({ fill }) => fill.side);
  assert.deepEqual(sides, ["buy", "sell"]);
  assert.deepEqual(report.rejections, { "kill-switch": 1 });
  assert.equal(report.rejectedOrders, 1);
});

Deno.test("runCandleBacktest liquidates an isolated position at its liquidation price", async () => {
  const strategy = scripted({ 0: "enter-long" });
  const { report, bundle } = await run(strategy, candles([100, 100, 80, 80]), {
    sizer: fixedQuantity(500),
    leverage: 10,
  });
  assert.equal(report.liquidations, 1);
  const last = bundle.fills[bundle.fills.length - 1].fill;
  assert.equal(last.side, "sell");
  assert.ok(last.price.lt(100) && last.price.gt(80), `liquidated at ${last.price}`);
});

Deno.test("runCandleBacktest rejects bad data with clear errors", async () => {
  await assert.rejects(run(scripted({}), candles([1]), { from: START + MICROS_PER_MINUTE }), {
    name: "DataError",
    message: /no candles to backtest \(hint: check --data, --from and --to\)/,
  });
  await assert.rejects(
    run(scripted({}), candles([1, 2], "bybit:ETHUSDT")),
    (error: unknown) =>
      error instanceof DataError &&
      /holds bybit:ETHUSDT, which the strategy does not trade/.test(error.message),
  );
  const unordered = candles([1, 2, 3]);
  await assert.rejects(
    run(scripted({}), [unordered[1], unordered[0]]),
    /candles are not in time order: the bybit:BTCUSDT bar opening 2024-01-01T00:00:00Z comes after a bar closing 2024-01-01T00:02:00Z/,
  );
  await assert.rejects(
    run(scripted({}), [unordered[0], unordered[1], unordered[1]]),
    /the data holds two bybit:BTCUSDT bars opening 2024-01-01T00:01:00Z \(hint: drop duplicate rows/,
  );
  await assert.rejects(
    runCandleBacktest({
      strategy: scripted({}, [{ kind: "candles", symbol: "bybit:SOLUSDT", interval: "1m" }]),
      instruments: [BTC],
      sources: [],
      initialBalances: { USDT: 1 },
      reportingCurrency: "USDT",
      sizer: fixedQuantity(1),
    }),
    (error: unknown) =>
      error instanceof ConfigError && /no instrument for bybit:SOLUSDT/.test(error.message) &&
      /known: bybit:BTCUSDT/.test(error.message),
  );
});

Deno.test("runCandleBacktest delivers reference series that have no instrument and never marks them", async () => {
  const strategy = scripted({ 1: "enter-long" }, [
    { kind: "candles", symbol: SYMBOL, interval: "1m" },
    { kind: "candles", symbol: "deribit:DVOL", interval: "1m", reference: true },
  ]);
  const seenReference: number[] = [];
  const onCandle = strategy.onCandle?.bind(strategy);
  const wrapped = {
    ...strategy,
    onCandle(candle: Candle, ctx: StrategyContext) {
      if (candle.symbol === "deribit:DVOL") seenReference.push(candle.close);
      else onCandle?.(candle, ctx);
    },
  };
  const { report } = await runCandleBacktest({
    strategy: wrapped,
    instruments: [BTC],
    sources: [[candlesToBatch(candles([100, 101, 102, 103]))], [
      candlesToBatch(candles([50, 51, 52, 53], "deribit:DVOL")),
    ]],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.1),
  });
  assert.deepEqual(seenReference, [50, 51, 52, 53]);
  assert.equal(report.fills, 1);
  assert.deepEqual(report.symbols, ["bybit:BTCUSDT", "deribit:DVOL"]);
});

Deno.test("runCandleBacktest books funding at its time on the open position (longs pay positive rates)", async () => {
  const strategy = scripted({ 0: "enter-long" });
  const funding = (minute: number, rate: number, markPrice?: number) => ({
    kind: "funding" as const,
    ts: START + minute * MICROS_PER_MINUTE,
    tsRecv: START + minute * MICROS_PER_MINUTE,
    funding: markPrice === undefined
      ? { symbol: SYMBOL, rate }
      : { symbol: SYMBOL, rate, markPrice },
  });
  const { report } = await run(strategy, candles([100, 100, 110, 120, 130]), {
    funding: [
      funding(0, 0.5), // before any position: nothing to pay
      funding(2, 0.001), // long 0.1 at the close of bar 1 (100): pays 0.1 × 100 × 0.001 = 0.01
      funding(3, -0.002, 200), // receives 0.1 × 200 × 0.002 = 0.04 (mark price given)
      { ...funding(4, 0.001), funding: { symbol: "bybit:ETHUSDT", rate: 0.001 } }, // not traded
      funding(5, 0.1), // at the end of the data: outside the run
    ],
  });
  assert.equal(report.funding, "-0.03");
});

Deno.test("runCandleBacktest does not deliver a partial first coarse bar when data starts inside it", async () => {
  const strategy = scripted({}, [{ kind: "candles", symbol: SYMBOL, interval: "5m" }]);
  // Data from 00:03: the 00:00–00:05 bar would hold two minutes only.
  const late = candles([1, 2, 3, 4, 5, 6, 7].map((x) => 100 + x)).map((c) => ({
    ...c,
    openTime: c.openTime + 3 * MICROS_PER_MINUTE,
  }));
  await run(strategy, late);
  assert.deepEqual(strategy.seen.map((s) => [s.close, s.now - START]), [[
    107,
    10 * MICROS_PER_MINUTE,
  ]]);
});

Deno.test("runCandleBacktest refuses a subscription finer than the data, naming both intervals", async () => {
  const strategy = scripted({}, [{ kind: "candles", symbol: SYMBOL, interval: "1m" }]);
  await assert.rejects(run(strategy, candles([1, 2, 3], SYMBOL, "5m")), {
    name: "ConfigError",
    message: /strategy Scripted wants 1m bars of bybit:BTCUSDT, but the data is 5m/,
  });
});

Deno.test("a strategy that keeps no candles reads one candle refilled per bar; the others get a fresh one each", async () => {
  const data = candles([100, 101, 102, 104, 103, 103]);
  const watching = (keepsCandles: boolean | undefined) => {
    const objects = new Set<Candle>();
    const read: [number, number, number, number, number][] = [];
    const strategy: Strategy = {
      name: "Watching",
      subscriptions: [{ kind: "candles", symbol: SYMBOL, interval: "1m" }],
      ...(keepsCandles === undefined ? {} : { keepsCandles }),
      onCandle(candle: Candle) {
        objects.add(candle);
        read.push([candle.openTime, candle.open, candle.high, candle.low, candle.close]);
      },
      snapshot: () => null,
      restore: () => {},
    };
    return { strategy, objects, read };
  };
  const expected = data.map((c) => [c.openTime, c.open, c.high, c.low, c.close]);
  for (const keeps of [undefined, true]) {
    const fresh = watching(keeps);
    await run(fresh.strategy, data);
    assert.equal(fresh.objects.size, data.length);
    assert.deepEqual(fresh.read, expected);
    // A kept candle still holds its own bar.
    assert.deepEqual([...fresh.objects].map((c) => c.close), data.map((c) => c.close));
  }
  const borrowing = watching(false);
  await run(borrowing.strategy, data);
  assert.equal(borrowing.objects.size, 1);
  assert.deepEqual(borrowing.read, expected);
});
