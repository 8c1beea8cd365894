import assert from "node:assert/strict";
import {
  delta,
  fillSummary,
  lastStatus,
  makeVenue,
  request,
  standardBook,
  submit,
  trade,
} from "./_helpers.ts";
import type { QueueModelKind } from "../../../../lib/venues/mod.ts";

/**
 * A buy of 300 joins the 100.0 bid (1000 ahead), 500 join behind it, 500 are canceled, then
 * 700 trade at 100.0: the models disagree on where the cancel was.
 */
function queueScenario(kind: QueueModelKind): string[] {
  const { venue, seen } = makeVenue({ kind });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(delta(2, [[100, 1500]]), 2);
  venue.onMarketData(delta(3, [[100, 1000]]), 3);
  venue.onMarketData(trade(4, 100, 700, "sell"), 4);
  return fillSummary(seen);
}

Deno.test("risk-averse queue: a level shrinking below the queue ahead caps it at the new size", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(delta(2, [[100, 400]]), 2); // ahead = min(1000, 400) = 400
  venue.onMarketData(trade(3, 100, 800, "sell"), 3); // 400 of excess → all 300 fill
  assert.deepEqual(fillSummary(seen), ["3 buy 300@100 maker fee=-0.0003"]);
});

Deno.test("risk-averse queue: only trades advance the order; no fill until the queue ahead is gone", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(delta(2, [[100, 900]]), 2); // 100 canceled somewhere: assumed behind us
  venue.onMarketData(trade(3, 100, 800, "sell"), 3); // 900 - 800 = 100 still ahead
  assert.equal(seen.fills.length, 0);
  venue.onMarketData(trade(4, 100, 250, "sell"), 4); // 150 excess → one lot
  assert.deepEqual(fillSummary(seen), ["4 buy 100@100 maker fee=-0.0001"]);
  venue.onMarketData(trade(5, 100, 500, "sell"), 5); // at the front: the rest fills
  assert.deepEqual(fillSummary(seen).at(-1), "5 buy 200@100 maker fee=-0.0002");
});

Deno.test("probabilistic queue: part of a cancel is counted ahead of the order", () => {
  const { venue, seen } = makeVenue({ kind: "probabilistic", probability: "power", exponent: 2 });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100 }, 1);
  venue.processArrivals(1);
  // front = 1000, back = 0 → p = 0: the whole cancel of 500 came from ahead of us.
  venue.onMarketData(delta(2, [[100, 1500]]), 2); // 500 joined behind us: back = 500
  venue.onMarketData(delta(3, [[100, 1000]]), 3); // 500 canceled; p = 500²/(500²+1000²) = 0.2
  // front' = 1000 − 0.8·500 + min(500 − 0.2·500, 0) = 600
  venue.onMarketData(trade(4, 100, 700, "sell"), 4); // 100 excess → 1 lot
  assert.deepEqual(fillSummary(seen), ["4 buy 100@100 maker fee=-0.0001"]);
});

Deno.test("queue models rank risk-averse ≤ probabilistic ≤ optimistic on the same data", () => {
  assert.deepEqual(queueScenario("risk-averse"), []); // 1000 − 700 = 300 still ahead
  assert.deepEqual(queueScenario("probabilistic"), ["4 buy 100@100 maker fee=-0.0001"]);
  assert.deepEqual(queueScenario("optimistic"), ["4 buy 300@100 maker fee=-0.0003"]);
});

Deno.test("optimistic queue: the order is at the front, any trade at its price fills it", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 200, "sell"), 2);
  assert.deepEqual(fillSummary(seen), ["2 buy 200@100 maker fee=-0.0002"]);
});

Deno.test("a trade through the limit fills the resting order at its own price, up to the trade size", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, price: 100, id: "b" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 99.9, 300, "sell"), 2);
  assert.deepEqual(fillSummary(seen), ["2 buy 300@100 maker fee=-0.0003"]);
  assert.equal(lastStatus(seen, "b"), "partially-filled");
});

Deno.test("a trade on the other side does not touch the resting order", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, price: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100.1, 300, "buy"), 2);
  assert.equal(seen.fills.length, 0);
});

Deno.test("the book moving through a resting limit fills it as maker at its price", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  venue.send(
    { type: "submit", request: request({ side: "sell", quantity: 400, price: 100.2 }) },
    1,
  );
  venue.processArrivals(1);
  // Bids rise to 100.2 and the asks below our price vanish: buyers reached our price.
  venue.onMarketData(delta(2, [[100.2, 800]], [[100.1, 0], [100.2, 0]]), 2);
  assert.deepEqual(fillSummary(seen), [
    "2 sell 400@100.2 maker fee=-0.0003992015968063872255489021956087824351297",
  ]);
});

Deno.test("a maker rebate is a negative fee in XBT; a taker fee is positive", () => {
  const { venue, seen } = makeVenue({ kind: "optimistic" });
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100 }, 1);
  submit(venue, { side: "buy", quantity: 100 }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 100, "sell"), 2);
  const byLiquidity = Object.fromEntries(
    seen.fills.map((f) => [f.fill.liquidity, `${f.fill.fee} ${f.fill.feeCurrency}`]),
  );
  assert.equal(byLiquidity.maker, "-0.0001 XBT");
  assert.match(byLiquidity.taker, /^0\.000749\d+ XBT$/);
  assert.equal(venue.stats.makerQuantity, 100);
  assert.equal(venue.stats.takerQuantity, 100);
});

Deno.test("amend: a price change loses queue priority, a size decrease keeps it", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 300, price: 99.9, id: "a" }, 1);
  submit(venue, { side: "buy", quantity: 300, price: 100, id: "b" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 900, "sell"), 2); // b: 100 ahead of it now
  venue.send({
    type: "amend",
    symbol: "bitmex:XBTUSD",
    clientOrderId: "b",
    quantity: request({ side: "buy", quantity: 200 }).quantity,
  }, 3);
  venue.send({
    type: "amend",
    symbol: "bitmex:XBTUSD",
    clientOrderId: "a",
    price: request({ side: "buy", quantity: 100, price: 100 }).price,
  }, 3);
  venue.processArrivals(3);
  // b kept its place (100 ahead); a moved to 100.0 and queues behind the whole level (100).
  venue.onMarketData(trade(4, 100, 300, "sell"), 4);
  assert.deepEqual(
    seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.quantity}`),
    ["b 200"],
  );
});
