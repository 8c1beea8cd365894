/**
 * The kill switch live: on a breach it latches, the latch is committed to the store, and a
 * restarted runtime on that store trades reducing-only until an operator clears it;
 * `flattenOnKill: false` cancels entries but keeps the positions. Also the outbox: every
 * intent is in the store before its command reaches the venue.
 */

import assert from "node:assert/strict";
import { MemoryStore } from "./_memory_store.ts";
import { driveUntil, paperRuntime } from "./_paper.ts";

Deno.test("kill switch: the latch is committed and a restart on the store is reducing-only", async () => {
  const store = new MemoryStore();
  const first = await paperRuntime({ store, maxEvents: 900, risk: { maxDrawdown: 0.0005 } });
  const summary = await driveUntil(first.clock, first.runtime.run(), 1_000);
  assert.equal(summary.killSwitch, true);
  // Stopped: halted now; what the store keeps for the next process is the latch.
  assert.equal(first.runtime.session.oms.tradingState, "halted");
  // Flattened: the kill switch closed the position (flatten_on_kill defaults to true).
  assert.ok(first.runtime.session.portfolio.position("bybit:BTCUSDT").quantity.isZero());
  const last = store.commits.at(-1);
  assert.equal(last?.killSwitch.tripped, true);
  assert.match(last?.killSwitch.reason ?? "", /drawdown limit 0\.05% reached/);
  assert.equal(last?.oms.tradingState, "reducing-only");
  assert.ok(store.closed);

  const again = await paperRuntime({ store: new MemoryStore(last), maxEvents: 600 });
  const refusals: string[] = [];
  again.runtime.session.engine.bus.subscribe("refusal", (e) => refusals.push(e.refusal.rule));
  await driveUntil(again.clock, again.runtime.run(), 700);
  assert.equal(again.runtime.killSwitch.tripped, true);
  assert.ok(again.runtime.session.risk.liquidateOnly);
  assert.equal(again.runtime.session.oms.submitted, 0);
  assert.ok(
    refusals.length > 0 && refusals.every((r) => r === "kill-switch" || r === "reducing-only"),
  );
});

Deno.test("kill switch with flattenOnKill false: no flatten order, the position stays open, reducing-only", async () => {
  for (const flattenOnKill of [true, false]) {
    const { runtime, clock } = await paperRuntime({
      maxEvents: 900,
      risk: { maxDrawdown: 0.0005 },
      flattenOnKill,
    });
    const bus = runtime.session.engine.bus;
    let phase: "before" | "killing" | "after" = "before";
    let positionAtTrip = "";
    const killSubmits: boolean[] = [];
    bus.subscribe("alert", (e) => {
      if (e.code !== "kill-switch") return;
      phase = "killing";
      positionAtTrip = runtime.session.portfolio.position("bybit:BTCUSDT").quantity.toString();
    });
    // The commands the kill switch itself sends are processed in the same settle as its alert.
    bus.subscribe("order-command", (e) => {
      if (phase === "killing" && e.command.type === "submit") {
        killSubmits.push(e.command.request.reduceOnly);
      }
    });
    bus.subscribe("candle", () => {
      if (phase === "killing") phase = "after";
    });
    await driveUntil(clock, runtime.run(), 1_000);
    assert.notEqual(phase, "before", "the kill switch should trip");
    assert.notEqual(positionAtTrip, "0", "a position should be open at the trip");
    // With flatten: one reduce-only close; without: nothing.
    assert.deepEqual(killSubmits, flattenOnKill ? [true] : []);
    assert.ok(runtime.session.risk.liquidateOnly);
  }
});

Deno.test("outbox: every order command is recorded in the store before the venue sees it", async () => {
  const store = new MemoryStore();
  const { runtime, clock } = await paperRuntime({ store, maxEvents: 1_800 });
  const venue = runtime.paper;
  assert.ok(venue !== undefined);
  const seen: string[] = [];
  const send = venue.send.bind(venue);
  // The venue checks, at each command, that its intent is already durable.
  venue.send = (command) => {
    const id = command.type === "submit" ? command.request.clientOrderId : command.clientOrderId;
    assert.ok(store.intents.some((i) => i.clientOrderId === id), `intent of ${id} first`);
    seen.push(id);
    send(command);
  };
  await driveUntil(clock, runtime.run(), 2_000);
  assert.ok(seen.length >= 2);
  assert.deepEqual(store.intents.map((i) => i.clientOrderId), seen);
  assert.deepEqual(
    store.fills.map((f) => f.tradeId),
    runtime.session.fills.map(({ fill }) => fill.tradeId),
  );
  // Committed after the last change: the OMS snapshot knows every client id used.
  assert.deepEqual(store.commits.at(-1)?.oms.clientIds, runtime.session.oms.snapshot().clientIds);
});
