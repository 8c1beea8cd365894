import assert from "node:assert/strict";
import type { Candle, OrderIntent, Signal } from "../../../lib/domain/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { type HostServices, StrategyHost } from "../../../lib/trader/mod.ts";
import { candlesFromArrays } from "../../../lib/testing/mod.ts";

const BTC = "bybit:BTCUSDT";
const BAR = candlesFromArrays({ symbol: BTC, close: [100] })[0] as Candle;

function services(overrides: Partial<HostServices> = {}) {
  const sent: { signals: Signal[]; orders: OrderIntent[]; refused: string[] } = {
    signals: [],
    orders: [],
    refused: [],
  };
  const base: HostServices = {
    now: () => BAR.openTime + 60_000_000,
    position: () => 0,
    openOrders: () => [],
    instrument: () => undefined,
    signal: (signal) => sent.signals.push(signal),
    setTimer: () => {},
    submitOrder: (intent) => {
      sent.orders.push(intent);
      return "t1";
    },
    cancelOrder: () => {},
    amendOrder: () => {},
    pushFeatures: () => {},
    refuse: (rule, message) => sent.refused.push(`${rule}: ${message}`),
    ...overrides,
  };
  return { base, sent };
}

/** A strategy that does `act` on its one candle. */
function acting(act: (ctx: StrategyContext) => void): Strategy {
  return {
    name: "Actor",
    subscriptions: [{ kind: "candles", symbol: BTC, interval: "1m" }],
    onCandle: (_candle, ctx) => act(ctx),
    snapshot: () => null,
    restore: () => {},
  };
}

function refusalsOf(act: (ctx: StrategyContext) => void): string[] {
  const { base, sent } = services();
  const host = new StrategyHost(acting(act), base, "1m");
  host.onCandle(BAR);
  assert.deepEqual(sent.signals, [], "nothing malformed reaches the OMS");
  assert.deepEqual(sent.orders, []);
  assert.equal(host.refusals.length, sent.refused.length);
  return sent.refused;
}

Deno.test("StrategyHost refuses malformed signals naming the strategy and the field", () => {
  const signal = (fields: Record<string, unknown>) => (ctx: StrategyContext) =>
    ctx.signal({ symbol: BTC, kind: "enter-long", confidence: 1, ...fields } as Signal);
  const cases: [Record<string, unknown>, string][] = [
    [
      { kind: "buy" },
      'signal.kind must be one of "enter-long", "exit-long", "enter-short", "exit-short", "flatten", got "buy"',
    ],
    [{ stopLoss: "banana" }, 'signal.stopLoss must be a finite number, got "banana"'],
    [{ takeProfit: -5 }, "signal.takeProfit must be positive, got -5"],
    [{ quantity: NaN }, "signal.quantity must be a finite number, got NaN"],
    [{ quantity: -1 }, "signal.quantity must be positive, got -1"],
    [{ confidence: 2 }, "signal.confidence must be in [0, 1], got 2"],
    [
      { symbol: "bybit:ETHUSDT" },
      "signal.symbol is bybit:ETHUSDT, which the strategy neither subscribed to nor has an instrument for",
    ],
    [{ symbol: 5 }, "signal.symbol must be a venue-qualified symbol, got 5"],
    [
      { hint: { kind: "twap", durationSecs: 60, slices: 0 } },
      "signal.hint.slices must be a whole number ≥ 1, got 0",
    ],
    [{ hint: { kind: "limit" } }, "signal.hint.price must be a finite number, got undefined"],
    [
      { hint: { kind: "teleport" } },
      'signal.hint.kind must be one of "market", "limit", "twap", "vwap", "iceberg", "pegged-best", "sniper", "trailing-stop", got "teleport"',
    ],
  ];
  for (const [fields, reason] of cases) {
    assert.deepEqual(refusalsOf(signal(fields)), [`malformed-signal: strategy Actor: ${reason}`]);
  }
  assert.deepEqual(refusalsOf((ctx) => ctx.signal(undefined as unknown as Signal)), [
    "malformed-signal: strategy Actor: signal must be a signal object, got undefined",
  ]);
});

Deno.test("StrategyHost refuses malformed orders and amendments; submitOrder answers undefined", () => {
  const order = (fields: Record<string, unknown>) => (ctx: StrategyContext) => {
    const id = ctx.submitOrder(
      { symbol: BTC, side: "buy", type: "limit", quantity: 1, price: 99, ...fields } as OrderIntent,
    );
    assert.equal(id, undefined);
  };
  assert.deepEqual(refusalsOf(order({ side: "long" })), [
    'malformed-order: strategy Actor: order.side must be one of "buy", "sell", got "long"',
  ]);
  assert.deepEqual(refusalsOf(order({ quantity: 0 })), [
    "malformed-order: strategy Actor: order.quantity must be positive, got 0",
  ]);
  assert.deepEqual(refusalsOf(order({ price: undefined })), [
    "malformed-order: strategy Actor: order.price must be a finite number, got undefined",
  ]);
  assert.deepEqual(refusalsOf(order({ type: "stop-market", price: undefined })), [
    "malformed-order: strategy Actor: order.triggerPrice must be a finite number, got undefined",
  ]);
  assert.deepEqual(refusalsOf((ctx) => ctx.amendOrder(BTC, "t1", { price: Infinity })), [
    "malformed-amend: strategy Actor: amend.price must be a finite number, got Infinity",
  ]);
});

Deno.test("StrategyHost passes well-formed output through and counts signals", () => {
  const { base, sent } = services();
  const host = new StrategyHost(
    acting((ctx) => {
      ctx.signal({
        symbol: BTC,
        kind: "enter-long",
        confidence: 0.5,
        stopLoss: 90,
        hint: { kind: "vwap", durationSecs: 60, participation: 0.1 },
      });
      assert.equal(
        ctx.submitOrder({
          symbol: BTC,
          side: "sell",
          type: "stop-market",
          quantity: 1,
          triggerPrice: 90,
        }),
        "t1",
      );
    }),
    base,
    "1m",
  );
  host.onCandle(BAR);
  assert.equal(sent.signals.length, 1);
  assert.equal(sent.orders.length, 1);
  assert.equal(host.signals, 1);
  assert.deepEqual(host.refusals, []);
});

Deno.test("StrategyHost: what a handler throws is a StrategyError naming the event; Tesser's own errors pass unchanged", () => {
  const cause = new TypeError("x is undefined");
  const { base } = services();
  const host = new StrategyHost(
    acting(() => {
      throw cause;
    }),
    base,
    "1m",
  );
  assert.throws(() => host.onCandle(BAR), (error: Error) => {
    assert.equal(error.name, "StrategyError");
    assert.equal(
      error.message,
      "strategy Actor threw on candle bybit:BTCUSDT 2024-01-01T00:01:00Z: x is undefined",
    );
    assert.equal(error.cause, cause);
    return true;
  });
  // A failure inside Tesser's side of a context call is not the strategy's.
  const internal = new RangeError("order book corrupted");
  const failing = services({
    signal: () => {
      throw internal;
    },
  });
  const blameless = new StrategyHost(
    acting((ctx) => ctx.signal({ symbol: BTC, kind: "flatten", confidence: 1 })),
    failing.base,
    "1m",
  );
  assert.throws(() => blameless.onCandle(BAR), (error) => error === internal);
  const timers = new StrategyHost(
    {
      ...acting(() => {}),
      onTimer: () => {
        throw "late";
      },
    },
    base,
    "1m",
  );
  assert.throws(() => timers.onTimer("rebalance"), {
    name: "StrategyError",
    message: 'strategy Actor threw on timer "rebalance" 2024-01-01T00:01:00Z: late',
  });
});
