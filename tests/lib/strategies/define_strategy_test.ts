import assert from "node:assert/strict";
import type { Candle, Fill, Order, Signal } from "../../../lib/domain/mod.ts";
import { Sma } from "../../../lib/indicators/mod.ts";
import {
  defineStrategy,
  param,
  paramError,
  type Strategy,
  type StrategyContext,
} from "../../../lib/strategies/mod.ts";
import { candlesFromArrays, collectSignals } from "../../../lib/testing/mod.ts";

const BTC = "bybit:BTCUSDT";

/** A context that records signals and reports a fixed position. */
function fakeContext(position = 0): { ctx: StrategyContext; signals: Signal[] } {
  const signals: Signal[] = [];
  const ctx = {
    now: 5,
    position: () => position,
    openOrders: () => [],
    instrument: () => undefined,
    signal: (signal: Signal) => signals.push(signal),
    setTimer: () => {},
    submitOrder: () => undefined,
    cancelOrder: () => {},
    amendOrder: () => {},
    pushFeatures: () => {},
  } satisfies StrategyContext;
  return { ctx, signals };
}

const candle = (close: number): Candle =>
  candlesFromArrays({ symbol: BTC, close: [close] })[0] as Candle;

// A small strategy owning an SMA, with state that restores the SMA by replay.
const meanCross = defineStrategy({
  name: "MeanCross",
  aliases: ["mean_cross"],
  description: "long above the mean",
  params: {
    symbol: param.symbol(),
    interval: param.interval(),
    period: param.number({ integer: true, min: 1, default: 3 }),
    note: param.string(),
  },
  check: (p) => {
    if (p.period > 50) throw paramError("MeanCross", "period", "must be at most 50");
  },
  state: (p) => ({ closes: [] as number[], keep: p.period, above: false }),
  indicators: (p) => ({ sma: new Sma({ period: p.period }) }),
  onRestore: ({ state, indicators }) => {
    for (const close of state.closes) indicators.sma.update(close);
  },
  subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: p.interval }],
  onCandle(bar, ctx) {
    const { state, indicators, params } = ctx;
    state.closes.push(bar.close);
    if (state.closes.length > state.keep) state.closes.shift();
    const mean = indicators.sma.update(bar.close);
    if (mean === undefined) return;
    const above = bar.close > mean;
    if (above && !state.above && ctx.position(params.symbol) === 0) {
      ctx.signal({ symbol: params.symbol, kind: "enter-long", confidence: 1, note: params.note });
    }
    state.above = above;
  },
});

Deno.test("defineStrategy: params are parsed, defaulted and typed", () => {
  const strategy = meanCross.build({ symbol: BTC, interval: "60m" });
  // The interval is parsed (normalized); the defaults are in.
  assert.deepEqual(strategy.subscriptions, [{ kind: "candles", symbol: BTC, interval: "1h" }]);
  assert.equal(strategy.name, "MeanCross");
  assert.equal(meanCross.params.kind, "table");
  assert.deepEqual(meanCross.aliases, ["mean_cross"]);
});

Deno.test("defineStrategy: bad params are ConfigErrors naming the strategy and the parameter", () => {
  assert.throws(() => meanCross.build({ symbol: "BTCUSDT" }), {
    name: "ConfigError",
    message: /^strategy MeanCross: parameter symbol /,
  });
  assert.throws(() => meanCross.build({ symbol: BTC, interval: "7x" }), {
    name: "ConfigError",
    message: /^strategy MeanCross: parameter interval /,
  });
  assert.throws(() => meanCross.build({ symbol: BTC, period: 0 }), {
    name: "ConfigError",
    message: "strategy MeanCross: params.period: must be at least 1, got 0",
  });
  assert.throws(() => meanCross.build({ symbol: BTC, period: 51 }), {
    name: "ConfigError",
    message: "strategy MeanCross: parameter period must be at most 50",
  });
  // @ts-expect-error: unknown keys are type errors too
  assert.throws(() => meanCross.build({ symbol: BTC, perod: 2 }), /perod: unknown key/);
});

Deno.test("defineStrategy: param.symbols checks the count and distinct symbols", () => {
  const pair = defineStrategy({
    name: "Pair",
    description: "two legs",
    params: { symbols: param.symbols({ count: 2 }) },
    subscriptions: (p) => p.symbols.map((symbol) => ({ kind: "trades" as const, symbol })),
  });
  assert.deepEqual(
    pair.build({ symbols: ["bybit:BTCUSDT", "binance:BTCUSDT"] }).subscriptions.map((s) =>
      s.symbol
    ),
    ["bybit:BTCUSDT", "binance:BTCUSDT"],
  );
  assert.throws(() => pair.build({ symbols: [BTC] }), {
    message:
      'strategy Pair: parameter symbols needs exactly two symbols, got 1 (["bybit:BTCUSDT"])',
  });
  assert.throws(() => pair.build({ symbols: [BTC, BTC] }), {
    message: "strategy Pair: parameter symbols lists bybit:BTCUSDT twice",
  });
  assert.throws(() => pair.build({ symbols: [BTC, "nope"] }), /parameter symbols /);
});

Deno.test("defineStrategy: handlers see params, state, indicators and the host's context", () => {
  const strategy = meanCross.build({ symbol: BTC, note: "n" });
  const { ctx, signals } = fakeContext();
  for (const close of [10, 10, 10, 12]) strategy.onCandle?.(candle(close), ctx);
  assert.deepEqual(signals, [{ symbol: BTC, kind: "enter-long", confidence: 1, note: "n" }]);
  // The position comes from the host: when it says long, no entry.
  const long = meanCross.build({ symbol: BTC });
  const held = fakeContext(1);
  for (const close of [10, 10, 10, 12]) long.onCandle?.(candle(close), held.ctx);
  assert.deepEqual(held.signals, []);
});

Deno.test("defineStrategy: snapshot is a copy of the state; restore checks it and replays indicators", () => {
  const make = () => meanCross.build({ symbol: BTC });
  const candles = candlesFromArrays({
    symbol: BTC,
    close: [10, 11, 9, 8, 12, 13, 9, 8, 7, 12, 14, 9, 8, 15],
  });
  const full = collectSignals(make(), candles).map((s) => s.bar);
  assert.ok(full.length >= 2, `signals at ${full}`);
  const first = make();
  collectSignals(first, candles.slice(0, 6));
  const snapshot = first.snapshot();
  assert.deepEqual(snapshot, {
    closes: [12, 13, 9].slice(0, 3).map((_, i) => [8, 12, 13][i]),
    keep: 3,
    above: true,
  });
  // Mutating the strategy afterwards does not change the snapshot taken.
  first.onCandle?.(candle(1), fakeContext().ctx);
  assert.deepEqual((snapshot as { closes: number[] }).closes, [8, 12, 13]);
  const second = make();
  second.restore(JSON.parse(JSON.stringify(snapshot)));
  const rest = collectSignals(second, candles.slice(6)).map((s) => s.bar + 6);
  assert.deepEqual(rest, full.filter((bar) => bar >= 6));
});

Deno.test("defineStrategy: restore names the first key that does not match the declared state", () => {
  const strategy = meanCross.build({ symbol: BTC });
  assert.throws(() => strategy.restore(null), {
    name: "TypeError",
    message:
      "MeanCross.restore: the state must be an object, got null (expected the object made by snapshot())",
  });
  assert.throws(() => strategy.restore({ closes: [1, "x"], keep: 3, above: true }), {
    message: /MeanCross\.restore: closes\[1\] must be a number, got a string/,
  });
  assert.throws(() => strategy.restore({ closes: [], keep: 3 }), {
    message: /MeanCross\.restore: above is missing/,
  });
  assert.throws(() => strategy.restore({ closes: [], keep: 3, above: true, extra: 1 }), {
    message: /MeanCross\.restore: extra is not in the state/,
  });
});

Deno.test("defineStrategy: a state that is not JSON data is refused when declared", () => {
  const bad = defineStrategy({
    name: "Bad",
    description: "keeps a Map",
    params: {},
    state: { seen: new Map<string, number>() },
    subscriptions: () => [],
  });
  assert.throws(() => bad.build({}), {
    name: "StrategyError",
    message: /^strategy Bad threw in create: Bad: the state declared is not JSON data/,
  });
});

Deno.test("defineStrategy: only declared handlers exist; each gets the defined context", () => {
  const seen: string[] = [];
  const everything = defineStrategy({
    name: "Everything",
    description: "records what it gets",
    params: { symbol: param.symbol() },
    state: { count: 0 },
    subscriptions: (p) => [{ kind: "book", symbol: p.symbol }],
    onTrade: (trade, ctx) => seen.push(`trade ${trade.price} ${ctx.params.symbol}`),
    onFill: (fill, ctx) => seen.push(`fill ${fill.clientOrderId} ${ctx.state.count++}`),
    onOrderUpdate: (order, ctx) => seen.push(`order ${order.id} ${ctx.now}`),
    onTimer: (tag, ctx) => seen.push(`timer ${tag} ${ctx.state.count}`),
    onConnectivity: () => seen.push("connectivity"),
    diagnostics: ({ state }) => ({ count: state.count }),
  });
  const strategy = everything.build({ symbol: BTC }) as Strategy & {
    onConnectivity?: (change: unknown, ctx: StrategyContext) => void;
    diagnostics?: () => unknown;
  };
  assert.equal(strategy.onCandle, undefined);
  assert.equal(strategy.onBook, undefined);
  assert.equal(strategy.onQuote, undefined);
  const { ctx } = fakeContext();
  strategy.onTrade?.({ price: 7 } as never, ctx);
  strategy.onFill?.({ clientOrderId: "c1" } as unknown as Fill, ctx);
  strategy.onOrderUpdate?.({ id: "c2" } as unknown as Order, ctx);
  strategy.onTimer?.("t", ctx);
  strategy.onConnectivity?.({}, ctx);
  assert.deepEqual(seen, [
    `trade 7 ${BTC}`,
    "fill c1 0",
    "order c2 5",
    "timer t 1",
    "connectivity",
  ]);
  assert.deepEqual(strategy.diagnostics?.(), { count: 1 });
});

Deno.test("defineStrategy: two instances do not share the declared state", () => {
  const counter = defineStrategy({
    name: "Counter",
    description: "counts bars",
    params: {},
    state: { bars: [] as number[] },
    subscriptions: () => [],
    onCandle: (bar, ctx) => void ctx.state.bars.push(bar.close),
  });
  const a = counter.build({});
  const b = counter.build({});
  a.onCandle?.(candle(1), fakeContext().ctx);
  assert.deepEqual(a.snapshot(), { bars: [1] });
  assert.deepEqual(b.snapshot(), { bars: [] });
});
