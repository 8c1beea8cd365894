// The REST layers' shared request time limit: one timer for every request in flight, each
// request aborted at its own deadline, ended requests never aborted.
import assert from "node:assert/strict";
import { type DeadlineTimers, RequestDeadlines } from "../../../lib/broker/mod.ts";

/** A manual clock: `advance` runs the timers that fall due, in order. */
function manualTimers(): DeadlineTimers & { advance(ms: number): void; armed: number[] } {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const armed: number[] = [];
  return {
    now: () => now,
    setTimer: (fn, ms) => {
      armed.push(ms);
      timers.push({ at: now + ms, fn });
    },
    armed,
    advance(ms: number): void {
      const end = now + ms;
      while (true) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > end) break;
        timers.shift();
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

Deno.test("request deadlines: requests started while the timer is armed arm none", () => {
  const timers = manualTimers();
  const deadlines = new RequestDeadlines(1000, timers);
  for (let i = 0; i < 5; i++) {
    const deadline = deadlines.start();
    timers.advance(4);
    deadline.end();
  }
  assert.deepEqual(timers.armed, [1000]);
  // The timer finds nothing in flight and is not armed again until the next request.
  timers.advance(2000);
  assert.deepEqual(timers.armed, [1000]);
  const next = deadlines.start();
  assert.deepEqual(timers.armed, [1000, 1000]);
  next.end();
});

Deno.test("request deadlines: each request is aborted at its own deadline, not before", () => {
  const timers = manualTimers();
  const deadlines = new RequestDeadlines(100, timers);
  const first = deadlines.start(); // due at 100
  timers.advance(30);
  const second = deadlines.start(); // due at 130
  timers.advance(30);
  const answered = deadlines.start(); // due at 160, answered in time
  timers.advance(10);
  answered.end();
  timers.advance(29); // t = 99
  assert.equal(first.signal.aborted, false);
  timers.advance(1); // t = 100
  assert.equal(first.signal.aborted, true);
  assert.equal(first.expired, true);
  assert.equal(second.signal.aborted, false);
  timers.advance(30); // t = 130
  assert.equal(second.expired, true);
  assert.equal(second.signal.aborted, true);
  timers.advance(100);
  assert.equal(answered.signal.aborted, false, "an ended request is never aborted");
  assert.equal(answered.expired, false);
  // Armed for the first (100 ms), then for the second's remaining 30 ms, nothing after.
  assert.deepEqual(timers.armed, [100, 30]);
});

Deno.test("request deadlines: the limit must be positive; Infinity arms no timer", () => {
  assert.throws(() => new RequestDeadlines(0), /request time limit must be > 0 ms, got 0/);
  const timers = manualTimers();
  const deadline = new RequestDeadlines(Infinity, timers).start();
  timers.advance(1e9);
  assert.equal(deadline.signal.aborted, false);
  assert.deepEqual(timers.armed, []);
});
