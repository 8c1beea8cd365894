// A seeded property test: the OMS against an asynchronous fake venue with random latencies,
// reordered and duplicated reports, and answers that come after the acknowledgement timeout,
// over thousands of orders. Invariants: no order is sent twice, no cancel is sent twice, no
// amend follows a cancel, no fill is lost or booked twice, the position always equals the sum
// of the booked fills, and once everything is delivered the OMS agrees with the venue.
import assert from "node:assert/strict";
import { type Decimal, type Fill, isTerminal, ZERO } from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import {
  ClientIds,
  fixedQuantity,
  OrderManager,
  PreTradeRisk,
} from "../../../lib/execution/mod.ts";
import { mulberry32 } from "../indicators/_fixtures.ts";
import { AsyncVenue, Timeline } from "./_async_venue.ts";
import { BTC } from "./_oms_harness.ts";

const ACK_TIMEOUT = 50_000;

interface RunStats {
  readonly orders: number;
  readonly fills: number;
  readonly timeouts: number;
  readonly duplicateReports: number;
  readonly duplicateFills: number;
  readonly lateReports: number;
  readonly amends: number;
  readonly cancels: number;
}

function runSeed(seed: number, orders: number): RunStats {
  const random = mulberry32(seed);
  const timeline = new Timeline();
  let position: Decimal = ZERO;
  const booked: Fill[] = [];
  const bookedIds = new Set<string>();
  const submitted = new Set<string>();
  const cancelled = new Set<string>();
  let amends = 0;
  // The venue and the OMS refer to each other; the OMS is made once the venue exists.
  const late: { oms?: OrderManager } = {};
  const venue = new AsyncVenue(timeline, {
    random,
    commandLatency: [100, 5_000],
    reportLatency: [100, 20_000],
    stragglerChance: 0.01,
    stragglerDelay: 4 * ACK_TIMEOUT,
    duplicateChance: 0.05,
    rejectChance: 0.03,
  }, {
    orderUpdate: (order) => late.oms?.onOrderUpdate(order),
    amendRefused: (clientOrderId, symbol) =>
      late.oms?.onVenueAlert({ code: "amend-refused", message: "no", symbol, clientOrderId }),
    fill: (fill) => {
      const oms = late.oms;
      if (oms === undefined || !oms.recordFill(fill)) return;
      assert.ok(!bookedIds.has(fill.tradeId), `fill ${fill.tradeId} booked twice`);
      bookedIds.add(fill.tradeId);
      booked.push(fill);
      position = fill.side === "buy" ? position.plus(fill.quantity) : position.minus(fill.quantity);
      oms.onFill(fill);
    },
  });
  const check = (command: OrderCommand): void => {
    switch (command.type) {
      case "submit":
        assert.ok(!submitted.has(command.request.clientOrderId), "an order was sent twice");
        submitted.add(command.request.clientOrderId);
        return;
      case "cancel":
        assert.ok(
          !cancelled.has(command.clientOrderId),
          `${command.clientOrderId} cancelled twice`,
        );
        cancelled.add(command.clientOrderId);
        return;
      case "amend":
        assert.ok(!cancelled.has(command.clientOrderId), "an amend after the cancel");
        amends++;
        return;
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown command ${JSON.stringify(unknown)}`);
      }
    }
  };
  const manager = new OrderManager(
    {
      instruments: new Map([[BTC.symbol, BTC]]),
      sizer: fixedQuantity(0.003),
      risk: new PreTradeRisk(),
      clientIds: new ClientIds("prop", () => 0),
      clock: {
        now: () => timeline.now,
        setTimer: (at, tag) => timeline.at(at, () => late.oms?.onTimer(tag)),
      },
      ackTimeout: ACK_TIMEOUT,
    },
    {
      position: () => position,
      equity: () => 1e9,
      rateOf: () => 1,
      freeMargin: () => 1e12,
      leverage: () => 1,
      lastPrice: () => 50_000,
      volatility: () => undefined,
    },
    {
      send: (command) => {
        check(command);
        venue.send(command);
      },
    },
  );
  late.oms = manager;
  // The strategy: every ~2 ms one of submit, cancel, amend, a signal, or a trade at the venue.
  let made = 0;
  const act = (): void => {
    const roll = random();
    const open = manager.openOrders();
    const pick = () => open[Math.floor(random() * open.length)];
    if (roll < 0.4 && made < orders) {
      made++;
      manager.submitIntent({
        symbol: BTC.symbol,
        side: random() < 0.5 ? "buy" : "sell",
        type: "limit",
        quantity: 0.001 * (1 + Math.floor(random() * 5)),
        price: 49_000 + Math.floor(random() * 2_000),
      });
    } else if (roll < 0.55 && open.length > 0) {
      manager.cancelOrder(BTC.symbol, pick().request.clientOrderId);
    } else if (roll < 0.75 && open.length > 0) {
      const order = pick();
      const grow = random() < 0.2;
      manager.amendOrder(
        BTC.symbol,
        order.request.clientOrderId,
        grow
          ? { quantity: order.request.quantity.toNumber() + 0.001 }
          : { price: 49_000 + Math.floor(random() * 2_000) },
      );
    } else if (roll < 0.78) {
      made++;
      const kinds = ["enter-long", "enter-short", "flatten"] as const;
      manager.onSignal({
        symbol: BTC.symbol,
        kind: kinds[Math.floor(random() * kinds.length)],
        confidence: 1,
      });
    } else {
      venue.trade();
    }
    if (made < orders || open.length > 0) timeline.at(timeline.now + 2_000, act);
  };
  timeline.at(0, act);
  let steps = 0;
  while (timeline.step()) {
    steps++;
    assert.ok(steps < 5_000_000, "the run does not settle");
    // The position is the sum of the booked fills (checked on a sample of steps: it is O(n)).
    if (steps % 997 === 0) assertPositionIsSumOfFills(position, booked);
  }
  // Everything delivered: no fill lost, none booked twice, and the OMS agrees with the venue.
  assert.deepEqual([...bookedIds].sort(), [...venue.executions.keys()].sort());
  assertPositionIsSumOfFills(position, [...venue.executions.values()]);
  const local = new Map(manager.openOrders().map((o) => [o.request.clientOrderId, o]));
  for (const order of venue.working()) {
    const mine = local.get(order.request.clientOrderId);
    assert.ok(mine !== undefined, `${order.request.clientOrderId} works at the venue, not locally`);
    assert.equal(mine.status, order.status, order.request.clientOrderId);
    assert.equal(mine.filledQuantity.toString(), order.filledQuantity.toString());
    assert.equal(mine.request.price?.toString(), order.request.price?.toString());
    assert.equal(mine.request.quantity.toString(), order.request.quantity.toString());
    assert.equal(mine.ambiguous, undefined);
    local.delete(order.request.clientOrderId);
  }
  assert.deepEqual([...local.keys()], [], "orders working locally but finished at the venue");
  for (const order of venue.working()) assert.ok(!isTerminal(order.status));
  const counts = manager.counts();
  return {
    orders: submitted.size,
    fills: booked.length,
    timeouts: counts.timeouts,
    duplicateReports: counts.duplicateReports,
    duplicateFills: counts.duplicateFills,
    lateReports: counts.lateReports,
    amends,
    cancels: cancelled.size,
  };
}

function assertPositionIsSumOfFills(position: Decimal, fills: readonly Fill[]): void {
  let sum = ZERO;
  for (const fill of fills) {
    sum = fill.side === "buy" ? sum.plus(fill.quantity) : sum.minus(fill.quantity);
  }
  assert.equal(position.toString(), sum.toString());
}

Deno.test("OMS property: thousands of orders against a late, reordering, duplicating venue", () => {
  const totals = {
    orders: 0,
    fills: 0,
    timeouts: 0,
    duplicates: 0,
    duplicateFills: 0,
    late: 0,
    amends: 0,
    cancels: 0,
  };
  for (const seed of [1, 2, 3, 4, 5]) {
    const stats = runSeed(seed, 800);
    totals.orders += stats.orders;
    totals.fills += stats.fills;
    totals.timeouts += stats.timeouts;
    totals.duplicates += stats.duplicateReports;
    totals.duplicateFills += stats.duplicateFills;
    totals.late += stats.lateReports;
    totals.amends += stats.amends;
    totals.cancels += stats.cancels;
  }
  // The faults really happened (a test that cannot meet them proves nothing).
  assert.ok(totals.orders >= 3_500, `orders ${totals.orders}`);
  assert.ok(totals.fills > 1_000, `fills ${totals.fills}`);
  assert.ok(totals.timeouts > 10, `timeouts ${totals.timeouts}`);
  assert.ok(totals.duplicates > 100, `duplicate reports ${totals.duplicates}`);
  assert.ok(totals.duplicateFills > 10, `duplicate fills ${totals.duplicateFills}`);
  assert.ok(totals.late > 100, `late reports ${totals.late}`);
  assert.ok(totals.amends > 500, `amends ${totals.amends}`);
  assert.ok(totals.cancels > 500, `cancels ${totals.cancels}`);
});
