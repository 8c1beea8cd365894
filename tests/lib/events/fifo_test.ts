import assert from "node:assert/strict";
import { Fifo } from "../../../lib/events/fifo.ts";

Deno.test("Fifo returns items in the order pushed, and undefined once empty", () => {
  const fifo = new Fifo<number>();
  assert.equal(fifo.peek(), undefined);
  assert.equal(fifo.shift(), undefined);
  fifo.push(1);
  fifo.push(2);
  assert.equal(fifo.peek(), 1);
  assert.equal(fifo.shift(), 1);
  fifo.push(3);
  assert.deepEqual([fifo.size, fifo.shift(), fifo.shift(), fifo.shift(), fifo.size], [
    2,
    2,
    3,
    undefined,
    0,
  ]);
});

Deno.test("Fifo keeps its order when it grows with the head wrapped around the ring", () => {
  const fifo = new Fifo<number>();
  const out: number[] = [];
  let next = 0;
  // Ten waiting while the head goes round the ring, then it grows past 16, 32 and 64 items
  // (each time from a wrapped head), then drains.
  for (; next < 10; next++) fifo.push(next);
  for (let i = 0; i < 1000; i++) {
    fifo.push(next++);
    out.push(fifo.shift() ?? -1);
  }
  for (let i = 0; i < 100; i++) fifo.push(next++);
  assert.equal(fifo.size, 110);
  while (fifo.size > 0) out.push(fifo.shift() ?? -1);
  assert.equal(out.length, next);
  assert.ok(out.every((value, index) => value === index));
  assert.equal(fifo.peek(), undefined);
});
