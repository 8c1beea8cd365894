import assert from "node:assert/strict";
import { EventClock } from "../../../lib/engine/clock.ts";
import { Engine } from "../../../lib/engine/engine.ts";
import { InputSource, runAsync, type RunInput, runSync } from "../../../lib/engine/runner.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { label, sampleEvent, timer } from "../events/_fixtures.ts";

/**
 * A small deterministic "system": a candle emits a signal, a signal schedules a timer 5 µs
 * later, and that timer emits an alert. Returns the engine and the recorded audit stream.
 */
function system(): { engine: Engine; audit: Event[] } {
  const engine = new Engine({ clock: new EventClock() });
  const audit: Event[] = [];
  engine.bus.subscribeAll((event) => audit.push(event));
  engine.bus.subscribe("candle", (event) => engine.emit(sampleEvent("signal", event.ts)));
  engine.bus.subscribe("signal", (event) => {
    engine.schedule(event.ts + 5, timer(event.ts + 5, `after-${event.ts}`, "system"));
  });
  engine.bus.subscribe("timer", (event) => {
    if (event.owner === "system") {
      engine.emit({ ...sampleEvent("alert", engine.now()), message: `fired ${event.tag}` });
    }
  });
  return { engine, audit };
}

const INPUTS: readonly Event[] = [
  sampleEvent("candle", 10),
  sampleEvent("candle", 12),
  sampleEvent("trade", 16),
  sampleEvent("candle", 30),
  timer(35, "input"),
  sampleEvent("candle", 40),
];

const EXPECTED_AUDIT = [
  "candle@10",
  "signal@10",
  "candle@12",
  "signal@12",
  "after-10@15",
  "alert@15",
  "trade@16",
  "after-12@17",
  "alert@17",
  "candle@30",
  "signal@30",
  "after-30@35", // scheduled at 35 fires before the input at 35
  "alert@35",
  "input@35",
  "candle@40",
  "signal@40",
  "after-40@45", // the tail, fired by the final drain
  "alert@45",
];

async function* slowly<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield item;
  }
}

Deno.test("runSync processes every input in order and drains the tail", () => {
  const { engine, audit } = system();
  const summary = runSync(engine, INPUTS);
  assert.deepEqual(summary, { inputs: 6, aborted: false });
  assert.deepEqual(audit.map(label), EXPECTED_AUDIT);
  assert.equal(engine.scheduled, 0);
});

Deno.test("runSync leaves scheduled events when drainScheduled is false", () => {
  const { engine, audit } = system();
  runSync(engine, INPUTS, { drainScheduled: false });
  assert.deepEqual(audit.map(label), EXPECTED_AUDIT.slice(0, -2));
  assert.equal(engine.scheduled, 1);
  assert.equal(engine.nextScheduledTime, 45);
});

Deno.test("runSync and runAsync give the same audit stream for the same inputs", async () => {
  const sync = system();
  const asyncRun = system();
  runSync(sync.engine, INPUTS);
  const summary = await runAsync(asyncRun.engine, slowly(INPUTS));
  assert.deepEqual(summary, { inputs: 6, aborted: false });
  assert.deepEqual(asyncRun.audit.map(label), EXPECTED_AUDIT);
  assert.deepEqual(asyncRun.audit, sync.audit);
});

Deno.test("runSync stops between two events once its signal aborts", () => {
  const { engine, audit } = system();
  const controller = new AbortController();
  engine.bus.subscribe("trade", () => controller.abort());
  const summary = runSync(engine, INPUTS, { signal: controller.signal });
  assert.deepEqual(summary, { inputs: 3, aborted: true });
  assert.equal(audit.at(-1)?.kind, "trade");
  assert.equal(engine.scheduled, 1, "an aborted run is not drained");
});

Deno.test("runSync with an already aborted signal processes nothing", () => {
  const { engine, audit } = system();
  const summary = runSync(engine, INPUTS, { signal: AbortSignal.abort() });
  assert.deepEqual(summary, { inputs: 0, aborted: true });
  assert.deepEqual(audit, []);
});

Deno.test("runAsync stops between two events on abort and closes the source", async () => {
  const { engine, audit } = system();
  const controller = new AbortController();
  engine.bus.subscribe("trade", () => controller.abort());
  let closed = false;
  async function* source(): AsyncGenerator<Event> {
    try {
      yield* INPUTS;
    } finally {
      closed = true;
    }
  }
  const summary = await runAsync(engine, source(), { signal: controller.signal });
  assert.deepEqual(summary, { inputs: 3, aborted: true });
  assert.equal(audit.at(-1)?.kind, "trade");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(closed, true);
});

Deno.test("runAsync stops while waiting for a slow source and reports aborted", async () => {
  const { engine, audit } = system();
  const controller = new AbortController();
  let release: (result: IteratorResult<Event>) => void = () => {};
  let returned = false;
  let calls = 0;
  const source: AsyncIterable<Event> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        calls++;
        if (calls === 1) return Promise.resolve({ done: false, value: INPUTS[0] });
        // The second event never comes on its own: the run must not wait for it.
        return new Promise((resolve) => (release = resolve));
      },
      return: () => {
        returned = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  const run = runAsync(engine, source, { signal: controller.signal });
  while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(audit.map(label), ["candle@10", "signal@10"]);
  controller.abort();
  assert.deepEqual(await run, { inputs: 1, aborted: true });
  assert.equal(returned, true);
  release({ done: true, value: undefined });
});

Deno.test("runAsync with an already aborted signal takes nothing", async () => {
  const { engine, audit } = system();
  const summary = await runAsync(engine, slowly(INPUTS), { signal: AbortSignal.abort() });
  assert.deepEqual(summary, { inputs: 0, aborted: true });
  assert.deepEqual(audit, []);
});

Deno.test("runAsync leaves scheduled events when drainScheduled is false", async () => {
  const { engine } = system();
  await runAsync(engine, slowly(INPUTS), { drainScheduled: false });
  assert.equal(engine.scheduled, 1);
});

Deno.test("runAsync propagates a handler's error", async () => {
  const { engine } = system();
  engine.bus.subscribe("trade", () => {
    throw new Error("strategy crashed");
  });
  await assert.rejects(runAsync(engine, slowly(INPUTS)), /strategy crashed/);
});

Deno.test("runAsync closes the source when a handler throws", async () => {
  const engine = new Engine({ clock: new EventClock() });
  engine.bus.subscribe("timer", () => {
    throw new Error("handler failed");
  });
  let closed = false;
  async function* source() {
    try {
      yield { kind: "timer" as const, ts: 1, tsRecv: 1, owner: "t", tag: "a" };
      yield { kind: "timer" as const, ts: 2, tsRecv: 2, owner: "t", tag: "b" };
    } finally {
      closed = true;
    }
  }
  await assert.rejects(runAsync(engine, source()), /handler failed/);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(closed, true);
});

Deno.test("runSync takes a bare time as 'advance to it': the timers due by then fire without an input", () => {
  const { engine, audit } = system();
  // The candle's timer is due at 15: advancing to 14 fires nothing.
  runSync(engine, [sampleEvent("candle", 10), 14], { drainScheduled: false });
  assert.deepEqual(audit.map(label), ["candle@10", "signal@10"]);
  assert.equal(engine.scheduled, 1);
  const summary = runSync(engine, [15, sampleEvent("trade", 20)], { drainScheduled: false });
  assert.deepEqual(audit.map(label).slice(2), ["after-10@15", "alert@15", "trade@20"]);
  assert.equal(summary.inputs, 2);
  assert.equal(engine.now(), 20);
});

Deno.test("InputSource feeds runSync from take() with one reused result object", () => {
  class Countdown extends InputSource {
    readonly results = new Set<object>();
    #left = 3;
    take(): RunInput | undefined {
      return this.#left > 0 ? sampleEvent("trade", 10 * this.#left--) : undefined;
    }
    override next(): IteratorResult<RunInput> {
      const result = super.next();
      this.results.add(result);
      return result;
    }
  }
  const { engine, audit } = system();
  const source = new Countdown();
  const summary = runSync(engine, source);
  assert.equal(summary.inputs, 3);
  assert.deepEqual(audit.map(label), ["trade@30", "trade@20", "trade@10"]);
  assert.equal(source.results.size, 1);
});
