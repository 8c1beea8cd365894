import assert from "node:assert/strict";
import { WallClock } from "../../../lib/engine/clock.ts";
import { ManualClock } from "../../../lib/engine/manual_clock.ts";
import { WallSleeper } from "../../../lib/engine/sleeper.ts";

Deno.test("ManualClock wakes sleeps when set to their time, ignores event times, never goes back", async () => {
  const clock = new ManualClock(100);
  const woke: number[] = [];
  const never = new AbortController();
  const a = clock.sleepUntil(150, never.signal).then(() => woke.push(150));
  const b = clock.sleepUntil(120, never.signal).then(() => woke.push(120));
  clock.observe(10_000);
  assert.equal(clock.now(), 100);
  clock.advance(20);
  await b;
  assert.deepEqual(woke, [120]);
  clock.set(150);
  await a;
  assert.deepEqual(woke, [120, 150]);
  await clock.sleepUntil(150, never.signal); // already due: resolves at once
  assert.throws(() => clock.set(149), {
    name: "RangeError",
    message: "ManualClock: cannot go back from 150 to 149",
  });
});

Deno.test("ManualClock forgets a sleep whose signal aborted", () => {
  const clock = new ManualClock();
  const stop = new AbortController();
  clock.sleepUntil(10, stop.signal);
  assert.equal(clock.sleeping, 1);
  stop.abort();
  assert.equal(clock.sleeping, 0);
});

Deno.test("WallSleeper waits for the wall clock and releases its timer on abort", async () => {
  const clock = new WallClock();
  const sleeper = new WallSleeper(clock);
  const start = clock.now();
  await sleeper.sleepUntil(start + 20_000, new AbortController().signal);
  assert.ok(clock.now() - start >= 19_000, `woke after ${clock.now() - start} µs`);
  // An aborted sleep leaves no timer behind (the test sanitizer would fail otherwise).
  const stop = new AbortController();
  let woke = false;
  sleeper.sleepUntil(clock.now() + 60_000_000, stop.signal).then(() => (woke = true));
  stop.abort();
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(woke, false);
});
