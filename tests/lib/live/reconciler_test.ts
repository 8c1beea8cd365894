/**
 * Reconciliation in the live runtime (venue execution): the venue's positions and balances are
 * adopted, an answer that failed is never flat and keeps trading halted, an order of ours the
 * OMS does not know keeps trading halted, an external order is listed but does not, and a
 * clean pass resumes trading.
 */

import assert from "node:assert/strict";
import type { ExecutionClient } from "../../../lib/broker/mod.ts";
import {
  type Balance,
  decimal,
  ExchangeError,
  type Order,
  type Position,
  ZERO,
} from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { LiveRuntime } from "../../../lib/live/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { instruments, SMA_PARAMS, START } from "./_paper.ts";

/** A venue account the test sets; order entry is not used here. */
class FakeAccount {
  positions: readonly Position[] | Error = [];
  balances: readonly Balance[] | Error = [
    { currency: "USDT", total: decimal("5000"), available: decimal("5000") },
  ];
  open: readonly Order[] = [];

  client(): ExecutionClient {
    const answer = <T>(value: T | Error): Promise<T> =>
      value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
    const refuse = (): Promise<never> => Promise.reject(new Error("not used"));
    return {
      venue: "bybit",
      placeOrder: refuse,
      cancelOrder: refuse,
      amendOrder: refuse,
      openOrders: () => Promise.resolve(this.open),
      positions: () => answer(this.positions),
      balances: () => answer(this.balances),
      instruments: refuse,
    };
  }
}

function venueOrder(clientOrderId: string): Order {
  return {
    id: `v-${clientOrderId}`,
    request: {
      clientOrderId,
      symbol: "bybit:BTCUSDT",
      side: "buy",
      type: "limit",
      quantity: decimal("0.01"),
      price: decimal("20000"),
      timeInForce: "gtc",
      reduceOnly: false,
    },
    status: "accepted",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: START,
    updatedTs: START,
  };
}

async function runtimeOn(account: FakeAccount): Promise<LiveRuntime> {
  const clock = new ManualClock(START);
  return new LiveRuntime({
    strategy: builtinStrategies.create("SmaCross", SMA_PARAMS),
    instruments: await instruments(),
    initialBalances: { USDT: 0 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock,
    sleeper: clock,
    dataInterval: "1m",
    feeds: [],
    buildCandles: false,
    orderVenue: { kind: "venue", client: account.client() },
  });
}

Deno.test("reconcile: the venue's position and wallet are adopted and trading stays active", async () => {
  const account = new FakeAccount();
  account.positions = [{
    symbol: "bybit:BTCUSDT",
    quantity: decimal("0.02"),
    entryPrice: decimal("25000"),
    realizedPnl: ZERO,
  }];
  const runtime = await runtimeOn(account);
  const outcome = await runtime.reconcileNow("start");
  assert.equal(outcome?.mismatch, false);
  assert.equal(outcome?.event.differences.length, 2);
  const { session } = runtime;
  assert.equal(session.portfolio.position("bybit:BTCUSDT").quantity.toString(), "0.02");
  assert.equal(session.portfolio.balances()[0].total.toString(), "5000");
  assert.equal(session.oms.tradingState, "active");
});

Deno.test("reconcile: a failed query is never flat — trading stays halted until a pass succeeds", async () => {
  const account = new FakeAccount();
  account.positions = new ExchangeError("timeout", "GET /v5/position/list timed out", {
    venue: "bybit",
  });
  const runtime = await runtimeOn(account);
  const failed = await runtime.reconcileNow("periodic");
  assert.equal(failed?.mismatch, true);
  assert.match(
    failed?.unknown[0] ?? "",
    /positions: bybit timeout: GET \/v5\/position\/list timed out/,
  );
  assert.equal(failed?.event.positions.status, "unknown");
  assert.equal(runtime.session.oms.tradingState, "halted");
  // Halted: an order is refused before it leaves.
  runtime.inEngine(() => {
    runtime.session.oms.submitIntent({
      symbol: "bybit:BTCUSDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
  });
  assert.deepEqual(runtime.session.oms.rejections().counts, { "trading-halted": 1 });
  account.positions = [];
  const clean = await runtime.reconcileNow("periodic");
  assert.equal(clean?.mismatch, false);
  assert.equal(runtime.session.oms.tradingState, "active");
});

Deno.test("reconcile: an unknown order with our prefix halts; an external one is listed, not acted on", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account);
  const prefix = runtime.session.oms.snapshot().clientIds.prefix;
  account.open = [venueOrder("manual-1")];
  const external = await runtime.reconcileNow("periodic");
  assert.equal(external?.mismatch, false);
  assert.deepEqual(external?.orders, [
    { clientOrderId: "manual-1", symbol: "bybit:BTCUSDT", kind: "external" },
  ]);
  account.open = [venueOrder("manual-1"), venueOrder(`${prefix}-x-9`)];
  const ours = await runtime.reconcileNow("periodic");
  assert.equal(ours?.mismatch, true);
  assert.deepEqual(ours?.orders.map((o) => o.kind), ["external", "unknown-ours"]);
  assert.equal(runtime.session.oms.tradingState, "halted");
});

Deno.test("reconcile: a kill switch that tripped during a halt wins over the state from before", async () => {
  const account = new FakeAccount();
  account.balances = new ExchangeError("unavailable", "503", { venue: "bybit" });
  const runtime = await runtimeOn(account);
  await runtime.reconcileNow("periodic");
  runtime.session.risk.latchKillSwitch(0.2);
  account.balances = [];
  await runtime.reconcileNow("periodic");
  assert.equal(runtime.session.oms.tradingState, "reducing-only");
});
