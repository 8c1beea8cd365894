// Review of the tick matching engine: reduce-only capping, the data/command tie rule, FOK with
// reduce-only, and quantity that could be lost or counted twice.
import assert from "node:assert/strict";
import {
  delta,
  fillSummary,
  lastStatus,
  makeVenue,
  request,
  snapshot,
  standardBook,
  submit,
  trade,
  XBT,
} from "./_helpers.ts";
import type { TickVenue } from "../../../../lib/venues/mod.ts";

/** Opens a long position of `quantity` with a market buy at local time 1. */
function goLong(venue: TickVenue, quantity: number): void {
  submit(venue, { side: "buy", quantity }, 1);
  venue.processArrivals(1);
}

function lastOrder(seen: ReturnType<typeof makeVenue>["seen"], id: string) {
  return seen.updates.filter((u) => u.order.request.clientOrderId === id).at(-1)?.order;
}

// 1. Reduce-only capping.

Deno.test("a marketable GTC reduce-only order capped at the position ends filled at the capped quantity", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  goLong(venue, 200);
  submit(venue, { side: "sell", quantity: 500, price: 100, reduceOnly: true, id: "r" }, 1);
  venue.processArrivals(1);
  assert.equal(venue.position(XBT), 0);
  const order = lastOrder(seen, "r");
  assert.equal(order?.status, "filled");
  assert.equal(String(order?.request.quantity), "200");
  assert.equal(String(order?.filledQuantity), "200");
  // Nothing of it rests: a later sell-side sweep at 100 finds no order of ours.
  venue.onMarketData(trade(2, 100, 5000, "buy"), 2);
  assert.equal(seen.fills.length, 2);
});

Deno.test("a resting GTC reduce-only order capped part-way by a passive fill ends filled", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  goLong(venue, 200);
  submit(venue, { side: "sell", quantity: 500, price: 100.5, reduceOnly: true, id: "r" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100.5, 1000, "buy"), 2);
  assert.deepEqual(fillSummary(seen).slice(1).map((s) => s.split(" fee")[0]), [
    "2 sell 200@100.5 maker",
  ]);
  const order = lastOrder(seen, "r");
  assert.equal(order?.status, "filled");
  assert.equal(String(order?.request.quantity), "200");
});

Deno.test("a reduce-only order whose position was closed by another order is canceled at its next fill", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  goLong(venue, 200);
  submit(venue, { side: "sell", quantity: 200, price: 100.5, reduceOnly: true, id: "r" }, 1);
  submit(venue, { side: "sell", quantity: 200 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100.5, 1000, "buy"), 2);
  assert.equal(lastStatus(seen, "r"), "canceled");
  assert.equal(lastOrder(seen, "r")?.reason, "reduce-only: no position left to reduce");
  assert.equal(venue.position(XBT), 0);
});

// 2. Ties between market data and commands at one venue time.

Deno.test("tie rule: data stamped t is applied before a command arriving at t", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" }, { entry: 4 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, id: "m" }, 1);
  assert.equal(venue.nextArrival, 5);
  // At t = 5 the 100.1 ask is pulled; the order arriving at 5 meets the book after that.
  venue.onMarketData(delta(5, [], [[100.1, 0]]), 5);
  assert.equal(seen.updates.length, 0);
  venue.processArrivals(5);
  assert.deepEqual(fillSummary(seen).map((s) => s.split(" fee")[0]), ["5 buy 500@100.2 taker"]);
});

Deno.test("tie rule: commands that arrived strictly before the data go first", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" }, { entry: 3 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, id: "m" }, 1);
  venue.onMarketData(delta(5, [], [[100.1, 0]]), 5); // the order arrived at 4
  assert.deepEqual(fillSummary(seen).map((s) => s.split(" fee")[0]), ["4 buy 500@100.1 taker"]);
});

Deno.test("tie rule: a cancel arriving at a trade's time is too late for that trade", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" }, { submit: 0, cancel: 2_998 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100, id: "o" }, 1);
  venue.processArrivals(1);
  venue.send({ type: "cancel", symbol: XBT, clientOrderId: "o" }, 2); // lands at 3,000
  venue.onMarketData(trade(3_000, 100, 100, "sell"), 3_000);
  venue.processArrivals(3_000);
  assert.deepEqual(fillSummary(seen), ["3000 buy 100@100 maker fee=-0.0001"]);
  assert.equal(lastStatus(seen, "o"), "filled");
  assert.equal(venue.stats.lateCancels, 1);
});

// 3. FOK and reduce-only.

Deno.test("a reduce-only FOK larger than the position fills the position when the book holds it", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  goLong(venue, 300);
  // 2000 requested, 300 may fill (the cap); 1000 bid within the limit: it fills.
  submit(venue, {
    side: "sell",
    quantity: 2000,
    price: 100,
    timeInForce: "fok",
    reduceOnly: true,
    id: "f",
  }, 1);
  venue.processArrivals(1);
  const order = lastOrder(seen, "f");
  assert.equal(order?.status, "filled");
  assert.equal(String(order?.filledQuantity), "300");
  assert.equal(String(order?.request.quantity), "300");
  assert.equal(venue.position(XBT), 0);
});

Deno.test("a reduce-only FOK is killed, with no fill, when the book cannot hold the capped quantity", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  goLong(venue, 1500);
  // 2000 requested, 1500 may fill; only 1000 bid at or above 100: nothing fills.
  submit(venue, {
    side: "sell",
    quantity: 2000,
    price: 100,
    timeInForce: "fok",
    reduceOnly: true,
    id: "f",
  }, 1);
  venue.processArrivals(1);
  assert.equal(lastStatus(seen, "f"), "expired");
  assert.equal(lastOrder(seen, "f")?.reason, "fill-or-kill: not enough liquidity within the limit");
  assert.equal(seen.fills.filter((f) => f.fill.clientOrderId === "f").length, 0);
  assert.equal(venue.position(XBT), 1500);
});

Deno.test("a reduce-only FOK with nothing to reduce is canceled as reduce-only", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, {
    side: "sell",
    quantity: 100,
    price: 100,
    timeInForce: "fok",
    reduceOnly: true,
    id: "f",
  }, 1);
  venue.processArrivals(1);
  assert.equal(lastStatus(seen, "f"), "canceled");
  assert.equal(lastOrder(seen, "f")?.reason, "reduce-only: no position left to reduce");
  assert.equal(seen.fills.length, 0);
});

// 4. Quantity lost or counted twice.

Deno.test("the book moving through a resting order fills it once, not again on every later event", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 1000, price: 100, id: "b" }, 1);
  venue.processArrivals(1);
  // The 100 bid leaves and 300 is offered at 100: sellers reached our price with 300.
  venue.onMarketData(delta(2, [[100, 0]], [[100, 300], [100.1, 0]]), 2);
  assert.deepEqual(fillSummary(seen).map((s) => s.split(" fee")[0]), ["2 buy 300@100 maker"]);
  // An unrelated level changes: the same 300 offered at 100 must not fill us again.
  venue.onMarketData(delta(3, [[99.9, 1900]]), 3);
  venue.onMarketData(delta(4, [[99.8, 50]]), 4);
  assert.equal(seen.fills.length, 1);
  // The data restates the 100 ask with more size: new sellers at our price fill us again.
  venue.onMarketData(delta(5, [], [[100, 500]]), 5);
  assert.deepEqual(fillSummary(seen).slice(1).map((s) => s.split(" fee")[0]), [
    "5 buy 500@100 maker",
  ]);
});

Deno.test("two resting orders reached by the book share the liquidity within their prices", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "a" }, 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "b" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(delta(2, [[100, 0]], [[100, 400], [100.1, 0]]), 2);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.quantity}`),
    ["a 300", "b 100"],
  );
});

Deno.test("two orders at one price share a trade's excess over the queue ahead", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "a" }, 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "b" }, 1);
  venue.processArrivals(1);
  // 1000 ahead of both; 1200 trade: 200 left after the queue, and a is ahead of b.
  venue.onMarketData(trade(2, 100, 1200, "sell"), 2);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.quantity}`),
    ["a 200"],
  );
  // Next trade: a's last 100 is ahead of b.
  venue.onMarketData(trade(3, 100, 300, "sell"), 3);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.quantity}`),
    ["a 200", "a 100", "b 200"],
  );
});

Deno.test("a trade printing through several resting prices fills the best-priced first", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(snapshot(1, [[99.5, 1000]], [[100.5, 1000]]), 1);
  submit(venue, { side: "buy", quantity: 300, price: 99.8, id: "low" }, 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "high" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 99.6, 400, "sell"), 2);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.quantity}@${f.fill.price}`),
    ["high 300@100", "low 100@99.8"],
  );
});

Deno.test("amend of a partly filled order: the new size counts the filled part, nothing lost", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, price: 100, id: "o" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 300, "sell"), 2); // 300 of 500
  const to = (quantity: number) => request({ side: "buy", quantity }).quantity;
  venue.send({ type: "amend", symbol: XBT, clientOrderId: "o", quantity: to(300) }, 3);
  venue.processArrivals(3);
  assert.equal(venue.stats.rejectedAmends, 1); // at the filled quantity: refused
  venue.send({ type: "amend", symbol: XBT, clientOrderId: "o", quantity: to(400) }, 4);
  venue.processArrivals(4);
  venue.onMarketData(trade(5, 100, 1000, "sell"), 5);
  const order = lastOrder(seen, "o");
  assert.equal(order?.status, "filled");
  assert.equal(String(order?.filledQuantity), "400");
  assert.deepEqual(seen.fills.map((f) => String(f.fill.quantity)), ["300", "100"]);
});

Deno.test("a cancel of a partly filled order keeps its filled quantity", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, price: 100, id: "o" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 300, "sell"), 2);
  venue.send({ type: "cancel", symbol: XBT, clientOrderId: "o" }, 3);
  venue.processArrivals(3);
  venue.onMarketData(trade(4, 100, 1000, "sell"), 4);
  const order = lastOrder(seen, "o");
  assert.equal(order?.status, "canceled");
  assert.equal(String(order?.filledQuantity), "300");
  assert.equal(venue.position(XBT), 300);
});
