import assert from "node:assert/strict";
import { Channel, type ChannelStore } from "../../../lib/events/channel.ts";

/** A store that holds at most `room` items, except that "small" items always fit. */
function store(room: number): ChannelStore<string> & { readonly items: string[] } {
  const items: string[] = [];
  return {
    items,
    get size() {
      return items.length;
    },
    offer(item) {
      if (items.length >= room && !item.startsWith("small")) return false;
      items.push(item);
      return true;
    },
    poll: () => items.shift(),
  };
}

Deno.test("Channel: a push queues behind waiting pushes even when the store would take it", async () => {
  const channel = new Channel(store(1), "test");
  await channel.push("big-1");
  const big2 = channel.push("big-2"); // no room: waits
  const small = channel.push("small-1"); // would fit, but must not overtake big-2
  assert.equal(channel.waitingPushes, 2);
  assert.equal(channel.waited, 2);
  const order: (string | undefined)[] = [];
  for (let i = 0; i < 3; i++) order.push(await channel.take());
  await Promise.all([big2, small]);
  assert.deepEqual(order, ["big-1", "big-2", "small-1"]);
});

Deno.test("Channel: an offer the store accepts goes in even while pushes wait (producers choose)", async () => {
  const channel = new Channel(store(1), "test");
  channel.offer("big-1");
  const waiting = channel.push("big-2");
  assert.equal(channel.offer("small-1"), true);
  assert.equal(channel.offer("big-3"), false);
  assert.equal(channel.refused, 1);
  const order: (string | undefined)[] = [];
  for (let i = 0; i < 3; i++) order.push(await channel.take());
  await waiting;
  assert.deepEqual(order, ["big-1", "small-1", "big-2"]);
});

Deno.test("Channel: close keeps the items of waiting pushes and hands them out after the store", async () => {
  const channel = new Channel(store(1), "test");
  channel.offer("big-1");
  const waiting = channel.push("big-2");
  channel.close();
  await waiting;
  assert.deepEqual(
    [await channel.take(), await channel.take(), await channel.take()],
    ["big-1", "big-2", undefined],
  );
  assert.throws(() => channel.offer("x"), {
    name: "RangeError",
    message: "test: cannot add to a closed queue",
  });
  assert.throws(() => channel.push("x"), {
    name: "RangeError",
    message: "test: cannot add to a closed queue",
  });
});
