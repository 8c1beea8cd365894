import assert from "node:assert/strict";
import { EventClock, WallClock } from "../../../lib/engine/clock.ts";

Deno.test("EventClock starts at 0 or at the given time", () => {
  assert.equal(new EventClock().now(), 0);
  assert.equal(new EventClock(1_000).now(), 1_000);
});

Deno.test("EventClock follows observed event times forward", () => {
  const clock = new EventClock();
  clock.observe(10);
  assert.equal(clock.now(), 10);
  clock.observe(25);
  assert.equal(clock.now(), 25);
});

Deno.test("EventClock never moves backwards", () => {
  const clock = new EventClock(100);
  clock.observe(50);
  assert.equal(clock.now(), 100);
  clock.observe(100);
  assert.equal(clock.now(), 100);
  clock.observe(101);
  clock.observe(99);
  assert.equal(clock.now(), 101);
});

Deno.test("WallClock reads the system time in µs and ignores event times", () => {
  const clock = new WallClock();
  const before = Date.now() * 1_000;
  clock.observe(0);
  const now = clock.now();
  const after = Date.now() * 1_000;
  assert.ok(now >= before && now <= after, `${now} not in [${before}, ${after}]`);
  assert.equal(now % 1_000, 0);
});
