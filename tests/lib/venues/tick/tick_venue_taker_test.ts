import assert from "node:assert/strict";
import {
  delta,
  fillSummary,
  lastStatus,
  makeVenue,
  quote,
  snapshot,
  standardBook,
  submit,
  trade,
} from "./_helpers.ts";

Deno.test("TickVenue market buy walks the book level by level at each level's price (taker fee)", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 1200, id: "m" }, 1);
  venue.processArrivals(1);
  assert.deepEqual(fillSummary(seen), [
    "1 buy 500@100.1 taker fee=0.003746253746253746253746253746253746253746",
    "1 buy 700@100.2 taker fee=0.005239520958083832335329341317365269461078",
  ]);
  assert.equal(lastStatus(seen, "m"), "filled");
  assert.equal(venue.position("bitmex:XBTUSD"), 1200);
  assert.equal(venue.stats.takerFills, 2);
  assert.equal(venue.stats.takerQuantity, 1200);
});

Deno.test("TickVenue market order larger than the book fills what there is and expires the rest", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(snapshot(1, [[100, 1000]], [[100.1, 300]]), 1);
  submit(venue, { side: "buy", quantity: 500, id: "m" }, 1);
  venue.processArrivals(1);
  // 300 contracts = 3 lots; the book has no more asks.
  assert.deepEqual(seen.fills.map((f) => String(f.fill.quantity)), ["300"]);
  assert.equal(lastStatus(seen, "m"), "expired");
});

Deno.test("TickVenue marketable limit stops at its limit price and rests the remainder (GTC)", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 2000, price: 100.2, id: "l" }, 1);
  venue.processArrivals(1);
  assert.deepEqual(seen.fills.map((f) => `${f.fill.quantity}@${f.fill.price}`), [
    "500@100.1",
    "1000@100.2",
  ]);
  assert.equal(lastStatus(seen, "l"), "partially-filled");
  // The rest (500) now rests at 100.2 as the best bid; a seller hitting 100.2 fills it as maker.
  venue.onMarketData(trade(2, 100.2, 500, "sell"), 2);
  assert.equal(seen.fills.at(-1)?.fill.liquidity, "maker");
  assert.equal(lastStatus(seen, "l"), "filled");
});

Deno.test("TickVenue IOC limit expires what it cannot take within the limit", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "sell", quantity: 1500, price: 100, timeInForce: "ioc", id: "i" }, 1);
  venue.processArrivals(1);
  assert.deepEqual(seen.fills.map((f) => `${f.fill.quantity}@${f.fill.price}`), ["1000@100"]);
  assert.equal(lastStatus(seen, "i"), "expired");
});

Deno.test("TickVenue FOK fills entirely or not at all", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 1600, price: 100.2, timeInForce: "fok", id: "no" }, 1);
  submit(venue, { side: "buy", quantity: 1500, price: 100.2, timeInForce: "fok", id: "yes" }, 1);
  venue.processArrivals(1);
  assert.equal(lastStatus(seen, "no"), "expired");
  assert.equal(lastStatus(seen, "yes"), "filled");
  assert.equal(seen.fills.length, 2);
});

Deno.test("TickVenue post-only order that would cross is rejected", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, {
    side: "buy",
    quantity: 100,
    price: 100.1,
    timeInForce: "post-only",
    id: "p",
  }, 1);
  venue.processArrivals(1);
  assert.equal(lastStatus(seen, "p"), "rejected");
  assert.equal(venue.stats.rejected, 1);
  assert.equal(seen.fills.length, 0);
});

Deno.test("TickVenue does not take the same level twice until the data changes it", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500, id: "a" }, 1);
  submit(venue, { side: "buy", quantity: 500, id: "b" }, 1);
  venue.processArrivals(1);
  assert.deepEqual(seen.fills.map((f) => `${f.fill.clientOrderId} ${f.fill.price}`), [
    "a 100.1",
    "b 100.2",
  ]);
  // A delta re-states the 100.1 level: its liquidity is available again.
  venue.onMarketData(delta(2, [], [[100.1, 400]]), 2);
  submit(venue, { side: "buy", quantity: 400, id: "c" }, 2);
  venue.processArrivals(2);
  assert.equal(String(seen.fills.at(-1)?.fill.price), "100.1");
});

Deno.test("TickVenue without consumption tracking lets orders take the same level again", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" }, {}, false);
  venue.onMarketData(standardBook(), 1);
  submit(venue, { side: "buy", quantity: 500 }, 1);
  submit(venue, { side: "buy", quantity: 500 }, 1);
  venue.processArrivals(1);
  assert.deepEqual(seen.fills.map((f) => String(f.fill.price)), ["100.1", "100.1"]);
});

Deno.test("TickVenue drives an L1 book from quotes until L2 data arrives", () => {
  const { venue, seen } = makeVenue();
  venue.onMarketData(quote(1, 100, 1000, 100.1, 300), 1);
  submit(venue, { side: "buy", quantity: 300 }, 1);
  venue.processArrivals(1);
  assert.equal(String(seen.fills[0]?.fill.price), "100.1");
  venue.onMarketData(standardBook(2), 2);
  // With L2 present, quotes no longer move the matching book.
  venue.onMarketData(quote(3, 50, 1, 50.1, 1), 3);
  assert.equal(venue.book("bitmex:XBTUSD")?.asks.best, 100.1);
});

Deno.test("TickVenue skips and counts deltas before the first snapshot, and counts crossed books", () => {
  const { venue } = makeVenue();
  assert.equal(venue.onMarketData(delta(1, [[100, 5]]), 1), false);
  assert.equal(venue.stats.deltasBeforeSnapshot, 1);
  venue.onMarketData(standardBook(2), 2);
  venue.onMarketData(delta(3, [[100.2, 100]]), 3);
  assert.equal(venue.stats.crossedBooks, 1);
});
