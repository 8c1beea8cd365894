/**
 * Reconciliation in the live runtime (venue execution): the venue's positions and balances are
 * adopted, an answer that failed is never flat and keeps trading halted, an order of ours the
 * OMS does not know is adopted or cancelled like an external one (halting only while its cancel
 * is refused) and its id is never made again, and a clean pass resumes trading.
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
import { LiveRuntime, type LiveRuntimeOptions } from "../../../lib/live/mod.ts";
import type { AlertEvent } from "../../../lib/events/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { instruments, SMA_PARAMS, START } from "./_paper.ts";

/** A venue account the test sets; order entry is not used here. */
class FakeAccount {
  positions: readonly Position[] | Error = [];
  balances: readonly Balance[] | Error = [
    { currency: "USDT", total: decimal("5000"), available: decimal("5000") },
  ];
  open: readonly Order[] = [];
  /** Cancels asked for, as `symbol client-id`. */
  readonly cancels: string[] = [];
  /** The answers of the next cancels: an error refuses one; none left: accepted. */
  cancelRefusals: Error[] = [];
  /** What a query by id answers, by client id (undefined: no such order); default: the listing. */
  readonly byId = new Map<string, Order | Error | undefined>();

  client(): ExecutionClient {
    const answer = <T>(value: T | Error): Promise<T> =>
      value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
    const refuse = (): Promise<never> => Promise.reject(new Error("not used"));
    return {
      venue: "bybit",
      placeOrder: refuse,
      cancelOrder: (symbol, clientOrderId) => {
        this.cancels.push(`${symbol} ${clientOrderId}`);
        const refusal = this.cancelRefusals.shift();
        if (refusal !== undefined) return Promise.reject(refusal);
        const order = this.open.find((o) => o.request.clientOrderId === clientOrderId);
        if (order === undefined) return Promise.reject(new Error(`${clientOrderId} not open`));
        this.open = this.open.filter((o) => o !== order);
        return Promise.resolve({ ...order, status: "canceled" });
      },
      amendOrder: refuse,
      openOrders: () => Promise.resolve(this.open),
      orderByClientId: (_symbol, clientOrderId) =>
        answer(
          this.byId.has(clientOrderId)
            ? this.byId.get(clientOrderId)
            : this.open.find((o) => o.request.clientOrderId === clientOrderId),
        ),
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

async function runtimeOn(
  account: FakeAccount,
  options: Partial<LiveRuntimeOptions> = {},
): Promise<LiveRuntime> {
  const clock = new ManualClock(START);
  return new LiveRuntime({
    ...options,
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

Deno.test("reconcile: an unknown order of our shape (a lost state file) is adopted, trading stays active, and its id is never made again", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account);
  const { oms } = runtime.session;
  const prefix = oms.clientIds.prefix;
  account.open = [venueOrder("manual-1"), venueOrder(`${prefix}-lz1abc-9`)];
  const outcome = await runtime.reconcileNow("periodic");
  assert.deepEqual(outcome?.orders, [
    { clientOrderId: "manual-1", symbol: "bybit:BTCUSDT", kind: "external", action: "adopted" },
    {
      clientOrderId: `${prefix}-lz1abc-9`,
      symbol: "bybit:BTCUSDT",
      kind: "unknown-ours",
      action: "adopted",
    },
  ]);
  assert.equal(outcome?.mismatch, false);
  assert.equal(oms.tradingState, "active");
  assert.deepEqual(
    oms.openOrders().map((o) => o.request.clientOrderId),
    ["manual-1", `${prefix}-lz1abc-9`],
  );
  // The generator takes that run's epoch and goes on after its counter (9): never the same id.
  assert.equal(oms.clientIds.next(), `${prefix}-lz1abc-a`);
  assert.deepEqual(account.cancels, []);
  const again = await runtime.reconcileNow("periodic");
  assert.deepEqual(again?.orders, []);
});

Deno.test("reconcile: an unknown order of ours whose cancel the venue refuses keeps trading halted until a pass cancels it", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account, { unknownOrderPolicy: "cancel" });
  const { oms } = runtime.session;
  const prefix = oms.clientIds.prefix;
  // This process already made ids of its own epoch: another run's id of ours is moved past only
  // when it shares the epoch (ids of other epochs cannot collide).
  const mine = oms.clientIds.next();
  const epoch = mine.split("-")[1];
  account.open = [venueOrder(`${prefix}-${epoch}-5`)];
  account.cancelRefusals = [new ExchangeError("unavailable", "503", { venue: "bybit" })];
  const refused = await runtime.reconcileNow("periodic");
  assert.equal(refused?.orders[0]?.action, "cancel-refused");
  assert.equal(refused?.mismatch, true);
  assert.equal(oms.tradingState, "halted");
  assert.deepEqual(oms.openOrders(), []);
  const canceled = await runtime.reconcileNow("periodic");
  assert.deepEqual(canceled?.orders.map((o) => [o.kind, o.action]), [["unknown-ours", "canceled"]]);
  assert.equal(canceled?.mismatch, false);
  assert.equal(oms.tradingState, "active");
  assert.equal(account.open.length, 0);
  assert.equal(oms.clientIds.next(), `${prefix}-${epoch}-6`);
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

Deno.test("reconcile: a difference adopted above live.reconciliation_threshold raises reconciliation-adopted; one below it is only logged", async () => {
  const account = new FakeAccount();
  const alerts: AlertEvent[] = [];
  const runtime = await runtimeOn(account, {
    reconciliationThreshold: 0.001,
    onEvent: (event) => {
      if (event.kind === "alert") alerts.push(event);
    },
  });
  // The fresh start's pass takes the venue's figures as its baseline: nothing to alert about.
  const start = await runtime.reconcileNow("start");
  assert.equal(start?.event.differences.length, 1);
  assert.equal(alerts.length, 0);
  // The wallet moved by 0.0001% (a fee rounding): adopted and logged, under the threshold.
  account.balances = [{ currency: "USDT", total: decimal("5000.005"), available: decimal("5000") }];
  const small = await runtime.reconcileNow("periodic");
  assert.equal(small?.event.differences[0]?.action, "adopted");
  assert.equal(alerts.length, 0);
  // A position the ledger does not hold: 100% of it differs.
  account.positions = [{
    symbol: "bybit:BTCUSDT",
    quantity: decimal("0.02"),
    entryPrice: decimal("25000"),
    realizedPnl: ZERO,
  }];
  const large = await runtime.reconcileNow("periodic");
  assert.equal(large?.event.differences.length, 1);
  assert.equal(runtime.session.portfolio.position("bybit:BTCUSDT").quantity.toString(), "0.02");
  assert.deepEqual(alerts.map((a) => [a.code, a.severity, a.symbol]), [
    ["reconciliation-adopted", "warning", "bybit:BTCUSDT"],
  ]);
  assert.match(
    alerts[0].message,
    /^reconciliation \(periodic\) adopted .*threshold 0\.1%: bybit:BTCUSDT position 0 → 0\.02 \(100%\)$/,
  );
  // The same figures again: nothing adopted, nothing raised.
  await runtime.reconcileNow("periodic");
  assert.equal(alerts.length, 1);
});

Deno.test("reconcile: the threshold is a fraction of the larger of the two figures (a balance 28.6% off stays quiet under 0.5, 57% alerts)", async () => {
  const account = new FakeAccount();
  const alerts: AlertEvent[] = [];
  const runtime = await runtimeOn(account, {
    reconciliationThreshold: 0.5,
    onEvent: (event) => {
      if (event.kind === "alert") alerts.push(event);
    },
  });
  await runtime.reconcileNow("start");
  // 5000 → 7000 is 28.6% of the larger figure: under 50%.
  account.balances = [{ currency: "USDT", total: decimal("7000"), available: decimal("7000") }];
  await runtime.reconcileNow("periodic");
  assert.equal(alerts.length, 0);
  // 7000 → 3000 is 57%: above.
  account.balances = [{ currency: "USDT", total: decimal("3000"), available: decimal("3000") }];
  await runtime.reconcileNow("periodic");
  assert.deepEqual(alerts.map((a) => a.code), ["reconciliation-adopted"]);
  assert.match(alerts[0].message, /: USDT balance 7000 → 3000 \(57\.14%\)$/);
});

Deno.test("reconcile: ours is the full client-id shape — another strategy's prefix that extends ours (mm2 vs mm) is external", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account, { unknownOrderPolicy: "cancel" });
  const prefix = runtime.session.oms.clientIds.prefix;
  account.open = [
    venueOrder(`${prefix}2-lz1abc-1`),
    venueOrder(`${prefix}-lz1abc`),
    venueOrder(`${prefix}-lz1abc-2`),
  ];
  const outcome = await runtime.reconcileNow("periodic");
  assert.deepEqual(outcome?.orders.map((o) => [o.clientOrderId, o.kind, o.action]), [
    [`${prefix}2-lz1abc-1`, "external", "canceled"],
    [`${prefix}-lz1abc`, "external", "canceled"],
    [`${prefix}-lz1abc-2`, "unknown-ours", "canceled"],
  ]);
  assert.deepEqual(account.cancels, [
    `bybit:BTCUSDT ${prefix}2-lz1abc-1`,
    `bybit:BTCUSDT ${prefix}-lz1abc`,
    `bybit:BTCUSDT ${prefix}-lz1abc-2`,
  ]);
  assert.equal(outcome?.mismatch, false);
});

Deno.test("reconcile: unknown_order_policy adopt (the default) puts the venue order into the OMS; the next pass has nothing to report", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account);
  account.open = [venueOrder("manual-1")];
  const first = await runtime.reconcileNow("periodic");
  assert.deepEqual(first?.orders, [
    { clientOrderId: "manual-1", symbol: "bybit:BTCUSDT", kind: "external", action: "adopted" },
  ]);
  assert.equal(first?.mismatch, false);
  assert.deepEqual(
    runtime.session.oms.openOrders().map((o) => [o.request.clientOrderId, o.status]),
    [["manual-1", "accepted"]],
  );
  assert.deepEqual(account.cancels, []);
  const second = await runtime.reconcileNow("periodic");
  assert.deepEqual(second?.orders, []);
  assert.equal(runtime.session.oms.tradingState, "active");
});

Deno.test("reconcile: a cancel the venue refuses (rate limited) is sent again on the next pass, not forgotten", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account, { unknownOrderPolicy: "cancel" });
  account.open = [venueOrder("manual-1")];
  account.cancelRefusals = [
    new ExchangeError("rate-limit", "10006 too many visits", { venue: "bybit" }),
  ];
  const refused = await runtime.reconcileNow("periodic");
  assert.equal(refused?.orders[0]?.action, "cancel-refused");
  assert.match(refused?.orders[0]?.reason ?? "", /bybit rate-limit: 10006 too many visits/);
  assert.equal(account.open.length, 1);
  // Not adopted meanwhile: the OMS does not hold it.
  assert.deepEqual(runtime.session.oms.openOrders(), []);
  const again = await runtime.reconcileNow("periodic");
  assert.equal(again?.orders[0]?.action, "canceled");
  assert.deepEqual(account.cancels, ["bybit:BTCUSDT manual-1", "bybit:BTCUSDT manual-1"]);
  assert.equal(account.open.length, 0);
  const clean = await runtime.reconcileNow("periodic");
  assert.deepEqual(clean?.orders, []);
  assert.equal(account.cancels.length, 2);
});

Deno.test("reconcile: onReconciliation sees every pass, back to back (metrics count each, not a sample)", async () => {
  const account = new FakeAccount();
  const seen: string[] = [];
  const runtime = await runtimeOn(account, {
    unknownOrderPolicy: "cancel",
    onReconciliation: (pass) =>
      seen.push(`${pass.reason}:${pass.orders.map((o) => o.action).join(",")}`),
  });
  account.open = [venueOrder("manual-1")];
  account.cancelRefusals = [new ExchangeError("unavailable", "503", { venue: "bybit" })];
  await runtime.reconcileNow("start");
  await runtime.reconcileNow("reconnect");
  assert.deepEqual(seen, ["start:cancel-refused", "reconnect:canceled"]);
});

Deno.test("reconcile: an order the OMS saw finish, listed open, whose query by id fails or finds nothing: nothing sent, halted until a pass settles it", async () => {
  const account = new FakeAccount();
  const runtime = await runtimeOn(account, { unknownOrderPolicy: "cancel" });
  const { oms } = runtime.session;
  const id = `${oms.clientIds.prefix}-lz1abc-3`;
  oms.restore({ ...oms.snapshot(), finishedOrderIds: [id] });
  account.open = [venueOrder(id)];
  account.byId.set(
    id,
    new ExchangeError("timeout", "GET /v5/order/realtime timed out", {
      venue: "bybit",
    }),
  );
  const failed = await runtime.reconcileNow("periodic");
  assert.deepEqual(failed?.orders.map((o) => [o.kind, o.action]), [
    ["finished-listed", "query-failed"],
  ]);
  assert.match(failed?.orders[0]?.reason ?? "", /timed out/);
  assert.equal(failed?.mismatch, true);
  assert.equal(oms.tradingState, "halted");
  // Listed, yet unknown to the query by id.
  account.byId.set(id, undefined);
  const unknown = await runtime.reconcileNow("periodic");
  assert.deepEqual(unknown?.orders.map((o) => [o.kind, o.action, o.reason]), [
    ["finished-listed", "query-failed", "the venue has no order of this id"],
  ]);
  assert.equal(unknown?.mismatch, true);
  // Finished at the venue: the listing was stale.
  account.byId.set(id, { ...venueOrder(id), status: "filled" });
  const settled = await runtime.reconcileNow("periodic");
  assert.deepEqual(settled?.orders.map((o) => [o.kind, o.action, o.reason]), [
    ["finished-listed", "stale-listing", "the venue has it filled"],
  ]);
  assert.equal(settled?.mismatch, false);
  assert.equal(oms.tradingState, "active");
  assert.deepEqual(account.cancels, []);
});
