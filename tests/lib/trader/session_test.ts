import assert from "node:assert/strict";
import type { VenueInbox, VenuePort } from "../../../lib/broker/mod.ts";
import {
  ConfigError,
  decimal,
  type Fill,
  type Micros,
  type Order,
  type OrderRequest,
  ZERO,
} from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { type SessionOptions, TradingSession, type VenueLink } from "../../../lib/trader/mod.ts";
import { LocalBooks } from "../../../lib/backtest/tick/_local_books.ts";
import { BTC, candleEvent as candle, M } from "./_fixtures.ts";

const T0 = 1_700_000_000_000_000 - (1_700_000_000_000_000 % M);

/** A venue that records what it was sent and when; reports only when told to. */
class RecordingVenue implements VenuePort {
  readonly venue = "fake";
  readonly sent: { command: OrderCommand; at: Micros }[] = [];
  constructor(readonly link: VenueLink, readonly capabilities?: { readonly amend: boolean }) {}
  get inbox(): VenueInbox {
    return this.link.inbox;
  }
  send(command: OrderCommand): void {
    this.sent.push({ command, at: this.link.clock.now() });
  }
}

/** Buys 0.01 on its first candle; places a protective stop when the entry fills. */
class EntryThenStop implements Strategy {
  readonly name = "entry-then-stop";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly log: string[] = [];
  executionHints?: readonly ("market" | "limit" | "twap" | "vwap")[];
  #entered = false;
  onCandle(_candle: unknown, ctx: StrategyContext): void {
    if (this.#entered) return;
    this.#entered = true;
    ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "market", quantity: 0.01 });
  }
  onFill(fill: Fill, ctx: StrategyContext): void {
    this.log.push(`fill ${fill.clientOrderId} at ${ctx.now - T0}`);
    ctx.submitOrder({
      symbol: BTC.symbol,
      side: "sell",
      type: "stop-market",
      quantity: 0.01,
      triggerPrice: 95,
      reduceOnly: true,
    });
  }
  onTimer(): void {}
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

function options(strategy: Strategy, extra: Partial<SessionOptions> = {}): SessionOptions {
  return {
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    ...extra,
  };
}

function accepted(request: OrderRequest, ts: Micros): Order {
  return {
    id: "v-1",
    request,
    status: "accepted",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: ts,
    updatedTs: ts,
  };
}

function fillOf(request: OrderRequest, price: string): Fill {
  return {
    orderId: "v-1",
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    price: decimal(price),
    quantity: request.quantity,
    fee: ZERO,
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId: "x-1",
  };
}

Deno.test("TradingSession sends commands through the port and takes reports from its inbox at their own time", () => {
  const strategy = new EntryThenStop();
  let venue: RecordingVenue | undefined;
  const session = new TradingSession(
    options(strategy),
    (link) => (venue = new RecordingVenue(link)),
  );
  assert.equal(session.venue, venue);
  session.host("1m");
  session.engine.process(candle(T0, 100));
  const port = session.venue;
  assert.equal(port.sent.length, 1);
  const [entry] = port.sent;
  assert.equal(entry.command.type, "submit");
  if (entry.command.type !== "submit") return;
  assert.equal(entry.at, T0 + M);
  // The venue reports the entry filled 30 s into the next bar, outside any engine call.
  const fillTime = T0 + M + 30_000_000;
  port.inbox({
    kind: "order-update",
    ts: fillTime,
    tsRecv: fillTime,
    order: accepted(entry.command.request, fillTime),
  });
  port.inbox({
    kind: "fill",
    ts: fillTime,
    tsRecv: fillTime,
    fill: fillOf(entry.command.request, "100.5"),
  });
  assert.deepEqual(strategy.log, [
    `fill ${entry.command.request.clientOrderId} at ${M + 30_000_000}`,
  ]);
  assert.equal(session.portfolio.position(BTC.symbol).quantity.toString(), "0.01");
  // The stop sent in response carries the fill's time inside the bar, so the venue can walk it
  // over the rest of that bar.
  assert.equal(port.sent.length, 2);
  const stop = port.sent[1];
  assert.equal(stop.command.type === "submit" && stop.command.request.type, "stop-market");
  assert.equal(stop.at, fillTime);
});

Deno.test("TradingSession queues a report made during a handler behind the event instead of re-entering", () => {
  const strategy = new EntryThenStop();
  const seen: string[] = [];
  const session = new TradingSession(options(strategy), (link) => ({
    venue: "refusing",
    send(command: OrderCommand): void {
      if (command.type !== "submit") return;
      const now = link.clock.now();
      // Refused on the spot, from inside the engine's handler.
      link.inbox({
        kind: "order-update",
        ts: now,
        tsRecv: now,
        order: {
          ...accepted(command.request, now),
          status: "rejected",
          reason: "insufficient margin",
        },
      });
      seen.push(`sent ${command.request.clientOrderId}`);
    },
  }));
  session.engine.bus.subscribe(
    "order-update",
    (event) => seen.push(`update ${event.order.status}`),
  );
  session.host("1m");
  session.engine.process(candle(T0, 100));
  assert.equal(seen.length, 2);
  assert.match(seen[0], /^sent [A-Za-z0-9_-]+-1$/);
  assert.equal(seen[1], "update rejected");
  assert.equal(session.reportParts().rejectedOrders, 1);
});

Deno.test("TradingSession refuses an amend its venue cannot do, as a typed OMS refusal", () => {
  // The amend comes on the second candle, once the venue has acknowledged the order (an amend
  // of a pending-new order waits for the acknowledgement).
  class Amender extends EntryThenStop {
    #id: string | undefined;
    override onCandle(_candle: unknown, ctx: StrategyContext): void {
      if (this.#id !== undefined) {
        ctx.amendOrder(BTC.symbol, this.#id, { price: 91 });
        return;
      }
      this.#id = ctx.submitOrder({
        symbol: BTC.symbol,
        side: "buy",
        type: "limit",
        quantity: 0.01,
        price: 90,
      });
    }
  }
  const session = new TradingSession(
    options(new Amender()),
    (link) => new RecordingVenue(link, { amend: false }),
  );
  session.host("1m");
  session.engine.process(candle(T0, 100));
  const port = session.venue;
  const submit = port.sent[0].command;
  assert.equal(submit.type, "submit");
  if (submit.type !== "submit") return;
  session.engine.process({
    kind: "order-update",
    ts: T0 + M + 1,
    tsRecv: T0 + M + 1,
    order: accepted(submit.request, T0 + M + 1),
  });
  session.engine.process(candle(T0 + M, 100));
  // The submit went out; the amend never reached the venue.
  assert.deepEqual(port.sent.map((s) => s.command.type), ["submit"]);
  assert.equal(session.reportParts().rejections["unsupported-amend"], 1);
});

Deno.test("TradingSession refuses a strategy whose declared execution hint it cannot honour", () => {
  const strategy = new EntryThenStop();
  strategy.executionHints = ["twap"];
  // A session that only carries out market and limit orders refuses it when it is built.
  assert.throws(
    () =>
      new TradingSession(
        options(strategy, { executionHints: ["market", "limit"] }),
        (link) => new RecordingVenue(link),
      ),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message ===
        'strategy entry-then-stop asks for the execution hint "twap", which this session cannot honour (hint: honoured hints: market, limit; change the strategy\'s parameters so it uses one of them)',
  );
  // By default every execution algorithm is honoured.
  const session = new TradingSession(options(strategy), (link) => new RecordingVenue(link));
  assert.equal(session.venue.venue, "fake");
});
/** A session whose entry filled at 100: 0.01 BTC long, as the funding tests start. */
function longAt100() {
  const session = new TradingSession(
    options(new EntryThenStop()),
    (link) => new RecordingVenue(link),
  );
  session.host("1m");
  session.engine.process(candle(T0, 100));
  const entry = session.venue.sent[0].command;
  assert.ok(entry.type === "submit");
  session.venue.inbox({
    kind: "fill",
    ts: T0 + M,
    tsRecv: T0 + M,
    fill: fillOf(entry.request, "100"),
  });
  return session;
}

Deno.test("TradingSession applies funding to an open perpetual position at the mark", () => {
  const session = longAt100();
  const funding = (symbol: string, rate: number) => ({
    kind: "funding" as const,
    ts: T0 + 2 * M,
    tsRecv: T0 + 2 * M,
    funding: { symbol, rate, markPrice: 200 },
  });
  // A symbol the session does not trade pays nothing.
  session.engine.process(funding("bybit:ETHUSDT", 0.01));
  assert.equal(session.portfolio.fundingPaid().toString(), "0");
  // 0.01 BTC long × 200 × 0.001: the long pays 0.002.
  session.engine.process(funding(BTC.symbol, 0.001));
  assert.equal(session.portfolio.fundingPaid().toString(), "0.002");
});

Deno.test("TradingSession books a venue's funding payment as it is, once, and ignores symbols it does not trade", () => {
  const session = longAt100();
  const paid = (id: string, symbol: string, amount: string, ts: number) => ({
    kind: "funding-payment" as const,
    ts,
    tsRecv: ts,
    payment: { id, symbol, amount: decimal(amount), currency: "USDT" },
  });
  session.engine.process(paid("eth-1", "bybit:ETHUSDT", "5", T0 + 2 * M));
  assert.equal(session.portfolio.fundingPaid().toString(), "0");
  session.engine.process(paid("f-1", BTC.symbol, "0.00123456", T0 + 2 * M));
  // The catch-up after a reconnect delivers it again: booked once.
  session.engine.process(paid("f-1", BTC.symbol, "0.00123456", T0 + 2 * M));
  session.engine.process(paid("f-2", BTC.symbol, "-0.0002", T0 + 3 * M));
  assert.equal(session.portfolio.fundingPaid().toString(), "0.00103456");
});

Deno.test("TradingSession alerts, and goes on, on a venue funding payment in a currency the portfolio does not hold", () => {
  const session = longAt100();
  const alerts: string[] = [];
  session.engine.bus.subscribe("alert", (event) => alerts.push(`${event.code}: ${event.message}`));
  const paid = (id: string, amount: string, currency: string, ts: number) => ({
    kind: "funding-payment" as const,
    ts,
    tsRecv: ts,
    payment: { id, symbol: BTC.symbol, amount: decimal(amount), currency },
  });
  session.engine.process(paid("c-1", "0.5", "USDC", T0 + 2 * M));
  assert.deepEqual(alerts, [
    `funding-unbooked: funding payment c-1 for ${BTC.symbol} (0.5 USDC) is not booked: the ` +
    "portfolio holds no USDC; add it to the balances or reconcile (1 unbooked)",
  ]);
  assert.equal(session.portfolio.fundingPaid().toString(), "0");
  // The session still books what it can.
  session.engine.process(paid("f-1", "0.001", "USDT", T0 + 3 * M));
  assert.equal(session.portfolio.fundingPaid().toString(), "0.001");
});

Deno.test("TradingSession with books marks at the mid, hands changed books over and reports marks", () => {
  const seen: string[] = [];
  const strategy: Strategy = {
    name: "reader",
    subscriptions: [{ kind: "book", symbol: BTC.symbol }],
    onTrade: (trade) => seen.push(`trade ${trade.price}`),
    onQuote: (quote) => seen.push(`quote ${quote.bidPrice}/${quote.askPrice}`),
    onBook: (book) => seen.push(`book ${book.bids.price(0)}/${book.asks.price(0)}`),
    snapshot: () => null,
    restore: () => {},
  };
  const session = new TradingSession(
    options(strategy, { books: new LocalBooks() }),
    (link) => new RecordingVenue(link),
  );
  session.onMark((symbol, price, ts) => seen.push(`mark ${symbol} ${price} at ${ts}`));
  session.host();
  const trade = { symbol: BTC.symbol, price: 99, quantity: 1, side: "buy" as const };
  session.engine.process({ kind: "trade", ts: 1, tsRecv: 1, trade });
  session.engine.process({
    kind: "quote",
    ts: 2,
    tsRecv: 2,
    quote: { symbol: BTC.symbol, bidPrice: 100, bidSize: 1, askPrice: 101, askSize: 2 },
  });
  // The same mid again is no new mark.
  session.engine.process({ kind: "trade", ts: 3, tsRecv: 3, trade: { ...trade, price: 100.5 } });
  assert.deepEqual(seen, [
    `mark ${BTC.symbol} 99 at 1`,
    "trade 99",
    `mark ${BTC.symbol} 100.5 at 2`,
    "quote 100/101",
    "book 100/101",
    "trade 100.5",
  ]);
  assert.equal(session.portfolio.lastPrice(BTC.symbol), 100.5);
});

Deno.test("TradingSession.drawdownAlert returns the kill-switch alert once the limit is breached", () => {
  const session = new TradingSession(
    options(new EntryThenStop(), { risk: { maxDrawdown: 0.1 } }),
    (link) => new RecordingVenue(link),
  );
  assert.equal(session.watchesDrawdown, true);
  assert.equal(session.drawdownAlert(10_000), undefined);
  assert.equal(session.drawdownAlert(9_500), undefined);
  const alert = session.drawdownAlert(8_900);
  assert.equal(alert?.code, "kill-switch");
  assert.equal(alert?.severity, "critical");
  assert.equal(alert?.message, "drawdown limit 10% reached: liquidate-only");
});
