import assert from "node:assert/strict";
import { Scheduler } from "../../../lib/engine/scheduler.ts";
import { label, timer } from "../events/_fixtures.ts";

function popAll(scheduler: Scheduler, until = Number.MAX_SAFE_INTEGER): string[] {
  const out: string[] = [];
  for (let due = scheduler.popDue(until); due !== undefined; due = scheduler.popDue(until)) {
    out.push(`${due.at}:${label(due.event)}`);
  }
  return out;
}

/** Mulberry32: a tiny seeded PRNG so the random test is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("Scheduler is empty at first", () => {
  const scheduler = new Scheduler();
  assert.equal(scheduler.size, 0);
  assert.equal(scheduler.nextTime, undefined);
  assert.equal(scheduler.popDue(Number.MAX_SAFE_INTEGER), undefined);
});

Deno.test("Scheduler pops events in time order", () => {
  const scheduler = new Scheduler();
  scheduler.schedule(30, timer(0, "c"));
  scheduler.schedule(10, timer(0, "a"));
  scheduler.schedule(20, timer(0, "b"));
  assert.equal(scheduler.size, 3);
  assert.equal(scheduler.nextTime, 10);
  assert.deepEqual(popAll(scheduler), ["10:a@0", "20:b@0", "30:c@0"]);
  assert.equal(scheduler.size, 0);
});

Deno.test("Scheduler pops events due at the same time in insertion order", () => {
  const scheduler = new Scheduler();
  for (const tag of ["a", "b", "c", "d", "e", "f", "g"]) scheduler.schedule(5, timer(0, tag));
  scheduler.schedule(1, timer(0, "first"));
  assert.deepEqual(popAll(scheduler), [
    "1:first@0",
    "5:a@0",
    "5:b@0",
    "5:c@0",
    "5:d@0",
    "5:e@0",
    "5:f@0",
    "5:g@0",
  ]);
});

Deno.test("Scheduler.popDue returns nothing later than its bound", () => {
  const scheduler = new Scheduler();
  scheduler.schedule(10, timer(0, "a"));
  scheduler.schedule(20, timer(0, "b"));
  scheduler.schedule(21, timer(0, "c"));
  assert.equal(scheduler.popDue(9), undefined);
  assert.deepEqual(popAll(scheduler, 20), ["10:a@0", "20:b@0"]);
  assert.equal(scheduler.size, 1);
  assert.equal(scheduler.nextTime, 21);
});

Deno.test("Scheduler keeps ordering when pushes and pops interleave", () => {
  const scheduler = new Scheduler();
  scheduler.schedule(10, timer(0, "a"));
  scheduler.schedule(30, timer(0, "c"));
  assert.equal(scheduler.popDue(15)?.at, 10);
  scheduler.schedule(20, timer(0, "b"));
  scheduler.schedule(30, timer(0, "d"));
  assert.deepEqual(popAll(scheduler), ["20:b@0", "30:c@0", "30:d@0"]);
});

Deno.test("Scheduler returns many random events sorted by time, then by insertion", () => {
  const random = mulberry32(42);
  const scheduler = new Scheduler();
  const expected: { at: number; seq: number }[] = [];
  for (let seq = 0; seq < 5_000; seq++) {
    const at = Math.floor(random() * 500); // many ties on purpose
    scheduler.schedule(at, timer(0, String(seq)));
    expected.push({ at, seq });
  }
  expected.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const got: { at: number; seq: number }[] = [];
  for (
    let due = scheduler.popDue(Number.MAX_SAFE_INTEGER);
    due !== undefined;
    due = scheduler.popDue(Number.MAX_SAFE_INTEGER)
  ) {
    assert.equal(due.event.kind, "timer");
    got.push({ at: due.at, seq: Number(due.event.kind === "timer" ? due.event.tag : -1) });
  }
  assert.deepEqual(got, expected);
});
