/**
 * A report that carries more fills than the last one is newer, whatever its time says: fills
 * only grow. Update times come from different clocks (a REST acknowledgement is stamped from
 * our estimate of the venue's clock, a stream report by the venue), so an acknowledgement
 * stamped a few milliseconds "late" must not make the venue's Filled report look stale — the
 * OMS then kept a filled order open and the reconciliation halted trading on it for good
 * (found by the 50-fault `live run` test).
 */

import assert from "node:assert/strict";
import { decimal, type Order, type OrderRequest } from "../../../lib/domain/mod.ts";
import { OrderTracker } from "../../../lib/execution/order_tracker.ts";

const REQUEST: OrderRequest = {
  clientOrderId: "t-progress-1",
  symbol: "bybit:BTCUSDT",
  side: "sell",
  type: "market",
  quantity: decimal("0.01"),
  timeInForce: "ioc",
  reduceOnly: false,
};

const report = (status: Order["status"], filled: string, updatedTs: number): Order => ({
  id: "v-1",
  request: REQUEST,
  status,
  filledQuantity: decimal(filled),
  averagePrice: filled === "0" ? undefined : decimal("50000"),
  createdTs: 1_000,
  updatedTs,
});

Deno.test("OrderTracker: a Filled report stamped before an acknowledgement that carries no fill still finishes the order", () => {
  const tracker = new OrderTracker();
  tracker.sent(REQUEST, 0);
  assert.equal(tracker.report(report("accepted", "0", 5_000)).kind, "applied");
  assert.equal(tracker.report(report("filled", "0.01", 3_000)).kind, "finished");
  assert.equal(tracker.get(REQUEST.clientOrderId), undefined, "no longer working");
});

Deno.test("OrderTracker: an older report with no more fills than the last one is still stale", () => {
  const tracker = new OrderTracker();
  tracker.sent(REQUEST, 0);
  assert.equal(tracker.report(report("partially-filled", "0.005", 5_000)).kind, "applied");
  assert.equal(tracker.report(report("accepted", "0", 6_000)).kind, "late", "fewer fills");
  assert.equal(tracker.report(report("canceled", "0.005", 4_000)).kind, "late", "older, no fill");
  assert.equal(tracker.get(REQUEST.clientOrderId)?.venue?.status, "partially-filled");
});
