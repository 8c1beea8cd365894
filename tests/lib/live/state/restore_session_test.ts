import assert from "node:assert/strict";
import { decimal, type Fill, type Order } from "../../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../../lib/events/mod.ts";
import {
  clientIdsAfter,
  LIVE_STATE_VERSION,
  type LiveStore,
  resolveAdopted,
  restoreSession,
  SqliteLiveStore,
} from "../../../../lib/live/state/mod.ts";
import type { JsonValue } from "../../../../lib/domain/mod.ts";
import type { Strategy, StrategyContext } from "../../../../lib/strategies/mod.ts";
import { BTC } from "../../execution/_oms_harness.ts";
import { commitSession, intentSession, tempDir } from "./_fixtures.ts";
import { AlgoSession } from "../../execution/algorithms/_algo_session.ts";

/** Places a limit buy on each timer and counts its timers (its state). */
function placer(): Strategy & { timers: number } {
  const strategy = {
    name: "Placer",
    subscriptions: [{ kind: "candles" as const, symbol: BTC.symbol, interval: "1m" as const }],
    timers: 0,
    onTimer(_tag: string, ctx: StrategyContext): void {
      strategy.timers++;
      ctx.submitOrder({
        symbol: BTC.symbol,
        side: "buy",
        type: "limit",
        quantity: 0.01,
        price: 49_000 + strategy.timers,
      });
    },
    snapshot: (): JsonValue => ({ timers: strategy.timers }),
    restore(state: JsonValue): void {
      strategy.timers = (state as { timers: number }).timers;
    },
  };
  return strategy;
}

// A session whose venue records commands, with the outbox in front of it.
function live(store: LiveStore, strategy: Strategy, epochMs: number) {
  const { session, commands } = intentSession(store, strategy, "plc", epochMs);
  const timer = (ts: number): void =>
    session.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Placer", tag: "go" });
  const commit = (ts: number): void => commitSession(store, session, ts, strategy.snapshot());
  return { session, commands, timer, commit };
}

function accepted(command: OrderCommand, status: Order["status"] = "accepted"): Order {
  if (command.type !== "submit") throw new TypeError("a submit");
  return {
    id: `v-${command.request.clientOrderId}`,
    request: command.request,
    status,
    filledQuantity: status === "filled" ? command.request.quantity : decimal(0),
    averagePrice: undefined,
    createdTs: 1,
    updatedTs: 1,
  };
}

function fillOf(command: OrderCommand, tradeId: string): Fill {
  if (command.type !== "submit") throw new TypeError("a submit");
  return {
    orderId: `v-${command.request.clientOrderId}`,
    clientOrderId: command.request.clientOrderId,
    symbol: BTC.symbol,
    side: "buy",
    price: command.request.price ?? decimal(0),
    quantity: command.request.quantity,
    fee: decimal("0.1"),
    feeCurrency: "USDT",
    liquidity: "maker",
    tradeId,
  };
}

Deno.test("restoreSession brings back OMS, portfolio and strategy; an uncommitted submit is adopted ambiguous; ids move on", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const before = placer();
    const store = SqliteLiveStore.open({ path, lockKey: "bybit:t:BTCUSDT" });
    const a = live(store, before, 1_000_000);
    a.timer(60_000_000);
    a.timer(120_000_000);
    const [first, second] = a.commands;
    a.session.engine.process({ kind: "order-update", ts: 2, tsRecv: 2, order: accepted(first) });
    a.session.engine.process({
      kind: "order-update",
      ts: 3,
      tsRecv: 3,
      order: accepted(second, "filled"),
    });
    const booked = fillOf(second, "trade-1");
    store.recordFill(booked, 3);
    a.session.engine.process({ kind: "fill", ts: 3, tsRecv: 3, fill: booked });
    a.commit(130_000_000);
    // After the commit: a third order goes out, and a fill of the first arrives; then kill -9.
    a.timer(180_000_000);
    const third = a.commands[2];
    const late = fillOf(first, "trade-2");
    store.recordFill(late, 4);
    const positionAtCommit = "0.01";
    store.close();

    const after = placer();
    const again = SqliteLiveStore.open({ path, lockKey: "bybit:t:BTCUSDT" });
    const b = live(again, after, 2_000_000);
    const outcome = restoreSession(again, { session: b.session, strategy: after });
    assert.equal(after.timers, 2, "strategy state as committed");
    assert.equal(b.session.portfolio.position(BTC.symbol).quantity.toString(), positionAtCommit);
    assert.equal(third.type, "submit");
    if (third.type !== "submit") return;
    assert.deepEqual(outcome.adopted, [third.request.clientOrderId]);
    assert.deepEqual(
      b.session.oms.openOrders().map((o) => [o.request.clientOrderId, o.status]),
      [
        [first.type === "submit" ? first.request.clientOrderId : "", "accepted"],
        [third.request.clientOrderId, "pending-new"],
      ],
    );
    assert.deepEqual(
      b.session.oms.ambiguousOrders().map((o) => o.request.clientOrderId),
      [third.request.clientOrderId],
    );
    assert.deepEqual(outcome.fills.map((f) => f.fill.tradeId), ["trade-2"]);
    // Replaying the uncommitted fill books it once; the committed one re-delivered is dropped.
    for (const { fill, ts } of outcome.fills) {
      b.session.engine.process({ kind: "fill", ts, tsRecv: ts, fill });
    }
    b.session.engine.process({ kind: "fill", ts: 5, tsRecv: 5, fill: booked });
    assert.equal(b.session.portfolio.position(BTC.symbol).quantity.toString(), "0.02");
    // The next order's id is new: past every id an intent used, in the same series.
    b.timer(240_000_000);
    const next = b.commands.at(-1);
    assert.ok(next?.type === "submit");
    const used = again.intentIds();
    assert.equal(used.filter((id) => id === next.request.clientOrderId).length, 1);
    assert.deepEqual(
      used.slice(0, 3),
      a.commands.map((c) => c.type === "submit" ? c.request.clientOrderId : ""),
    );
    assert.equal(next.request.clientOrderId, third.request.clientOrderId.replace(/-3$/, "-4"));
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("restoreSession with no commit yet still moves the id counter past the intents", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "k" });
    const a = live(store, placer(), 1_000_000);
    a.timer(60_000_000);
    store.close();
    const again = SqliteLiveStore.open({ path, lockKey: "k" });
    const b = live(again, placer(), 2_000_000);
    const outcome = restoreSession(again, { session: b.session, strategy: placer() });
    assert.equal(outcome.state, undefined);
    assert.equal(outcome.adopted.length, 1);
    // The same epoch as the dead process (a restart within its millisecond, or an event clock).
    b.timer(60_000_000);
    const ids = again.intentIds();
    assert.equal(new Set(ids).size, ids.length, `ids reused: ${ids.join(", ")}`);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("restoreSession: a submit committed before its answer came is adopted too (a live request leaves after the commit: the kill may come before it left), and settled, never resent", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "k" });
    const a = live(store, placer(), 1_000_000);
    a.timer(60_000_000);
    a.commit(60_000_000);
    const sent = a.commands[0];
    assert.ok(sent.type === "submit");
    const id = sent.request.clientOrderId;
    store.close();

    const again = SqliteLiveStore.open({ path, lockKey: "k" });
    const b = live(again, placer(), 2_000_000);
    const outcome = restoreSession(again, { session: b.session, strategy: placer() });
    assert.deepEqual(outcome.adopted, [id]);
    assert.deepEqual(b.session.oms.ambiguousOrders().map((o) => o.request.clientOrderId), [id]);
    // Not at the venue past its fence: it never arrived, and is rejected, not sent again.
    const [settled] = resolveAdopted(b.session.oms, outcome.adopted, [], 70_000_000);
    assert.equal(settled?.status, "rejected");
    b.session.engine.process({
      kind: "order-update",
      ts: 70_000_000,
      tsRecv: 70_000_000,
      order: settled,
    });
    assert.deepEqual(b.session.oms.openOrders(), []);
    assert.deepEqual(b.commands, []);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("clientIdsAfter ignores other prefixes and other epochs", () => {
  assert.deepEqual(
    clientIdsAfter({ prefix: "sma", epochMs: 100, counter: 3 }, [
      "sma-2s-9",
      "sma-2t-z",
      "other-2s-zz",
      "sma-2s-2",
    ]),
    { prefix: "sma", epochMs: 100, counter: 9 },
  );
  assert.deepEqual(
    clientIdsAfter({ prefix: "sma", epochMs: undefined, counter: 0 }, ["sma-2s-9", "sma-2t-b"]),
    { prefix: "sma", epochMs: parseInt("2t", 36), counter: 11 },
  );
});

Deno.test("restoreSession moves the id counter past ids only the venue knows (an intent lost to a power loss)", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "k" });
    const a = live(store, placer(), 1_000_000);
    a.timer(60_000_000);
    a.commit(61_000_000);
    const first = a.commands[0];
    assert.ok(first.type === "submit");
    store.close();
    // The venue holds "-5" of the same series; the file lost its intent.
    const lost = first.request.clientOrderId.replace(/-1$/, "-5");
    const again = SqliteLiveStore.open({ path, lockKey: "k" });
    const b = live(again, placer(), 2_000_000);
    restoreSession(again, { session: b.session, strategy: placer(), venueIds: [lost] });
    b.timer(120_000_000);
    const next = b.commands.at(-1);
    assert.ok(next?.type === "submit");
    assert.equal(next.request.clientOrderId, lost.replace(/-5$/, "-6"));
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("restoreSession brings back a TWAP in the middle of its schedule (the algorithms' parents)", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const twap: ConstructorParameters<typeof AlgoSession>[0] = {
      0: {
        kind: "enter-long",
        confidence: 1,
        hint: { kind: "twap", durationSecs: 600, slices: 5 },
      },
    };
    const first = new AlgoSession(twap);
    first.flat(3);
    const saved = first.session.algorithms.snapshot();
    assert.equal(saved.parents.length, 1, "the TWAP is working");
    const store = SqliteLiveStore.open({ path, lockKey: "bybit:t:BTCUSDT" });
    store.commit({
      version: LIVE_STATE_VERSION,
      savedAt: 1,
      oms: first.session.oms.snapshot(),
      strategy: null,
      algorithms: saved,
      portfolio: first.session.portfolio.toJSON(),
      lastEventIds: {},
      killSwitch: { tripped: false },
    });
    const second = new AlgoSession(twap, { startBar: first.index });
    restoreSession(store, { session: second.session, strategy: placer() });
    store.close();
    // Timers are armed again in the fresh engine, which numbers them anew (`seq` only orders
    // timers of one time); the schedule, fills and working children are the saved ones.
    const plain = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v, (key, value) => key === "seq" ? undefined : value));
    assert.deepEqual(plain(second.session.algorithms.snapshot()), plain(saved));
  } finally {
    cleanup();
  }
});
