/**
 * `OrderManager.adoptVenueOrder`: an open venue order this OMS did not send (reconciliation's
 * `adopt` policy) is tracked from the venue's report on — the strategy sees it in its open
 * orders, its reports apply, its fill is booked once and is no unknown order — and nothing is
 * adopted twice, finished or without a client id.
 */

import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import { accept, BTC, fillOf, harness } from "./_oms_harness.ts";

const EXTERNAL: OrderRequest = {
  clientOrderId: "mm2-lz1abc-7",
  symbol: BTC.symbol,
  side: "buy",
  type: "limit",
  quantity: decimal("0.02"),
  price: decimal("49000"),
  timeInForce: "gtc",
  reduceOnly: false,
};

Deno.test("OrderManager.adoptVenueOrder tracks a venue order it did not send: open orders, reports, one booked fill, cancel", () => {
  const h = harness();
  assert.equal(h.oms.adoptVenueOrder(accept(EXTERNAL)), true);
  assert.deepEqual(
    h.oms.openOrders().map((o) => [o.request.clientOrderId, o.status, o.id]),
    [[EXTERNAL.clientOrderId, "accepted", `o-${EXTERNAL.clientOrderId}`]],
  );
  // Its fill is the adopted order's, booked once (the same trade id again is a duplicate).
  const fill = fillOf(EXTERNAL, "0.02", "t-1");
  assert.equal(h.oms.recordFill(fill), true);
  assert.equal(h.oms.recordFill(fill), false);
  assert.deepEqual(h.notices, []);
  assert.equal(h.oms.counts().unknownReports, 0);
  // Its report finishes it.
  assert.equal(h.oms.onOrderUpdate(accept(EXTERNAL, "filled")), true);
  assert.deepEqual(h.oms.openOrders(), []);
  // The strategy may cancel one it adopted: the cancel goes out like any other.
  const second = { ...EXTERNAL, clientOrderId: "manual-2" };
  assert.equal(h.oms.adoptVenueOrder(accept(second, "partially-filled", "0.01")), true);
  h.oms.cancelOrder(BTC.symbol, "manual-2");
  assert.deepEqual(h.canceled, ["manual-2"]);
  assert.equal(h.oms.openOrders()[0]?.status, "pending-cancel");
});

Deno.test("OrderManager.adoptVenueOrder refuses an order it tracks, a finished one and one without a client id", () => {
  const h = harness();
  assert.equal(h.oms.adoptVenueOrder(accept(EXTERNAL)), true);
  assert.equal(h.oms.adoptVenueOrder(accept(EXTERNAL)), false);
  assert.equal(
    h.oms.adoptVenueOrder(accept({ ...EXTERNAL, clientOrderId: "x-1" }, "canceled")),
    false,
  );
  assert.equal(h.oms.adoptVenueOrder(accept({ ...EXTERNAL, clientOrderId: "" })), false);
  assert.equal(h.oms.openOrders().length, 1);
});

Deno.test("OrderManager.adoptVenueOrder refuses an order whose end was reported after the listing it comes from (the catch-up delivered its fill and its end first)", () => {
  const h = harness();
  // Reconciliation listed the order open; its catch-up then delivered the order's fill (booked
  // as an unknown order's) and its filled report before the listing was compared.
  assert.equal(h.oms.recordFill(fillOf(EXTERNAL, "0.02", "t-1")), true);
  assert.equal(h.oms.onOrderUpdate(accept(EXTERNAL, "filled")), true);
  // Adopted from the older listing it would work here for good (the venue never reports it
  // again), and each later pass would find it missing at the venue and halt trading.
  assert.equal(h.oms.adoptVenueOrder(accept(EXTERNAL)), false);
  assert.deepEqual(h.oms.openOrders(), []);
});
