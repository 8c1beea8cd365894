// Seams between the session, the OMS and a venue that reports in its own order: a live venue's
// REST answer (the order filled) may arrive before the stream's fill, and the OMS must still
// protect the entry once the fill is booked.
import assert from "node:assert/strict";
import { decimal, type Fill, type Order, type OrderRequest } from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { type SessionOptions, TradingSession } from "../../../lib/trader/mod.ts";
import { BTC } from "./_fixtures.ts";

/** Enters long with a stop-loss at 95 on its timer. */
function bracketedEntry(): Strategy {
  return {
    name: "Bracketed",
    subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
    onTimer(_tag: string, ctx: StrategyContext) {
      ctx.signal({ symbol: BTC.symbol, kind: "enter-long", confidence: 1, stopLoss: 95 });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

/**
 * A session over a venue that only records the commands it is sent, with the strategy hosted on
 * 1m data and BTC marked at 100.
 */
function recordingSession(
  strategy: Strategy,
  commands: OrderCommand[],
  extra: Partial<SessionOptions> = {},
): TradingSession {
  const s = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    ...extra,
  }, () => ({ venue: "recorder", send: (command: OrderCommand) => void commands.push(command) }));
  s.host("1m");
  s.portfolio.mark(BTC.symbol, 100);
  return s;
}

function setup() {
  const commands: OrderCommand[] = [];
  const s = recordingSession(bracketedEntry(), commands);
  s.engine.process({ kind: "timer", ts: 1_000, tsRecv: 1_000, owner: "Bracketed", tag: "go" });
  const [entry] = commands;
  assert.ok(entry?.type === "submit");
  return { s, commands, entry: entry.request };
}

function filled(request: OrderRequest, ts: number): Order {
  return {
    id: "v1",
    request,
    status: "filled",
    filledQuantity: request.quantity,
    averagePrice: decimal(100),
    createdTs: ts,
    updatedTs: ts,
  };
}

function fillOf(request: OrderRequest): Fill {
  return {
    orderId: "v1",
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    price: decimal(100),
    quantity: request.quantity,
    fee: decimal(0),
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId: "t1",
  };
}

Deno.test("an entry reported filled before its fill arrives still gets its stop once the fill is booked", () => {
  const { s, commands, entry } = setup();
  s.engine.process({ kind: "order-update", ts: 2_000, tsRecv: 2_000, order: filled(entry, 2_000) });
  s.engine.process({ kind: "fill", ts: 3_000, tsRecv: 3_000, fill: fillOf(entry) });
  assert.equal(s.portfolio.position(BTC.symbol).quantity.toString(), "1");
  const stops = commands.filter((c) => c.type === "submit" && c.request.type !== "market");
  assert.equal(stops.length, 1, "the filled entry's stop was never sent");
  const [stop] = stops;
  assert.ok(stop.type === "submit");
  assert.deepEqual(
    [stop.request.side, stop.request.quantity.toString(), stop.request.triggerPrice?.toString()],
    ["sell", "1", "95"],
  );
});

Deno.test("an entry whose fill comes first gets its stop once, when the report finishes it", () => {
  const { s, commands, entry } = setup();
  s.engine.process({ kind: "fill", ts: 2_000, tsRecv: 2_000, fill: fillOf(entry) });
  s.engine.process({ kind: "order-update", ts: 3_000, tsRecv: 3_000, order: filled(entry, 3_000) });
  // A duplicate of the fill and the report change nothing.
  s.engine.process({ kind: "fill", ts: 4_000, tsRecv: 4_000, fill: fillOf(entry) });
  s.engine.process({ kind: "order-update", ts: 3_000, tsRecv: 4_000, order: filled(entry, 3_000) });
  const stops = commands.filter((c) => c.type === "submit" && c.request.type !== "market");
  assert.equal(stops.length, 1);
});

Deno.test("an entry reported filled with only part of its fills booked gets a stop for the whole fill", () => {
  const { s, commands, entry } = setup();
  const part = (quantity: string, tradeId: string): Fill => ({
    ...fillOf(entry),
    quantity: decimal(quantity),
    tradeId,
  });
  s.engine.process({ kind: "fill", ts: 2_000, tsRecv: 2_000, fill: part("0.4", "a") });
  s.engine.process({ kind: "order-update", ts: 3_000, tsRecv: 3_000, order: filled(entry, 3_000) });
  assert.equal(commands.length, 1, "no stop before the rest of the fill is booked");
  s.engine.process({ kind: "fill", ts: 4_000, tsRecv: 4_000, fill: part("0.6", "b") });
  const [, stop] = commands;
  assert.ok(stop?.type === "submit");
  assert.equal(stop.request.quantity.toString(), "1");
});

Deno.test("a late or duplicate report neither overwrites the order's latest state nor reaches the strategy again", () => {
  const seen: string[] = [];
  const commands: OrderCommand[] = [];
  const strategy: Strategy = {
    name: "Watcher",
    subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
    onTimer(_tag: string, ctx: StrategyContext) {
      ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "limit", quantity: 1, price: 99 });
    },
    onOrderUpdate(order: Order) {
      seen.push(order.status);
    },
    snapshot: () => null,
    restore: () => {},
  };
  const s = recordingSession(strategy, commands);
  s.engine.process({ kind: "timer", ts: 1_000, tsRecv: 1_000, owner: "Watcher", tag: "go" });
  const [submit] = commands;
  assert.ok(submit?.type === "submit");
  const request = submit.request;
  const accepted: Order = {
    ...filled(request, 2_000),
    status: "accepted",
    filledQuantity: decimal(0),
  };
  s.engine.process({ kind: "order-update", ts: 2_000, tsRecv: 2_000, order: accepted });
  s.engine.process({ kind: "fill", ts: 3_000, tsRecv: 3_000, fill: fillOf(request) });
  s.engine.process({
    kind: "order-update",
    ts: 3_000,
    tsRecv: 3_000,
    order: filled(request, 3_000),
  });
  // The acknowledgement again, overtaken, and the final report twice.
  s.engine.process({ kind: "order-update", ts: 2_000, tsRecv: 4_000, order: accepted });
  s.engine.process({
    kind: "order-update",
    ts: 3_000,
    tsRecv: 5_000,
    order: filled(request, 3_000),
  });
  assert.deepEqual(s.tables().orders.map((o) => o.status), ["filled"]);
  assert.deepEqual(seen, ["accepted", "filled"]);
});

Deno.test("a cancel refused before the order's acknowledgement leaves it pending-new and still timed", () => {
  const commands: OrderCommand[] = [];
  const strategy: Strategy = {
    name: "Canceller",
    subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
    onTimer(tag: string, ctx: StrategyContext) {
      if (tag === "place") {
        ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "limit", quantity: 1, price: 99 });
      } else if (tag === "cancel") {
        for (const o of ctx.openOrders(BTC.symbol)) {
          ctx.cancelOrder(BTC.symbol, o.request.clientOrderId);
        }
      }
    },
    snapshot: () => null,
    restore: () => {},
  };
  const s = recordingSession(strategy, commands, { ackTimeoutMs: 5_000 });
  const alerts: string[] = [];
  s.engine.bus.subscribe("alert", (e) => alerts.push(e.code));
  const timer = (ts: number, tag: string): void =>
    s.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Canceller", tag });
  timer(1_000_000, "place");
  timer(2_000_000, "cancel");
  const [submit] = commands;
  assert.ok(submit?.type === "submit");
  const id = submit.request.clientOrderId;
  // The cancel overtook the submit: the venue does not know the order yet.
  s.engine.process({
    kind: "alert",
    ts: 2_500_000,
    tsRecv: 2_500_000,
    severity: "warning",
    code: "cancel-refused",
    message: `cannot cancel ${id}: unknown order`,
    symbol: BTC.symbol,
    clientOrderId: id,
  });
  assert.deepEqual(s.oms.openOrders().map((o) => o.status), ["pending-new"]);
  // The submit is still unanswered: it must time out into an ambiguous order.
  timer(60_000_000, "later");
  assert.deepEqual(s.oms.ambiguousOrders().map((o) => o.request.clientOrderId), [id]);
  assert.ok(alerts.includes("order-ambiguous"));
});

Deno.test("the kill switch flattens a position built from orders within the order-size limit", () => {
  const commands: OrderCommand[] = [];
  const strategy: Strategy = {
    name: "Builder",
    subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
    onTimer(_tag: string, ctx: StrategyContext) {
      ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "market", quantity: 1 });
    },
    snapshot: () => null,
    restore: () => {},
  };
  const s = recordingSession(strategy, commands, {
    risk: { maxOrderQuantity: 1, maxDrawdown: 0.1 },
  });
  const refusals: string[] = [];
  s.engine.bus.subscribe("refusal", (e) => refusals.push(e.refusal.rule));
  for (const [i, ts] of [1_000, 2_000].entries()) {
    s.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Builder", tag: "buy" });
    const command = commands[i];
    assert.ok(command?.type === "submit");
    s.engine.process({
      kind: "fill",
      ts: ts + 1,
      tsRecv: ts + 1,
      fill: { ...fillOf(command.request), tradeId: `t${i}` },
    });
    s.engine.process({
      kind: "order-update",
      ts: ts + 1,
      tsRecv: ts + 1,
      order: filled(command.request, ts + 1),
    });
  }
  assert.equal(s.portfolio.position(BTC.symbol).quantity.toString(), "2");
  assert.equal(s.drawdownAlert(10_000), undefined);
  const alert = s.drawdownAlert(8_000);
  assert.ok(alert !== undefined);
  s.engine.process(alert);
  assert.deepEqual(refusals, []);
  const flatten = commands[2];
  assert.ok(flatten?.type === "submit", "the kill switch sent no closing order");
  assert.deepEqual(
    [flatten.request.side, flatten.request.quantity.toString(), flatten.request.reduceOnly],
    ["sell", "2", true],
  );
});
