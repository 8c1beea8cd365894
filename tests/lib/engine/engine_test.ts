import assert from "node:assert/strict";
import { EventClock } from "../../../lib/engine/clock.ts";
import { Engine } from "../../../lib/engine/engine.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";
import { label, sampleEvent, timer } from "../events/_fixtures.ts";

/** An engine with an audit log of every published event as `label` plus the clock then. */
function audited(maxCascade?: number): { engine: Engine; audit: string[] } {
  const engine = new Engine({ clock: new EventClock(), maxCascade });
  const audit: string[] = [];
  engine.bus.subscribeAll((event) => audit.push(`${label(event)} now=${engine.now()}`));
  return { engine, audit };
}

Deno.test("Engine.process publishes the event with the clock at its time", () => {
  const { engine, audit } = audited();
  engine.process(timer(10, "in"));
  assert.deepEqual(audit, ["in@10 now=10"]);
  assert.equal(engine.processed, 1);
  assert.equal(engine.clock.now(), 10);
});

Deno.test("Engine uses the bus it is given", () => {
  const { engine: first } = audited();
  const engine = new Engine({ clock: new EventClock(), bus: first.bus });
  assert.equal(engine.bus, first.bus);
});

Deno.test("emitted events are processed FIFO before process returns", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "in") {
      engine.emit(timer(event.ts, "a"));
      engine.emit(timer(event.ts, "b"));
    }
    if (event.tag === "a") engine.emit(timer(event.ts, "a1"));
    if (event.tag === "b") engine.emit(timer(event.ts, "b1"));
  });
  engine.process(timer(10, "in"));
  // Breadth-first: everything emitted by "in" before what its children emitted.
  assert.deepEqual(audit, [
    "in@10 now=10",
    "a@10 now=10",
    "b@10 now=10",
    "a1@10 now=10",
    "b1@10 now=10",
  ]);
  assert.equal(engine.processed, 5);
});

Deno.test("an input's cascade settles completely before the next input", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("candle", (event) => engine.emit(sampleEvent("signal", event.ts)));
  engine.bus.subscribe("signal", (event) => engine.emit(sampleEvent("order-command", event.ts)));
  engine.process(sampleEvent("candle", 10));
  engine.process(sampleEvent("candle", 20));
  assert.deepEqual(audit, [
    "candle@10 now=10",
    "signal@10 now=10",
    "order-command@10 now=10",
    "candle@20 now=20",
    "signal@20 now=20",
    "order-command@20 now=20",
  ]);
});

Deno.test("the pending queue reused across inputs stays FIFO, after long and short cascades", () => {
  const { engine, audit } = audited();
  let chain = 0;
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "long" || (event.tag === "link" && ++chain < 2_000)) {
      engine.emit(timer(event.ts, "link"));
    }
    if (event.tag === "short") {
      engine.emit(timer(event.ts, "x"));
      engine.emit(timer(event.ts, "y"));
    }
  });
  engine.process(timer(1, "long"));
  assert.equal(audit.length, 2_001);
  for (const ts of [2, 3]) {
    audit.length = 0;
    engine.process(timer(ts, "short"));
    assert.deepEqual(audit, [`short@${ts} now=${ts}`, `x@${ts} now=${ts}`, `y@${ts} now=${ts}`]);
  }
  assert.equal(engine.processed, 2_001 + 6);
});

Deno.test("scheduled events fire in time order before a later input, at their own time", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "in") {
      engine.schedule(30, timer(30, "late"));
      engine.schedule(20, timer(20, "early"));
    }
    if (event.tag === "early") engine.emit(timer(event.ts, "early-child"));
  });
  engine.process(timer(10, "in"));
  assert.deepEqual(audit, ["in@10 now=10"]);
  assert.equal(engine.scheduled, 2);
  assert.equal(engine.nextScheduledTime, 20);
  engine.process(timer(50, "next"));
  assert.deepEqual(audit, [
    "in@10 now=10",
    "early@20 now=20",
    "early-child@20 now=20",
    "late@30 now=30",
    "next@50 now=50",
  ]);
  assert.equal(engine.scheduled, 0);
  assert.equal(engine.nextScheduledTime, undefined);
});

Deno.test("an event scheduled at an input's exact time fires before that input", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "in") engine.schedule(20, timer(20, "due"));
  });
  engine.process(timer(10, "in"));
  engine.process(timer(20, "next"));
  assert.deepEqual(audit, ["in@10 now=10", "due@20 now=20", "next@20 now=20"]);
});

Deno.test("an event scheduled for now fires in the same process, after the emitted ones", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag !== "in") return;
    engine.schedule(engine.now(), timer(event.ts, "zero-delay"));
    engine.emit(timer(event.ts, "emitted"));
  });
  engine.process(timer(10, "in"));
  assert.deepEqual(audit, ["in@10 now=10", "emitted@10 now=10", "zero-delay@10 now=10"]);
  assert.equal(engine.scheduled, 0);
});

Deno.test("schedule rejects a time in the past or not an integer", () => {
  const { engine } = audited();
  engine.process(timer(100, "in"));
  assert.throws(
    () => engine.schedule(99, timer(99, "x")),
    {
      name: "RangeError",
      message: "Engine.schedule: time 99 is not an integer at or after now (100)",
    },
  );
  assert.throws(() => engine.schedule(100.5, timer(100, "x")), /time 100.5 is not an integer/);
  assert.throws(() => engine.schedule(Number.NaN, timer(100, "x")), RangeError);
  engine.schedule(100, timer(100, "ok"));
  assert.equal(engine.scheduled, 1);
});

Deno.test("a handler may not schedule before the time of the event it handles", () => {
  const { engine } = audited();
  engine.bus.subscribe("timer", (event) => engine.schedule(event.ts - 1, timer(0, "x")));
  assert.throws(
    () => engine.process(timer(10, "in")),
    /time 9 is not an integer at or after now \(10\)/,
  );
});

Deno.test("emit outside process throws", () => {
  const { engine } = audited();
  assert.throws(
    () => engine.emit(timer(1, "x")),
    { name: "Error", message: "Engine.emit may only be called by a handler during Engine.process" },
  );
});

Deno.test("process called from a handler throws instead of reordering events", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "in") engine.process(timer(event.ts, "nested"));
  });
  assert.throws(
    () => engine.process(timer(10, "in")),
    {
      message:
        /^Engine\.process is not re-entrant: handlers must use emit or schedule \(while handling the timer event at /,
    },
  );
  assert.deepEqual(audit, ["in@10 now=10"]);
  // The engine is usable again afterwards.
  engine.process(timer(20, "after"));
  assert.deepEqual(audit, ["in@10 now=10", "after@20 now=20"]);
});

Deno.test("advanceTo and drain called from a handler throw as well", () => {
  const { engine } = audited();
  const unsubscribe = engine.bus.subscribe("timer", () => engine.advanceTo(100));
  assert.throws(() => engine.process(timer(10, "in")), /not re-entrant/);
  unsubscribe();
  engine.bus.subscribe("timer", () => engine.drain());
  assert.throws(() => engine.process(timer(20, "in")), /not re-entrant/);
});

Deno.test("a runaway cascade throws naming the limit, and the engine recovers", () => {
  const { engine, audit } = audited(10);
  engine.bus.subscribe("timer", (event) => {
    if (event.tag !== "in") engine.emit(timer(event.ts, "loop"));
  });
  assert.throws(
    () => engine.process(timer(1, "start")),
    {
      message:
        "Engine: one input cascaded into more than 10 events; a handler is probably re-emitting in a loop",
    },
  );
  assert.equal(audit.length, 11); // the input plus the 10 allowed cascaded events
  audit.length = 0;
  engine.process(timer(2, "in"));
  assert.deepEqual(audit, ["in@2 now=2"], "nothing of the runaway cascade is left over");
});

Deno.test("a runaway loop through zero-delay schedules is caught too", () => {
  const { engine } = audited(5);
  engine.bus.subscribe("timer", (event) => engine.schedule(event.ts, timer(event.ts, "again")));
  assert.throws(() => engine.process(timer(1, "start")), /more than 5 events/);
});

Deno.test("a cascade of exactly maxCascade events is allowed", () => {
  const { engine, audit } = audited(3);
  engine.bus.subscribe("timer", (event) => {
    const n = Number(event.tag);
    if (n < 3) engine.emit(timer(event.ts, String(n + 1)));
  });
  engine.process(timer(1, "0"));
  assert.equal(audit.length, 4);
});

Deno.test("advanceTo fires scheduled events due by then and leaves the rest", () => {
  const { engine, audit } = audited();
  engine.schedule(10, timer(10, "a"));
  engine.schedule(20, timer(20, "b"));
  engine.schedule(30, timer(30, "c"));
  engine.advanceTo(20);
  assert.deepEqual(audit, ["a@10 now=10", "b@20 now=20"]);
  assert.equal(engine.scheduled, 1);
  assert.equal(engine.now(), 20);
});

Deno.test("drain fires every scheduled event, including those they schedule", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "a") engine.schedule(1_000_000, timer(1_000_000, "far"));
    if (event.tag === "far") engine.emit(timer(event.ts, "far-child"));
  });
  engine.schedule(30, timer(30, "b"));
  engine.schedule(10, timer(10, "a"));
  engine.drain();
  assert.deepEqual(audit, [
    "a@10 now=10",
    "b@30 now=30",
    "far@1000000 now=1000000",
    "far-child@1000000 now=1000000",
  ]);
  assert.equal(engine.scheduled, 0);
});

Deno.test("the clock never moves backwards for a late input", () => {
  const { engine, audit } = audited();
  engine.process(timer(100, "a"));
  engine.process(timer(50, "late"));
  assert.deepEqual(audit, ["a@100 now=100", "late@50 now=100"]);
});

Deno.test("an event emitted during drain is processed", () => {
  const { engine, audit } = audited();
  engine.bus.subscribe("timer", (event: Event) => {
    if (event.kind === "timer" && event.tag === "a") engine.emit(sampleEvent("alert", event.ts));
  });
  engine.schedule(5, timer(5, "a"));
  engine.drain();
  assert.deepEqual(audit, ["a@5 now=5", "alert@5 now=5"]);
});

Deno.test({
  // BUG: when a handler throws, the events it (or earlier handlers) emitted stay in the pending
  // queue and are dispatched during the next process, after that input and at its time. The
  // runaway path already clears the queue. Fix in lib/engine/engine.ts: in the `finally` of
  // process() and advanceTo(), reset `#pending.length = 0; #pendingHead = 0;`.
  ignore: false,
  name: "a handler error discards the rest of that input's cascade",
  fn() {
    const { engine, audit } = audited();
    engine.bus.subscribe("timer", (event) => {
      if (event.tag !== "in") return;
      engine.emit(timer(event.ts, "orphan"));
      throw new Error("handler failed");
    });
    assert.throws(() => engine.process(timer(10, "in")), /handler failed/);
    engine.process(timer(20, "next"));
    assert.deepEqual(audit, ["in@10 now=10", "next@20 now=20"]);
  },
});

Deno.test("a handler's unexpected error names the event it failed on; Tesser's errors pass as they are", () => {
  const { engine } = audited();
  engine.bus.subscribe("timer", (event) => {
    if (event.tag === "bug") throw new TypeError("x is undefined");
    if (event.tag === "data") throw new DataError("bad row");
  });
  assert.throws(() => engine.process(timer(60_000_000, "bug")), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.name, "TypeError");
    assert.equal(
      error.message,
      "x is undefined (while handling the timer event at 1970-01-01T00:01:00Z)",
    );
    assert.ok(error.cause instanceof TypeError);
    return true;
  });
  assert.throws(
    () => engine.process(timer(120_000_000, "data")),
    (error: unknown) => error instanceof DataError && error.message === "bad row",
  );
});
