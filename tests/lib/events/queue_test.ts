import assert from "node:assert/strict";
import { BoundedQueue } from "../../../lib/events/queue.ts";

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

async function drain<T extends NonNullable<unknown>>(queue: BoundedQueue<T>): Promise<T[]> {
  const items: T[] = [];
  while (queue.size > 0) {
    const item = await queue.take();
    if (item !== undefined) items.push(item);
  }
  return items;
}

Deno.test("BoundedQueue rejects a capacity that is not a positive integer", () => {
  for (const capacity of [0, -1, 2.5, Number.NaN, Infinity]) {
    assert.throws(
      () => new BoundedQueue<number>({ capacity, policy: "drop-oldest" }),
      {
        name: "RangeError",
        message: `BoundedQueue: option "capacity" must be a positive integer, got ${capacity}`,
      },
    );
  }
});

Deno.test("BoundedQueue is FIFO", async () => {
  const queue = new BoundedQueue<number>({ capacity: 3, policy: "backpressure" });
  assert.equal(queue.capacity, 3);
  queue.offer(1);
  queue.offer(2);
  assert.equal(await queue.take(), 1);
  queue.offer(3);
  queue.offer(4);
  assert.equal(queue.size, 3);
  assert.deepEqual(await drain(queue), [2, 3, 4]);
});

Deno.test("drop-oldest keeps the newest items and counts the drops", async () => {
  const queue = new BoundedQueue<number>({ capacity: 3, policy: "drop-oldest" });
  for (let i = 1; i <= 7; i++) assert.equal(queue.offer(i), true);
  assert.equal(queue.size, 3);
  assert.equal(queue.dropped, 4);
  assert.deepEqual(await drain(queue), [5, 6, 7]);
  queue.offer(8);
  assert.equal(queue.dropped, 4);
  assert.deepEqual(await drain(queue), [8]);
});

Deno.test("backpressure offer returns false when full and never drops", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "backpressure" });
  assert.equal(queue.offer(1), true);
  assert.equal(queue.offer(2), true);
  assert.equal(queue.offer(3), false);
  assert.equal(queue.size, 2);
  assert.equal(queue.dropped, 0);
  assert.deepEqual(await drain(queue), [1, 2]);
});

Deno.test("backpressure push waits until a take frees room, then enqueues in order", async () => {
  const queue = new BoundedQueue<string>({ capacity: 1, policy: "backpressure" });
  const log: string[] = [];
  await queue.push("a");
  log.push("pushed a");
  const b = queue.push("b").then(() => log.push("pushed b"));
  const c = queue.push("c").then(() => log.push("pushed c"));
  await settle();
  assert.deepEqual(log, ["pushed a"], "b and c wait while the queue is full");
  assert.equal(queue.size, 1);

  log.push(`took ${await queue.take()}`);
  await b;
  await settle();
  // The take moves the first waiting item into the freed slot and releases its push at once.
  assert.deepEqual(log, ["pushed a", "pushed b", "took a"], "one take frees room for one push");
  assert.equal(queue.size, 1);

  log.push(`took ${await queue.take()}`);
  await c;
  log.push(`took ${await queue.take()}`);
  assert.deepEqual(log, ["pushed a", "pushed b", "took a", "pushed c", "took b", "took c"]);
  assert.equal(queue.dropped, 0);
});

Deno.test("take waits for an item", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "drop-oldest" });
  let got: number | undefined;
  const taken = queue.take().then((item) => (got = item));
  await settle();
  assert.equal(got, undefined);
  queue.offer(42);
  await taken;
  assert.equal(got, 42);
  assert.equal(queue.size, 0, "an item handed to a waiting taker is not queued");
});

Deno.test("waiting takers are served in the order they asked", async () => {
  const queue = new BoundedQueue<number>({ capacity: 1, policy: "backpressure" });
  const first = queue.take();
  const second = queue.take();
  queue.offer(1);
  queue.offer(2);
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
});

Deno.test("close wakes waiting takers with undefined", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "drop-oldest" });
  const waiting = [queue.take(), queue.take()];
  queue.close();
  assert.equal(queue.closed, true);
  assert.deepEqual(await Promise.all(waiting), [undefined, undefined]);
  assert.equal(await queue.take(), undefined);
});

Deno.test("items queued before close can still be drained", async () => {
  const queue = new BoundedQueue<number>({ capacity: 3, policy: "backpressure" });
  queue.offer(1);
  queue.offer(2);
  queue.close();
  assert.equal(await queue.take(), 1);
  assert.equal(await queue.take(), 2);
  assert.equal(await queue.take(), undefined);
});

Deno.test("offer after close throws a RangeError", () => {
  const queue = new BoundedQueue<number>({ capacity: 1, policy: "drop-oldest" });
  queue.close();
  assert.throws(
    () => queue.offer(1),
    { name: "RangeError", message: "BoundedQueue: cannot add to a closed queue" },
  );
});

Deno.test("close releases a push waiting for room and keeps its item (never drops)", async () => {
  const queue = new BoundedQueue<number>({ capacity: 1, policy: "backpressure" });
  queue.offer(1);
  const pending = queue.push(2);
  queue.close();
  await pending;
  assert.equal(await queue.take(), 1);
  assert.equal(await queue.take(), 2);
  assert.equal(await queue.take(), undefined);
});

Deno.test("async iteration yields items as they come and ends on close", async () => {
  const queue = new BoundedQueue<number>({ capacity: 2, policy: "backpressure" });
  const seen: number[] = [];
  const consumer = (async () => {
    for await (const item of queue) seen.push(item);
  })();
  await queue.push(1);
  await queue.push(2);
  await settle();
  await queue.push(3);
  queue.close();
  await consumer;
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test({
  // BUG: take() only wakes a waiting push, which retries offer() a microtask later; a push or
  // offer made in between takes the freed slot and the woken push re-queues behind later ones,
  // so backpressure (orders, fills) can reorder items. Fix in lib/events/queue.ts: keep the
  // waiting item with its resolver (`#pushers: { item, resolve }[]`), have take() move the first
  // waiting item into the freed slot before resolving, and have offer() return false under
  // backpressure while pushers are waiting.
  ignore: false,
  name: "backpressure keeps the order of pushes that had to wait",
  async fn() {
    const queue = new BoundedQueue<string>({ capacity: 1, policy: "backpressure" });
    queue.offer("a");
    const b = queue.push("b");
    const c = queue.push("c");
    const first = queue.take();
    const d = queue.push("d"); // made after b and c, in the same tick as the take
    const order = [await first];
    for (let i = 0; i < 3; i++) order.push(String(await queue.take()));
    await Promise.all([b, c, d]);
    assert.deepEqual(order, ["a", "b", "c", "d"]);
  },
});
