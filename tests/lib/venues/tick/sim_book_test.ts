import assert from "node:assert/strict";
import { SimBookSide } from "../../../../lib/venues/tick/sim_book.ts";
import { mulberry32 } from "../../indicators/_fixtures.ts";

// Levels of a side, best first, read through its public view.
function levels(side: SimBookSide): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < side.depth; i++) out.push([side.price(i), side.size(i)]);
  return out;
}

for (const ascending of [true, false]) {
  const name = ascending ? "bids" : "asks";
  Deno.test(`SimBookSide (${name}): 20,000 seeded sets and removals anywhere in the book match a sorted map, previous sizes included`, () => {
    const random = mulberry32(ascending ? 11 : 12);
    const side = new SimBookSide(ascending);
    const reference = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      const price = 1000 + Math.floor(random() * 60) * 0.5;
      const size = random() < 0.35 ? 0 : Math.round(random() * 100) / 10;
      const expectedPrevious = reference.get(price) ?? 0;
      if (size === 0) reference.delete(price);
      else reference.set(price, size);
      assert.equal(side.set(price, size), expectedPrevious, `previous size at step ${step}`);
      // Best first: the highest bid, the lowest ask.
      const expected = [...reference].sort((a, b) => ascending ? b[0] - a[0] : a[0] - b[0]);
      assert.deepEqual(levels(side), expected, `levels after step ${step}`);
      assert.equal(side.sizeAt(price), size);
    }
  });
}

Deno.test("SimBookSide: removing the best, a middle and the worst level, and inserting at each end", () => {
  const bids = new SimBookSide(true);
  for (const price of [100, 99, 98, 97]) bids.set(price, price / 10);
  assert.equal(bids.set(98, 0), 9.8);
  assert.equal(bids.set(100, 0), 10);
  assert.equal(bids.set(97, 0), 9.7);
  assert.deepEqual(levels(bids), [[99, 9.9]]);
  assert.equal(bids.set(101, 1), 0);
  assert.equal(bids.set(96, 2), 0);
  assert.deepEqual(levels(bids), [[101, 1], [99, 9.9], [96, 2]]);
  assert.equal(bids.set(50, 0), 0, "removing a level that is not there changes nothing");
  assert.deepEqual(levels(bids), [[101, 1], [99, 9.9], [96, 2]]);
});
