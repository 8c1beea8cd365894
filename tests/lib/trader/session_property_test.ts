// The seeded property test through the whole session: a strategy trading at random (orders,
// cancels, amends, signals) on timers, the session's OMS, portfolio and engine, and an
// asynchronous fake venue behind the venue port whose reports come late, reordered, twice, or
// after the acknowledgement timeout. Invariants: no order is sent twice, no cancel twice, no
// amend after a cancel, no fill lost or booked twice, the portfolio's position always equals
// the sum of the booked fills, and once everything is delivered the OMS agrees with the venue.
import assert from "node:assert/strict";
import type { VenuePort } from "../../../lib/broker/mod.ts";
import { type Decimal, type Fill, ZERO } from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { AsyncVenue, Timeline } from "../execution/_async_venue.ts";
import { BTC } from "../execution/_oms_harness.ts";
import { mulberry32 } from "../indicators/_fixtures.ts";

const STEP = 2_000;

/** Trades at random on its timer, one action per tick, until it made `orders` orders. */
class RandomTrader implements Strategy {
  readonly name = "random";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  made = 0;
  constructor(readonly random: () => number, readonly orders: number) {}
  onTimer(_tag: string, ctx: StrategyContext): void {
    const roll = this.random();
    const open = ctx.openOrders(BTC.symbol);
    const pick = () => open[Math.floor(this.random() * open.length)];
    if (roll < 0.4 && this.made < this.orders) {
      this.made++;
      ctx.submitOrder({
        symbol: BTC.symbol,
        side: this.random() < 0.5 ? "buy" : "sell",
        type: "limit",
        quantity: 0.001 * (1 + Math.floor(this.random() * 5)),
        price: 49_000 + Math.floor(this.random() * 2_000),
      });
    } else if (roll < 0.55 && open.length > 0) {
      ctx.cancelOrder(BTC.symbol, pick().request.clientOrderId);
    } else if (roll < 0.75 && open.length > 0) {
      const order = pick();
      ctx.amendOrder(
        BTC.symbol,
        order.request.clientOrderId,
        this.random() < 0.2
          ? { quantity: order.request.quantity.toNumber() + 0.001 }
          : { price: 49_000 + Math.floor(this.random() * 2_000) },
      );
    } else if (roll < 0.78) {
      this.made++;
      const kinds = ["enter-long", "enter-short", "flatten"] as const;
      ctx.signal({ symbol: BTC.symbol, kind: kinds[Math.floor(this.random() * 3)], confidence: 1 });
    }
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

function sumOf(fills: readonly Fill[]): Decimal {
  let sum = ZERO;
  for (const f of fills) sum = f.side === "buy" ? sum.plus(f.quantity) : sum.minus(f.quantity);
  return sum;
}

function runSeed(seed: number, orders: number) {
  const random = mulberry32(seed);
  const timeline = new Timeline();
  const strategy = new RandomTrader(random, orders);
  const submitted = new Set<string>();
  const cancelled = new Set<string>();
  let venue: AsyncVenue | undefined;
  const session = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 1e9 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.003),
    ackTimeoutMs: 50,
  }, ({ inbox }): VenuePort => {
    const at = (): number => timeline.now;
    venue = new AsyncVenue(timeline, {
      random,
      commandLatency: [100, 5_000],
      reportLatency: [100, 20_000],
      stragglerChance: 0.01,
      stragglerDelay: 200_000,
      duplicateChance: 0.05,
      rejectChance: 0.03,
    }, {
      orderUpdate: (order) => inbox({ kind: "order-update", ts: at(), tsRecv: at(), order }),
      fill: (fill) => inbox({ kind: "fill", ts: at(), tsRecv: at(), fill }),
      amendRefused: (clientOrderId, symbol) =>
        inbox({
          kind: "alert",
          ts: at(),
          tsRecv: at(),
          severity: "warning",
          code: "amend-refused",
          message: `amend of ${clientOrderId} refused`,
          symbol,
          clientOrderId,
        }),
    });
    const fake = venue;
    return {
      venue: "fake-async",
      send(command: OrderCommand): void {
        switch (command.type) {
          case "submit":
            assert.ok(!submitted.has(command.request.clientOrderId), "an order was sent twice");
            submitted.add(command.request.clientOrderId);
            break;
          case "cancel":
            assert.ok(
              !cancelled.has(command.clientOrderId),
              `${command.clientOrderId} cancelled twice`,
            );
            cancelled.add(command.clientOrderId);
            break;
          case "amend":
            assert.ok(!cancelled.has(command.clientOrderId), "an amend after the cancel");
            break;
        }
        fake.send(command);
      },
    };
  });
  assert.ok(venue !== undefined);
  const fake = venue;
  session.host("1m");
  session.portfolio.mark(BTC.symbol, 50_000);
  const tick = (): void => {
    const now = timeline.now;
    session.engine.process({
      kind: "timer",
      ts: now,
      tsRecv: now,
      owner: strategy.name,
      tag: "act",
    });
    if (random() < 0.2) fake.trade();
    if (strategy.made < orders || session.oms.openOrders().length > 0) {
      timeline.at(now + STEP, tick);
    }
  };
  timeline.at(STEP, tick);
  let steps = 0;
  while (timeline.step()) {
    steps++;
    assert.ok(steps < 5_000_000, "the run does not settle");
    if (steps % 997 === 0) {
      const booked = session.fills.map((f) => f.fill);
      assert.equal(
        session.portfolio.position(BTC.symbol).quantity.toString(),
        sumOf(booked).toString(),
      );
    }
  }
  session.engine.drain();
  const booked = session.fills.map((f) => f.fill);
  const ids = booked.map((f) => f.tradeId);
  assert.equal(new Set(ids).size, ids.length, "a fill booked twice");
  assert.deepEqual([...ids].sort(), [...fake.executions.keys()].sort(), "a fill lost");
  assert.equal(
    session.portfolio.position(BTC.symbol).quantity.toString(),
    sumOf([...fake.executions.values()]).toString(),
  );
  const local = new Map(session.oms.openOrders().map((o) => [o.request.clientOrderId, o]));
  for (const order of fake.working()) {
    const mine = local.get(order.request.clientOrderId);
    assert.ok(mine !== undefined, `${order.request.clientOrderId} works at the venue, not locally`);
    assert.deepEqual(
      [mine.status, mine.filledQuantity.toString(), mine.request.price?.toString(), mine.ambiguous],
      [order.status, order.filledQuantity.toString(), order.request.price?.toString(), undefined],
    );
    local.delete(order.request.clientOrderId);
  }
  assert.deepEqual([...local.keys()], [], "orders working locally but finished at the venue");
  return { orders: submitted.size, fills: booked.length, counts: session.oms.counts() };
}

Deno.test("session property: thousands of orders through the session against a late, reordering, duplicating venue", () => {
  let orders = 0;
  let fills = 0;
  let timeouts = 0;
  let duplicateFills = 0;
  for (const seed of [11, 12, 13, 14]) {
    const run = runSeed(seed, 800);
    orders += run.orders;
    fills += run.fills;
    timeouts += run.counts.timeouts;
    duplicateFills += run.counts.duplicateFills;
  }
  assert.ok(orders >= 2_800, `orders ${orders}`);
  assert.ok(fills > 500, `fills ${fills}`);
  assert.ok(timeouts > 5, `timeouts ${timeouts}`);
  assert.ok(duplicateFills > 5, `duplicate fills ${duplicateFills}`);
});
