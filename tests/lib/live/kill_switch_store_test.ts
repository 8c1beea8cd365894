/**
 * The kill switch live: on a breach it latches, the latch is committed to the store, and a
 * restarted runtime on that store trades reducing-only until an operator clears it;
 * `flattenOnKill: false` cancels entries but keeps the positions. Also the outbox: every
 * intent is in the store before its command reaches the venue.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type LiveStore, openLiveStore } from "../../../lib/live/mod.ts";
import { driveUntil, paperRuntime } from "./_paper.ts";

/** A SQLite state store in a fresh temp folder (the runtime closes it at its stop). */
async function sqliteStore(path?: string): Promise<{ store: LiveStore; path: string }> {
  const file = path ?? join(await Deno.makeTempDir({ prefix: "tesser-live-store-" }), "state.db");
  const store = await openLiveStore({
    engine: "sqlite",
    path: file,
    lockKey: "paper:bybit:BTCUSDT",
  });
  return { store, path: file };
}

Deno.test("kill switch: the latch is committed and a restart on the store is reducing-only", async () => {
  const { store, path } = await sqliteStore();
  const first = await paperRuntime({ store, maxEvents: 900, risk: { maxDrawdown: 0.0005 } });
  const summary = await driveUntil(first.clock, first.runtime.run(), 1_000);
  assert.equal(summary.killSwitch, true);
  // Stopped: halted now; what the store keeps for the next process is the latch.
  assert.equal(first.runtime.session.oms.tradingState, "halted");
  // Flattened: the kill switch closed the position (flatten_on_kill defaults to true).
  assert.ok(first.runtime.session.portfolio.position("bybit:BTCUSDT").quantity.isZero());
  // The runtime closed the store at its stop (the single-writer lock is free again).
  const reopened = await sqliteStore(path);
  const last = reopened.store.load();
  assert.equal(last?.killSwitch.tripped, true);
  assert.match(last?.killSwitch.reason ?? "", /drawdown limit 0\.05% reached/);
  assert.equal(last?.oms.tradingState, "reducing-only");

  const again = await paperRuntime({ store: reopened.store, maxEvents: 600 });
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

Deno.test("outbox: every order command is in the store before the venue sees it; fills and state committed", async () => {
  const { store, path } = await sqliteStore();
  const { runtime, clock } = await paperRuntime({ store, maxEvents: 1_800 });
  const venue = runtime.paper;
  assert.ok(venue !== undefined);
  const seen: string[] = [];
  const send = venue.send.bind(venue);
  // The venue checks, at each command, that its intent is already durable.
  venue.send = (command) => {
    const id = command.type === "submit" ? command.request.clientOrderId : command.clientOrderId;
    assert.ok(store.intentIds().includes(id), `intent of ${id} first`);
    seen.push(id);
    send(command);
  };
  await driveUntil(clock, runtime.run(), 2_000);
  assert.ok(seen.length >= 2);
  const { store: after } = await sqliteStore(path);
  try {
    assert.deepEqual(after.intentIds(), seen);
    // A clean stop leaves nothing uncommitted, and the committed state is the session's.
    assert.deepEqual(after.uncommitted(), { intents: [], fills: [] });
    const state = after.load();
    assert.deepEqual(state?.oms.clientIds, runtime.session.oms.snapshot().clientIds);
    assert.equal(
      state?.portfolio.balances.USDT,
      runtime.session.portfolio.balances()[0].total.toString(),
    );
  } finally {
    after.close();
  }
});
