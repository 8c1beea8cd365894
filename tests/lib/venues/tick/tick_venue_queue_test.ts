// Issue 11 item 7: a level the book does not display is unknown, not empty, and one trade's
// volume is counted once. Each case failed before its fix (the queue reset to the front, or
// advanced by the part of a trade that filled our better-priced order).
import assert from "node:assert/strict";
import { fillSummary, makeVenue, quote, snapshot, submit, trade } from "./_helpers.ts";
import type { QueueModelKind } from "../../../../lib/venues/mod.ts";

for (const kind of ["risk-averse", "probabilistic"] as const satisfies readonly QueueModelKind[]) {
  Deno.test(`${kind}: a one-level quote that moves away and back keeps the queue estimate`, () => {
    // A buy of 100 at 100 joins behind 500. The bid moves to 100.2 for 1 ms and comes back:
    // while hidden behind the one-level quote the level 100 is unknown; the 100-lot trade at 100
    // then only advances the queue (500 → 400), it does not fill us.
    const { venue, seen } = makeVenue({ kind });
    venue.onMarketData(quote(1_000, 100, 500, 100.5, 500), 1_000);
    submit(venue, { side: "buy", quantity: 100, price: 100 }, 1_000);
    venue.processArrivals(1_000);
    venue.onMarketData(quote(2_000, 100.2, 300, 100.5, 500), 2_000);
    venue.onMarketData(quote(3_000, 100, 500, 100.5, 500), 3_000);
    venue.onMarketData(trade(4_000, 100, 100, "sell"), 4_000);
    assert.deepEqual(fillSummary(seen), []);
    // 400 more trade at 100: the queue is gone and the excess 0 fills nothing; 100 more fill us.
    venue.onMarketData(trade(5_000, 100, 400, "sell"), 5_000);
    assert.deepEqual(fillSummary(seen), []);
    venue.onMarketData(trade(6_000, 100, 100, "sell"), 6_000);
    assert.deepEqual(fillSummary(seen), ["6000 buy 100@100 maker fee=-0.0001"]);
  });
}

Deno.test("a depth-limited snapshot that does not reach our level keeps the queue; one that shows it empty clears it", () => {
  const { venue, seen } = makeVenue({ kind: "risk-averse" });
  venue.onMarketData(snapshot(1, [[100.2, 100], [100.1, 100], [100, 500]], [[100.5, 100]]), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100 }, 1);
  venue.processArrivals(1);
  // Two levels only, both above 100: the level 100 is beyond what the snapshot shows.
  venue.onMarketData(snapshot(2, [[100.3, 100], [100.2, 100]], [[100.5, 100]]), 2);
  venue.onMarketData(trade(3, 100, 100, "sell"), 3);
  assert.deepEqual(fillSummary(seen), []);
  // A snapshot reaching down to 99.9 without a level at 100: it is empty, we are at the front.
  venue.onMarketData(snapshot(4, [[100.3, 100], [99.9, 100]], [[100.5, 100]]), 4);
  venue.onMarketData(trade(5, 100, 100, "sell"), 5);
  assert.deepEqual(fillSummary(seen), ["5 buy 100@100 maker fee=-0.0001"]);
});

Deno.test("a trade that fills our better-priced buy advances the queue at its price only by the rest", () => {
  // Buy A 100 at 100.1 (above the bid, nothing ahead), buy B 100 at 100 behind 500. A sell of
  // 300 at 100 prints through A: A takes 100, so only 200 reached the level 100 (500 → 300).
  // A second sell of 300 at 100 leaves B exactly at the front, unfilled (before the fix the
  // queue had advanced by 300 + 300 and B filled).
  const { venue, seen } = makeVenue({ kind: "risk-averse" });
  venue.onMarketData(snapshot(1, [[100, 500]], [[100.5, 500]]), 1);
  submit(venue, { side: "buy", quantity: 100, price: 100.1, id: "A" }, 1);
  submit(venue, { side: "buy", quantity: 100, price: 100, id: "B" }, 1);
  venue.processArrivals(1);
  venue.onMarketData(trade(2, 100, 300, "sell"), 2);
  assert.deepEqual(seen.fills.map(({ fill }) => `${fill.clientOrderId} ${fill.price}`), [
    "A 100.1",
  ]);
  venue.onMarketData(trade(3, 100, 300, "sell"), 3);
  assert.equal(seen.fills.length, 1);
  venue.onMarketData(trade(4, 100, 100, "sell"), 4);
  assert.deepEqual(seen.fills.map(({ fill }) => `${fill.clientOrderId} ${fill.price}`), [
    "A 100.1",
    "B 100",
  ]);
});
