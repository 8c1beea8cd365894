import { decimal } from "../../../lib/domain/mod.ts";
import type { Event, EventKind, EventOf, TimerEvent } from "../../../lib/events/mod.ts";

const SYMBOL = "bybit:BTCUSDT";

/** A timer event at `ts`, the simplest event to tell apart by its tag. */
export function timer(ts: number, tag: string, owner = "test"): TimerEvent {
  return { kind: "timer", ts, tsRecv: ts, owner, tag };
}

/** One valid event of each kind, at time `ts`. */
export function sampleEvent<K extends EventKind>(kind: K, ts = 1): EventOf<K> {
  const times = { ts, tsRecv: ts };
  const events: { readonly [Kind in EventKind]: EventOf<Kind> } = {
    "candle": {
      kind: "candle",
      ...times,
      candle: {
        symbol: SYMBOL,
        interval: "1m",
        openTime: 0,
        open: 1,
        high: 2,
        low: 1,
        close: 2,
        volume: 3,
      },
    },
    "trade": {
      kind: "trade",
      ...times,
      trade: { symbol: SYMBOL, price: 1, quantity: 1, side: "buy" },
    },
    "quote": {
      kind: "quote",
      ...times,
      quote: { symbol: SYMBOL, bidPrice: 1, bidSize: 1, askPrice: 2, askSize: 1 },
    },
    "book-snapshot": {
      kind: "book-snapshot",
      ...times,
      book: { symbol: SYMBOL, bids: [{ price: 1, size: 1 }], asks: [{ price: 2, size: 1 }] },
    },
    "book-delta": {
      kind: "book-delta",
      ...times,
      delta: { symbol: SYMBOL, bids: [{ price: 1, size: 0 }], asks: [] },
    },
    "funding": { kind: "funding", ...times, funding: { symbol: SYMBOL, rate: 0.0001 } },
    "timer": timer(ts, "t"),
    "signal": {
      kind: "signal",
      ...times,
      strategy: "s",
      signal: { symbol: SYMBOL, kind: "enter-long", confidence: 1 },
    },
    "order-command": {
      kind: "order-command",
      ...times,
      command: { type: "cancel", symbol: SYMBOL, clientOrderId: "c1" },
    },
    "order-update": {
      kind: "order-update",
      ...times,
      order: {
        id: "o1",
        request: {
          clientOrderId: "c1",
          symbol: SYMBOL,
          side: "buy",
          type: "market",
          quantity: decimal("1"),
          timeInForce: "ioc",
          reduceOnly: false,
        },
        status: "accepted",
        filledQuantity: decimal("0"),
        averagePrice: undefined,
        createdTs: ts,
        updatedTs: ts,
      },
    },
    "fill": {
      kind: "fill",
      ...times,
      fill: {
        orderId: "o1",
        clientOrderId: "c1",
        symbol: SYMBOL,
        side: "buy",
        price: decimal("1"),
        quantity: decimal("1"),
        fee: decimal("0"),
        feeCurrency: "USDT",
        liquidity: "taker",
        tradeId: "t1",
      },
    },
    "funding-payment": {
      kind: "funding-payment",
      ...times,
      payment: { id: "f1", symbol: SYMBOL, amount: decimal("0.1"), currency: "USDT" },
    },
    "position": {
      kind: "position",
      ...times,
      position: {
        symbol: SYMBOL,
        quantity: decimal("1"),
        entryPrice: decimal("1"),
        realizedPnl: decimal("0"),
      },
    },
    "account": {
      kind: "account",
      ...times,
      balances: [{ currency: "USDT", total: decimal("1"), available: decimal("1") }],
    },
    "alert": { kind: "alert", ...times, severity: "info", code: "test", message: "hello" },
    "connectivity": {
      kind: "connectivity",
      ...times,
      channel: "market",
      venue: "bybit",
      state: "down",
      reason: "socket closed",
    },
    "reconciliation": {
      kind: "reconciliation",
      ...times,
      positions: { status: "compared" },
      balances: { status: "unknown", reason: "wallet query timed out" },
      differences: [],
    },
    "refusal": {
      kind: "refusal",
      ...times,
      refusal: { rule: "max-position", message: "too big", limit: 1, requested: 2, current: 0 },
    },
    "inference": {
      kind: "inference",
      ...times,
      strategy: "S",
      inference: { model: "m", output: [0.5], requestedAt: times.ts },
    },
  };
  return events[kind];
}

/** A compact label of an event for order assertions: `kind@ts` or `timer:tag@ts`. */
export function label(event: Event): string {
  return event.kind === "timer" ? `${event.tag}@${event.ts}` : `${event.kind}@${event.ts}`;
}
