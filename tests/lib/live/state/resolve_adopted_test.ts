import assert from "node:assert/strict";
import { decimal, type Order } from "../../../../lib/domain/mod.ts";
import {
  ADOPTED_FENCE_MS,
  adoptedFence,
  type LiveStore,
  refusedSteps,
  resolveAdopted,
  restoreSession,
  SqliteLiveStore,
} from "../../../../lib/live/state/mod.ts";
import type { Strategy, StrategyContext } from "../../../../lib/strategies/mod.ts";
import { BTC } from "../../execution/_oms_harness.ts";
import { commitSession, intentSession, tempDir } from "./_fixtures.ts";

/** A limit buy per timer; `cancel <id>` cancels one. */
const bidder: Strategy = {
  name: "Bidder",
  subscriptions: [{ kind: "candles", symbol: BTC.symbol, interval: "1m" }],
  onTimer(tag: string, ctx: StrategyContext): void {
    if (tag.startsWith("cancel ")) {
      ctx.cancelOrder(BTC.symbol, tag.slice("cancel ".length));
      return;
    }
    if (tag.startsWith("amend ")) {
      ctx.amendOrder(BTC.symbol, tag.slice("amend ".length), { price: 48_000 });
      return;
    }
    ctx.submitOrder({
      symbol: BTC.symbol,
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price: 49_000 + Number(tag),
    });
  },
  snapshot: () => null,
  restore: () => {},
};

// A session with the outbox in front of a venue that only records what it is sent.
function process(store: LiveStore, sentAtMs: number) {
  const { session, commands } = intentSession(store, bidder, "adp", sentAtMs);
  const bid = (n: number): string => {
    const ts = sentAtMs * 1000 + n;
    session.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Bidder", tag: String(n) });
    const last = commands.at(-1);
    if (last?.type !== "submit") throw new TypeError("no submit");
    return last.request.clientOrderId;
  };
  const cancel = (id: string): void => {
    const ts = sentAtMs * 1000 + 100;
    session.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Bidder", tag: `cancel ${id}` });
  };
  const amend = (id: string): void => {
    const ts = sentAtMs * 1000 + 100;
    session.engine.process({ kind: "timer", ts, tsRecv: ts, owner: "Bidder", tag: `amend ${id}` });
  };
  // Commits the state as the dead process last saved it.
  const commit = (): void => commitSession(store, session, sentAtMs * 1000 + 10);
  // The venue's acknowledgement of an order as it was requested.
  const ack = (id: string): void => {
    session.engine.process({
      kind: "order-update",
      ts: 2_000_000,
      tsRecv: 2_000_000,
      order: venueReport(id, requestOf(id)),
    });
  };
  const requestOf = (id: string): Order["request"] => {
    const request = session.oms.openOrders().find((o) => o.request.clientOrderId === id)?.request;
    assert.ok(request !== undefined, `${id} is not open`);
    return request;
  };
  return { session, bid, cancel, amend, commit, ack, requestOf, commands };
}

function venueReport(id: string, request: Order["request"]): Order {
  return {
    id: `v-${id}`,
    request,
    status: "accepted",
    filledQuantity: decimal(0),
    averagePrice: undefined,
    createdTs: 5,
    updatedTs: 5,
  };
}

Deno.test("adopted submits: the one the venue lists takes its report, the other never arrived and is rejected; neither resent", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const a = process(store, 1_000);
    const committed = a.bid(1);
    a.commit();
    // After the commit two more submits are written; then the process dies.
    const arrived = a.bid(2);
    const lost = a.bid(3);
    store.close();

    const again = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const b = process(again, 9_000);
    const outcome = restoreSession(again, { session: b.session, strategy: bidder });
    // The committed submit had no answer yet either: it is asked about like the other two.
    assert.deepEqual(outcome.adopted, [committed, arrived, lost]);
    // The fence: the latest request's send time plus the venue's receive window (the committed
    // order keeps its own, 1 µs after the intents' time).
    assert.equal(adoptedFence(b.session.oms, outcome.adopted), 1_000.001 + ADOPTED_FENCE_MS);
    const reports = resolveAdopted(b.session.oms, outcome.adopted, [
      venueReport(committed, b.requestOf(committed)),
      venueReport(arrived, b.requestOf(arrived)),
    ], 7_000_000);
    assert.deepEqual(reports.map((r) => [r.request.clientOrderId, r.status]), [
      [committed, "accepted"],
      [arrived, "accepted"],
      [lost, "rejected"],
    ]);
    assert.match(String(reports[2].reason), /never arrived \(not resent\)/);
    for (const order of reports) {
      b.session.engine.process({ kind: "order-update", ts: 7_000_000, tsRecv: 7_000_000, order });
    }
    assert.deepEqual(
      b.session.oms.openOrders().map((o) => [o.request.clientOrderId, o.status]).sort(),
      [[arrived, "accepted"], [committed, "accepted"]].sort(),
    );
    assert.deepEqual(b.session.oms.ambiguousOrders().map((o) => o.request.clientOrderId), []);
    // Settled: nothing waits any more, and nothing was sent again.
    assert.equal(adoptedFence(b.session.oms, outcome.adopted), undefined);
    assert.deepEqual(resolveAdopted(b.session.oms, outcome.adopted, [], 8_000_000), []);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("adopted cancels: a cancel the dead process had in flight (committed or not, acknowledged or not) that the venue did not carry out is undone past its fence, the order working as the venue lists it; nothing resent", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const a = process(store, 1_000);
    // Acknowledged, its cancel committed; cancelled before any answer, committed; acknowledged,
    // its cancel written after the commit. None of the three cancels reached the venue.
    const acked = a.bid(1);
    a.ack(acked);
    a.cancel(acked);
    const early = a.bid(2);
    a.cancel(early);
    const late = a.bid(3);
    a.ack(late);
    a.commit();
    a.cancel(late);
    store.close();

    const again = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const b = process(again, 9_000);
    const outcome = restoreSession(again, { session: b.session, strategy: bidder });
    assert.deepEqual([...outcome.adopted].sort(), [acked, early, late].sort());
    // Their answers can only come from the venue now: no acknowledgement timeout is armed.
    assert.deepEqual(
      b.session.oms.ambiguousOrders().map((o) => o.request.clientOrderId).sort(),
      [acked, early, late].sort(),
    );
    const venueOpen = [acked, early, late].map((id) => venueReport(id, b.requestOf(id)));
    const now = 7_000_000;
    for (const order of resolveAdopted(b.session.oms, outcome.adopted, venueOpen, now)) {
      b.session.engine.process({ kind: "order-update", ts: now, tsRecv: now, order });
    }
    for (const alert of refusedSteps(b.session.oms, outcome.adopted, venueOpen, now)) {
      b.session.engine.process(alert);
    }
    assert.deepEqual(
      b.session.oms.openOrders().map((o) => [o.request.clientOrderId, o.status]).sort(),
      [[acked, "accepted"], [early, "accepted"], [late, "accepted"]].sort(),
    );
    assert.deepEqual(b.session.oms.ambiguousOrders(), []);
    assert.deepEqual(b.commands, []);
    assert.equal(adoptedFence(b.session.oms, outcome.adopted), undefined);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("adopted amends: past the fence, an amend the venue carried out (listed at the new price) is confirmed by its report, one it did not is undone (the old price); nothing resent", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const a = process(store, 1_000);
    const landed = a.bid(1);
    const lost = a.bid(2);
    a.ack(landed);
    a.ack(lost);
    a.amend(landed);
    a.amend(lost);
    a.commit();
    store.close();

    const again = SqliteLiveStore.open({ path, lockKey: "bybit:adp:BTCUSDT" });
    const b = process(again, 9_000);
    const outcome = restoreSession(again, { session: b.session, strategy: bidder });
    assert.deepEqual([...outcome.adopted].sort(), [landed, lost].sort());
    const venueOpen = [
      venueReport(landed, { ...b.requestOf(landed), price: decimal("48000") }),
      venueReport(lost, b.requestOf(lost)),
    ];
    const now = 7_000_000;
    for (const order of resolveAdopted(b.session.oms, outcome.adopted, venueOpen, now)) {
      b.session.engine.process({ kind: "order-update", ts: now, tsRecv: now, order });
    }
    const alerts = refusedSteps(b.session.oms, outcome.adopted, venueOpen, now);
    assert.deepEqual(alerts.map((e) => [e.clientOrderId, e.code]), [[lost, "amend-refused"]]);
    for (const alert of alerts) b.session.engine.process(alert);
    assert.deepEqual(
      b.session.oms.openOrders().map((o) => [
        o.request.clientOrderId,
        o.status,
        o.request.price?.toString(),
      ]).sort(),
      [[landed, "accepted", "48000"], [lost, "accepted", "49002"]].sort(),
    );
    assert.deepEqual(b.session.oms.ambiguousOrders(), []);
    assert.deepEqual(b.commands, []);
    again.close();
  } finally {
    cleanup();
  }
});
