import assert from "node:assert/strict";
import { EventBus } from "../../../lib/events/bus.ts";
import { type Event, EVENT_KINDS } from "../../../lib/events/event.ts";
import { label, sampleEvent, timer } from "./_fixtures.ts";

Deno.test("EventBus.subscribe delivers only events of the subscribed kind", () => {
  const bus = new EventBus();
  const alerts: string[] = [];
  bus.subscribe("alert", (alert) => alerts.push(alert.message));
  for (const kind of EVENT_KINDS) bus.publish(sampleEvent(kind));
  assert.deepEqual(alerts, ["hello"]);
});

Deno.test("EventBus.subscribeAll delivers every event in publish order", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.subscribeAll((event) => seen.push(event.kind));
  for (const kind of EVENT_KINDS) bus.publish(sampleEvent(kind));
  assert.deepEqual(seen, [...EVENT_KINDS]);
});

Deno.test("EventBus.publish with no handlers does nothing", () => {
  const bus = new EventBus();
  bus.publish(timer(1, "a"));
  assert.equal(bus.handlerCount("timer"), 0);
});

Deno.test("EventBus calls handlers in subscription order across both kinds of subscription", () => {
  const bus = new EventBus();
  const calls: string[] = [];
  bus.subscribe("timer", () => calls.push("timer-1"));
  bus.subscribeAll(() => calls.push("all-1"));
  bus.subscribe("alert", () => calls.push("alert-1"));
  bus.subscribe("timer", () => calls.push("timer-2"));
  bus.subscribeAll(() => calls.push("all-2"));
  bus.publish(timer(1, "a"));
  assert.deepEqual(calls, ["timer-1", "all-1", "timer-2", "all-2"]);
  calls.length = 0;
  bus.publish(sampleEvent("alert"));
  assert.deepEqual(calls, ["all-1", "alert-1", "all-2"]);
});

Deno.test("EventBus.handlerCount counts kind-specific and catch-all handlers", () => {
  const bus = new EventBus();
  bus.subscribe("timer", () => {});
  bus.subscribeAll(() => {});
  assert.equal(bus.handlerCount("timer"), 2);
  assert.equal(bus.handlerCount("fill"), 1);
});

Deno.test("unsubscribe stops delivery and calling it twice is harmless", () => {
  const bus = new EventBus();
  const calls: string[] = [];
  const stopTimer = bus.subscribe("timer", () => calls.push("timer"));
  const stopAll = bus.subscribeAll(() => calls.push("all"));
  bus.subscribe("timer", () => calls.push("other"));
  stopTimer();
  stopTimer();
  bus.publish(timer(1, "a"));
  assert.deepEqual(calls, ["all", "other"]);
  stopAll();
  stopAll();
  calls.length = 0;
  bus.publish(timer(2, "b"));
  bus.publish(sampleEvent("fill"));
  assert.deepEqual(calls, ["other"]);
  assert.equal(bus.handlerCount("timer"), 1);
  assert.equal(bus.handlerCount("fill"), 0);
});

Deno.test("the same handler subscribed twice runs twice and is removed one at a time", () => {
  const bus = new EventBus();
  let count = 0;
  const handler = () => count++;
  const first = bus.subscribe("timer", handler);
  bus.subscribe("timer", handler);
  bus.publish(timer(1, "a"));
  assert.equal(count, 2);
  first();
  bus.publish(timer(2, "b"));
  assert.equal(count, 3);
});

Deno.test("a handler added during publish receives events from the next publish on", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  let added = false;
  bus.subscribe("timer", (event) => {
    seen.push(`first ${event.tag}`);
    if (!added) {
      added = true;
      bus.subscribeAll((later: Event) => seen.push(`late ${label(later)}`));
    }
  });
  bus.publish(timer(1, "a"));
  assert.deepEqual(seen, ["first a"]);
  bus.publish(timer(2, "b"));
  assert.deepEqual(seen, ["first a", "first b", "late b@2"]);
});

Deno.test("a handler removed during publish still gets the current event, not the next", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  let stopSecond = () => {};
  bus.subscribe("timer", (event) => {
    seen.push(`first ${event.tag}`);
    stopSecond();
  });
  stopSecond = bus.subscribe("timer", (event) => seen.push(`second ${event.tag}`));
  bus.publish(timer(1, "a"));
  bus.publish(timer(2, "b"));
  assert.deepEqual(seen, ["first a", "second a", "first b"]);
});

Deno.test("a handler's exception propagates out of publish and stops later handlers", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.subscribe("timer", () => {
    throw new Error("boom");
  });
  bus.subscribe("timer", () => seen.push("second"));
  assert.throws(() => bus.publish(timer(1, "a")), /boom/);
  assert.deepEqual(seen, []);
});

Deno.test("kinds published in turn reach handlers subscribed and removed between them", () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.subscribe("candle", () => seen.push("candle"));
  const publishBoth = () => {
    bus.publish(sampleEvent("candle"));
    bus.publish(sampleEvent("signal"));
  };
  publishBoth();
  const stop = bus.subscribe("signal", () => seen.push("signal"));
  publishBoth();
  publishBoth();
  stop();
  publishBoth();
  assert.deepEqual(seen, ["candle", "candle", "signal", "candle", "signal", "candle"]);
});
