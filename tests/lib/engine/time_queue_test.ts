import assert from "node:assert/strict";
import { TimeQueue } from "../../../lib/engine/mod.ts";

Deno.test("TimeQueue pops by time, then by push order on ties", () => {
  const queue = new TimeQueue<string>();
  assert.equal(queue.nextTime, Infinity);
  for (
    const [at, item] of [[5, "e"], [1, "a"], [3, "c1"], [3, "c2"], [2, "b"], [3, "c3"]] as const
  ) {
    queue.push(at, item);
  }
  assert.equal(queue.size, 6);
  assert.equal(queue.nextTime, 1);
  const out: string[] = [];
  while (queue.size > 0) out.push(queue.pop().item);
  assert.deepEqual(out, ["a", "b", "c1", "c2", "c3", "e"]);
});

Deno.test("TimeQueue.pop on an empty queue is a RangeError", () => {
  assert.throws(() => new TimeQueue<number>().pop(), {
    name: "RangeError",
    message: /empty queue/,
  });
});
