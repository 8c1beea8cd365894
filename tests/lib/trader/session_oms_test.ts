// The session's OMS wiring: refusals and notices published as events, OMS timers through the
// engine's scheduler, fills reported twice booked once, the kill switch → reducing-only.
import assert from "node:assert/strict";
import { decimal, type Order, ZERO } from "../../../lib/domain/mod.ts";
import type { Event, OrderCommand } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { OMS_TIMER_OWNER, TradingSession } from "../../../lib/trader/mod.ts";
import { BTC } from "../execution/_oms_harness.ts";

/** Places one limit buy of `quantity` on its timer. */
function placer(quantity: number): Strategy & { readonly ids: (string | undefined)[] } {
  const ids: (string | undefined)[] = [];
  return {
    name: "Placer",
    subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
    ids,
    onTimer(_tag: string, ctx: StrategyContext) {
      ids.push(
        ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "limit", quantity, price: 100 }),
      );
    },
    snapshot: () => null,
    restore: () => {},
  };
}

function session(strategy: Strategy, extra: { ackTimeoutMs?: number; maxDrawdown?: number } = {}) {
  const commands: OrderCommand[] = [];
  const s = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 1_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
    ackTimeoutMs: extra.ackTimeoutMs,
    risk: extra.maxDrawdown === undefined ? {} : { maxDrawdown: extra.maxDrawdown },
  }, () => ({ venue: "recorder", send: (command: OrderCommand) => void commands.push(command) }));
  const events: Event[] = [];
  s.engine.bus.subscribe("refusal", (e) => events.push(e));
  s.engine.bus.subscribe("alert", (e) => events.push(e));
  s.host("1m");
  s.portfolio.mark(BTC.symbol, 100);
  const timer = (ts: number, owner = "Placer"): void =>
    s.engine.process({ kind: "timer", ts, tsRecv: ts, owner, tag: "go" });
  return { session: s, commands, events, timer };
}

Deno.test("a refusal is published as a refusal event with its rule and numbers", () => {
  const strategy = placer(20); // 2,000 USDT of margin on 1,000
  const { events, timer } = session(strategy);
  timer(1_000);
  assert.deepEqual(strategy.ids, [undefined]);
  assert.equal(events.length, 1);
  const [event] = events;
  assert.ok(event.kind === "refusal");
  assert.equal(event.ts, 1_000);
  assert.deepEqual(
    [event.refusal.rule, event.refusal.limit, event.refusal.requested, event.refusal.current],
    ["insufficient-margin", 1_000, 2_000, 0],
  );
});

Deno.test("a refusal nobody listens for is counted but builds no event", () => {
  const strategy = placer(20);
  const s = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 1_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
  }, () => ({ venue: "recorder", send: () => {} }));
  s.host("1m");
  s.portfolio.mark(BTC.symbol, 100);
  s.engine.process({ kind: "timer", ts: 1_000, tsRecv: 1_000, owner: "Placer", tag: "go" });
  assert.deepEqual(strategy.ids, [undefined]);
  assert.deepEqual(s.oms.rejections().counts, { "insufficient-margin": 1 });
  // The timer alone: no refusal event went through the engine.
  assert.equal(s.engine.processed, 1);
  // A listener subscribed later gets the next one.
  const later: string[] = [];
  s.engine.bus.subscribe("refusal", (e) => later.push(e.refusal.rule));
  s.engine.process({ kind: "timer", ts: 2_000, tsRecv: 2_000, owner: "Placer", tag: "go" });
  assert.deepEqual(later, ["insufficient-margin"]);
  assert.equal(s.engine.processed, 3);
});

Deno.test("the session's client ids carry the strategy's name and the run's first order time", () => {
  const strategy = placer(1);
  const { commands, timer } = session(strategy);
  timer(1_704_067_200_000_000);
  const [command] = commands;
  assert.ok(command.type === "submit");
  assert.equal(command.request.clientOrderId, `Placer-${(1_704_067_200_000).toString(36)}-1`);
});

Deno.test("an unanswered submit times out through the engine's scheduler into an order-ambiguous alert", () => {
  const strategy = placer(1);
  const { session: s, commands, events, timer } = session(strategy, { ackTimeoutMs: 5_000 });
  timer(1_000_000);
  assert.equal(commands.length, 1);
  assert.equal(s.engine.scheduled, 1);
  // Any later event lets the due OMS timer fire first.
  timer(7_000_000, "someone-else");
  assert.deepEqual(events.map((e) => e.kind === "alert" && [e.code, e.severity, e.ts]), [
    ["order-ambiguous", "critical", 6_000_000],
  ]);
  assert.match(
    events[0].kind === "alert" ? events[0].message : "",
    /no answer to the new of Placer-.*-1; its state is unknown until reconciled \(not resent\)/,
  );
  assert.equal(commands.length, 1);
  assert.equal(s.oms.ambiguousOrders().length, 1);
  assert.equal(OMS_TIMER_OWNER, "@oms");
});

Deno.test("a fill reported twice is booked once; a report of an order never sent raises order-unknown", () => {
  const strategy = placer(1);
  const { session: s, commands, events, timer } = session(strategy);
  timer(1_000);
  const [command] = commands;
  assert.ok(command.type === "submit");
  const fill = {
    orderId: "v1",
    clientOrderId: command.request.clientOrderId,
    symbol: BTC.symbol,
    side: "buy" as const,
    price: decimal("100"),
    quantity: decimal("1"),
    fee: ZERO,
    feeCurrency: "USDT",
    liquidity: "maker" as const,
    tradeId: "T1",
  };
  s.engine.process({ kind: "fill", ts: 2_000, tsRecv: 2_000, fill });
  s.engine.process({ kind: "fill", ts: 3_000, tsRecv: 3_000, fill });
  assert.equal(s.portfolio.position(BTC.symbol).quantity.toString(), "1");
  assert.equal(s.fills.length, 1);
  assert.equal(s.oms.counts().duplicateFills, 1);
  const foreign: Order = {
    id: "v9",
    request: { ...command.request, clientOrderId: "web-9" },
    status: "accepted",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: 4_000,
    updatedTs: 4_000,
  };
  s.engine.process({ kind: "order-update", ts: 4_000, tsRecv: 4_000, order: foreign });
  assert.deepEqual(events.map((e) => e.kind === "alert" && e.code), ["order-unknown"]);
});

Deno.test("the drawdown kill switch puts the OMS in reducing-only", () => {
  const { session: s } = session(placer(1), { maxDrawdown: 0.1 });
  assert.equal(s.drawdownAlert(1_000), undefined);
  assert.equal(s.oms.tradingState, "active");
  const alert = s.drawdownAlert(800);
  assert.ok(alert !== undefined);
  s.engine.process(alert);
  assert.equal(s.oms.tradingState, "reducing-only");
});
