import assert from "node:assert/strict";
import { EventClock, WallClock } from "../../../lib/engine/clock.ts";
import { Engine } from "../../../lib/engine/engine.ts";
import { runLive } from "../../../lib/engine/live_runner.ts";
import { ManualClock } from "../../../lib/engine/manual_clock.ts";
import { type Event, Inbox } from "../../../lib/events/mod.ts";
import { sampleEvent, timer } from "../events/_fixtures.ts";

const MS = 1_000;

/** Lets the runner's pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function manualSystem(start = 1_000_000): {
  clock: ManualClock;
  engine: Engine;
  inbox: Inbox;
  seen: string[];
} {
  const clock = new ManualClock(start);
  const engine = new Engine({ clock });
  const inbox = new Inbox({ now: () => clock.now() });
  const seen: string[] = [];
  engine.bus.subscribeAll((event) => {
    seen.push(
      event.kind === "timer"
        ? `timer:${event.tag}@${clock.now() - start}`
        : `${event.kind}@${clock.now() - start}`,
    );
  });
  return { clock, engine, inbox, seen };
}

Deno.test("runLive fires a timer on time with no input at all (manual clock)", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  const stop = new AbortController();
  engine.schedule(clock.now() + 50 * MS, timer(clock.now() + 50 * MS, "quote-refresh"));
  const run = runLive(engine, inbox, { signal: stop.signal, sleeper: clock });
  await settle();
  clock.advance(49 * MS);
  await settle();
  assert.deepEqual(seen, [], "not before its time");
  clock.advance(1 * MS);
  await settle();
  assert.deepEqual(
    seen,
    [`timer:quote-refresh@${50 * MS}`],
    "at 50 ms, without waiting for a trade",
  );
  stop.abort();
  const summary = await run;
  assert.deepEqual(summary, { inputs: 0, aborted: true, timerWakeups: 1 });
  assert.equal(clock.sleeping, 0, "no sleep is left behind");
});

Deno.test("runLive interleaves inputs and timers in clock order and keeps timers set by handlers", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  // A handler that re-arms a 10 ms timer on every trade (a quote refresher).
  engine.bus.subscribe("trade", () => {
    const at = clock.now() + 10 * MS;
    engine.schedule(at, timer(at, "refresh"));
  });
  const stop = new AbortController();
  const run = runLive(engine, inbox, { signal: stop.signal, sleeper: clock });
  clock.advance(2 * MS);
  inbox.offer(sampleEvent("trade", 0));
  await settle();
  clock.advance(5 * MS);
  inbox.offer(sampleEvent("fill", 0));
  await settle();
  clock.advance(5 * MS); // 12 ms: the timer armed at 2 ms is due
  await settle();
  clock.advance(30 * MS);
  await settle();
  assert.deepEqual(seen, ["trade@2000", "fill@7000", "timer:refresh@12000"]);
  stop.abort();
  assert.deepEqual(await run, { inputs: 2, aborted: true, timerWakeups: 1 });
});

Deno.test("runLive fires timers already due before the next input", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  engine.schedule(clock.now() + 5 * MS, timer(clock.now() + 5 * MS, "t"));
  const run = runLive(engine, inbox, { sleeper: clock });
  // The clock jumps past the timer and an event is waiting as the runner wakes.
  clock.advance(8 * MS);
  inbox.offer(sampleEvent("trade", 0));
  inbox.close();
  const summary = await run;
  assert.deepEqual(seen, ["timer:t@8000", "trade@8000"]);
  assert.equal(summary.inputs, 1);
  assert.equal(summary.aborted, false);
});

Deno.test("runLive ends when the source ends and leaves later timers unfired", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  engine.schedule(clock.now() + 60_000 * MS, timer(clock.now() + 60_000 * MS, "later"));
  inbox.offer(sampleEvent("candle", 0));
  inbox.close();
  assert.deepEqual(await runLive(engine, inbox, { sleeper: clock }), {
    inputs: 1,
    aborted: false,
    timerWakeups: 0,
  });
  assert.deepEqual(seen, ["candle@0"]);
  assert.equal(engine.scheduled, 1);
});

Deno.test("runLive surfaces a handler's error and closes the source", async () => {
  const { clock, engine, inbox } = manualSystem();
  engine.bus.subscribe("fill", () => {
    throw new Error("strategy blew up");
  });
  inbox.offer(sampleEvent("fill", 0));
  await assert.rejects(runLive(engine, inbox, { sleeper: clock }), (error: Error) => {
    assert.match(error.message, /^strategy blew up \(while handling the fill event at /);
    return true;
  });
  assert.equal(inbox.closed, true);
});

Deno.test("runLive surfaces an error thrown by a timer handler", async () => {
  const { clock, engine, inbox } = manualSystem();
  engine.bus.subscribe("timer", () => {
    throw new RangeError("bad timer");
  });
  engine.schedule(clock.now() + MS, timer(clock.now() + MS, "t"));
  const run = runLive(engine, inbox, { sleeper: clock });
  clock.advance(MS);
  await assert.rejects(run, { name: "RangeError", message: /^bad timer/ });
  assert.equal(inbox.closed, true);
});

Deno.test("runLive stops on abort while waiting and closes the source", async () => {
  const { clock, engine, inbox } = manualSystem();
  engine.schedule(clock.now() + 10 * MS, timer(clock.now() + 10 * MS, "t"));
  const stop = new AbortController();
  const run = runLive(engine, inbox, { signal: stop.signal, sleeper: clock });
  await settle();
  assert.equal(clock.sleeping, 1);
  stop.abort();
  assert.deepEqual(await run, { inputs: 0, aborted: true, timerWakeups: 0 });
  assert.equal(inbox.closed, true);
  assert.equal(clock.sleeping, 0);
});

Deno.test("runLive with an already aborted signal processes nothing", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  inbox.offer(sampleEvent("trade", 0));
  const stop = new AbortController();
  stop.abort();
  assert.deepEqual(await runLive(engine, inbox, { signal: stop.signal, sleeper: clock }), {
    inputs: 0,
    aborted: true,
    timerWakeups: 0,
  });
  assert.deepEqual(seen, []);
});

Deno.test("runLive on the wall clock fires a 50 ms timer within 45–150 ms with no input", async () => {
  const clock = new WallClock();
  const engine = new Engine({ clock });
  const inbox = new Inbox({ now: () => clock.now() });
  const started = performance.now();
  let firedAfter: number | undefined;
  const stop = new AbortController();
  engine.bus.subscribe("timer", () => {
    firedAfter = performance.now() - started;
    stop.abort();
  });
  const at = clock.now() + 50 * MS;
  engine.schedule(at, timer(at, "50ms"));
  const summary = await runLive(engine, inbox, { signal: stop.signal });
  assert.ok(firedAfter !== undefined, "the timer fired");
  assert.ok(firedAfter >= 45 && firedAfter <= 150, `fired after ${firedAfter} ms`);
  assert.equal(summary.inputs, 0);
});

Deno.test("runLive on the wall clock processes an event offered while it sleeps at once", async () => {
  const clock = new WallClock();
  const engine = new Engine({ clock });
  const inbox = new Inbox({ now: () => clock.now() });
  const got: Event[] = [];
  const stop = new AbortController();
  engine.bus.subscribe("trade", (event) => {
    got.push(event);
    stop.abort();
  });
  // A timer far away: the runner sleeps on it, and the trade must not wait for it.
  const far = clock.now() + 10_000 * MS;
  engine.schedule(far, timer(far, "far"));
  const run = runLive(engine, inbox, { signal: stop.signal });
  const started = performance.now();
  setTimeout(() => inbox.offer(sampleEvent("trade", clock.now())), 5);
  await run;
  assert.equal(got.length, 1);
  assert.ok(performance.now() - started < 1_000, "the trade did not wait for the timer");
});

Deno.test("runLive surfaces a failing source and closes it", async () => {
  const clock = new ManualClock();
  const engine = new Engine({ clock });
  let closed = false;
  const source = {
    take: (): Promise<Event | undefined> => Promise.reject(new Error("feed decoder crashed")),
    close: () => (closed = true),
  };
  await assert.rejects(runLive(engine, source, { sleeper: clock }), {
    message: "feed decoder crashed",
  });
  assert.equal(closed, true);
});

Deno.test("runLive handles many events and timer wakes without leaking listeners on its signal", async () => {
  const { clock, engine, inbox } = manualSystem();
  const stop = new AbortController();
  let added = 0;
  let removed = 0;
  const signal = stop.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    added++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    removed++;
    remove(...args);
  };
  engine.bus.subscribe("trade", () => {
    if (engine.scheduled === 0) engine.schedule(clock.now() + MS, timer(clock.now() + MS, "t"));
  });
  const run = runLive(engine, inbox, { signal, sleeper: clock });
  for (let i = 0; i < 200; i++) {
    inbox.offer(sampleEvent("trade", i));
    await settle();
    if (i % 10 === 0) {
      clock.advance(MS);
      await settle();
    }
  }
  assert.equal(added - removed, 1, "only the wait in progress listens");
  stop.abort();
  const summary = await run;
  assert.equal(summary.inputs, 200);
  assert.ok(summary.timerWakeups >= 10, `${summary.timerWakeups} timer wakes`);
});

Deno.test("runLive keeps one sleep armed across events while the next timer stays the same", async () => {
  const { clock, engine, inbox, seen } = manualSystem();
  // Counts the sleeps armed: one per distinct due time, not one per event taken.
  const armed: number[] = [];
  const sleeper = {
    sleepUntil: (at: number, signal: AbortSignal): Promise<void> => {
      armed.push(at - 1_000_000);
      return clock.sleepUntil(at, signal);
    },
  };
  engine.schedule(clock.now() + 50 * MS, timer(clock.now() + 50 * MS, "far"));
  const stop = new AbortController();
  const run = runLive(engine, inbox, { signal: stop.signal, sleeper });
  for (let i = 0; i < 20; i++) {
    inbox.offer(sampleEvent("trade", 0));
    await settle();
  }
  assert.deepEqual(armed, [50 * MS], "20 trades, the 50 ms timer armed once");
  assert.equal(clock.sleeping, 1);
  // A handler's earlier timer replaces the armed sleep; the later one is armed again after it.
  engine.bus.subscribe(
    "fill",
    () => engine.schedule(clock.now() + 10 * MS, timer(clock.now() + 10 * MS, "near")),
  );
  inbox.offer(sampleEvent("fill", 0));
  await settle();
  assert.deepEqual(armed, [50 * MS, 10 * MS]);
  assert.equal(clock.sleeping, 1, "the replaced sleep was released");
  clock.advance(10 * MS);
  await settle();
  assert.deepEqual(armed, [50 * MS, 10 * MS, 50 * MS]);
  clock.advance(40 * MS);
  await settle();
  assert.equal(
    seen.filter((s) => s.startsWith("timer:")).join(" "),
    `timer:near@${10 * MS} timer:far@${50 * MS}`,
  );
  stop.abort();
  assert.deepEqual(await run, { inputs: 21, aborted: true, timerWakeups: 2 });
  assert.equal(clock.sleeping, 0, "no sleep is left behind");
});

Deno.test("runLive refuses an engine on event time, where no timer would come due", async () => {
  const engine = new Engine({ clock: new EventClock() });
  const inbox = new Inbox({ now: () => 0 });
  await assert.rejects(runLive(engine, inbox), {
    name: "TypeError",
    message: "runLive: the engine runs on an EventClock (event time); a live run needs a " +
      "WallClock (or a ManualClock in tests)",
  });
});
