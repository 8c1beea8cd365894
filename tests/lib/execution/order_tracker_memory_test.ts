// The tracker's bounded memories of finished orders and applied trade ids: the oldest is
// forgotten first, however long the run.
import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import { OrderTracker } from "../../../lib/execution/order_tracker.ts";
import { accept, BTC, fillOf } from "./_oms_harness.ts";

function request(i: number): OrderRequest {
  return {
    clientOrderId: `c-${i}`,
    symbol: BTC.symbol,
    side: "buy",
    type: "market",
    quantity: decimal("0.01"),
    timeInForce: "ioc",
    reduceOnly: false,
  };
}

Deno.test("OrderTracker remembers the last 4096 finished orders: a report of an older one is unknown, of a newer one a duplicate", () => {
  const tracker = new OrderTracker();
  const finished = 4096 + 3;
  for (let i = 0; i < finished; i++) {
    tracker.sent(request(i), 0);
    assert.equal(tracker.report(accept(request(i), "filled")).kind, "finished");
  }
  for (let i = 0; i < 3; i++) {
    assert.equal(tracker.report(accept(request(i), "filled")).kind, "unknown", `c-${i}`);
    assert.equal(tracker.knows(`c-${i}`), false);
  }
  assert.equal(tracker.report(accept(request(3), "filled")).kind, "duplicate");
  assert.equal(tracker.report(accept(request(finished - 1), "filled")).kind, "duplicate");
  assert.equal(tracker.counts().unknownReports, 3);
  assert.equal(tracker.size, 0);
});

Deno.test("OrderTracker remembers the last 65,536 trade ids, oldest forgotten first, and a snapshot keeps the newest", () => {
  const tracker = new OrderTracker();
  const order = request(0);
  tracker.sent(order, 0);
  const trades = 65_536 + 2;
  for (let i = 0; i < trades; i++) {
    assert.equal(tracker.fill(fillOf(order, "0.00000001", `T${i}`)), "working");
  }
  // The two oldest are forgotten (a re-delivery applies again), the third is still a duplicate.
  assert.equal(tracker.fill(fillOf(order, "0.00000001", "T2")), "duplicate");
  assert.equal(tracker.fill(fillOf(order, "0.00000001", "T0")), "working");
  assert.deepEqual(tracker.recentTrades(3), [
    `${BTC.symbol}|T${trades - 2}`,
    `${BTC.symbol}|T${trades - 1}`,
    `${BTC.symbol}|T0`,
  ]);
  // Seeded ids (a restart) are duplicates, in the order given, after what is there.
  const restarted = new OrderTracker();
  restarted.seedTrades([`${BTC.symbol}|A`, `${BTC.symbol}|B`, `${BTC.symbol}|A`]);
  assert.deepEqual(restarted.recentTrades(10), [`${BTC.symbol}|A`, `${BTC.symbol}|B`]);
  assert.equal(restarted.fill(fillOf(order, "0.01", "B")), "duplicate");
  assert.equal(restarted.counts().duplicateFills, 1);
});

Deno.test("OrderTracker.fill says whose fill it is: a working order's, a finished one's, an unknown order's, or a duplicate", () => {
  const tracker = new OrderTracker();
  const [working, finished, unknown] = [request(0), request(1), request(2)];
  tracker.sent(working, 0);
  tracker.sent(finished, 0);
  tracker.report(accept(finished, "filled"));
  assert.equal(tracker.fill(fillOf(working, "0.01", "A")), "working");
  assert.equal(tracker.fill(fillOf(finished, "0.01", "B")), "late");
  assert.equal(tracker.fill(fillOf(unknown, "0.01", "C")), "unknown");
  assert.equal(tracker.fill(fillOf(working, "0.01", "A")), "duplicate");
  assert.deepEqual(
    [tracker.counts().lateFills, tracker.counts().unknownReports, tracker.counts().duplicateFills],
    [1, 1, 1],
  );
  assert.equal(
    tracker.remaining(tracker.get(working.clientOrderId) ?? assert.fail()).toString(),
    "0",
  );
});

Deno.test("OrderTracker: one trade id on two symbols is two trades; a snapshot keeps both keys", () => {
  const tracker = new OrderTracker();
  const order = request(0);
  const other = { ...order, symbol: "bybit:ETHUSDT" };
  tracker.sent(order, 0);
  assert.equal(tracker.fill(fillOf(order, "0.001", "T|1")), "working");
  assert.equal(tracker.fill({ ...fillOf(order, "0.001", "T|1"), symbol: other.symbol }), "working");
  assert.equal(tracker.fill(fillOf(order, "0.001", "T|1")), "duplicate");
  assert.deepEqual(tracker.recentTrades(5), [`${BTC.symbol}|T|1`, "bybit:ETHUSDT|T|1"]);
  // Keys come back apart at the first bar: a trade id may contain one, a symbol never does.
  const restarted = new OrderTracker();
  restarted.seedTrades(tracker.recentTrades(5));
  assert.equal(restarted.fill(fillOf(order, "0.001", "T|1")), "duplicate");
  assert.equal(
    restarted.fill({ ...fillOf(order, "0.001", "T|1"), symbol: other.symbol }),
    "duplicate",
  );
});
