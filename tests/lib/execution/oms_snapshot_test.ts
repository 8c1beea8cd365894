import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import type { OmsSnapshot } from "../../../lib/execution/mod.ts";
import { accept, BTC, build, fillOf, signal } from "./_oms_harness.ts";

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", price: 40_000 } as const;

Deno.test("restart from a snapshot: a filled entry's owed stop is still placed, in-flight steps kept", () => {
  const before = build({ prefix: "sma" });
  before.oms.onSignal(signal("enter-long", { stopLoss: 45_000, takeProfit: 55_000 }));
  const entry = before.sent[0];
  // Part of the entry filled; its bracket is owed once the entry finishes.
  before.oms.onOrderUpdate(accept(entry, "partially-filled", "0.006"));
  const quote = before.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  before.oms.onOrderUpdate(accept(before.sent[1]));
  before.oms.amendOrder(BTC.symbol, quote, { price: 40_100 });
  before.oms.setTradingState("reducing-only");
  // Plain data: it survives JSON (a state store writes it as text).
  const text = JSON.stringify(before.oms.snapshot());
  const snapshot = JSON.parse(text) as OmsSnapshot;

  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  assert.equal(after.oms.tradingState, "reducing-only");
  after.oms.setTradingState("active");
  assert.deepEqual(after.oms.openOrders().map((o) => [o.request.clientOrderId, o.status]), [
    [entry.clientOrderId, "partially-filled"],
    [quote, "pending-amend"],
  ]);
  assert.equal(after.oms.openOrders()[0].filledQuantity.toString(), "0.006");
  // While the process was down the rest of the entry expired; the report comes at reconnect.
  after.setPosition("0.006");
  after.oms.onOrderUpdate(accept(entry, "expired", "0.006"));
  assert.deepEqual(
    after.sent.map((r) => [
      r.clientOrderId,
      r.type,
      r.side,
      r.quantity.toString(),
      (r.triggerPrice ?? r.price)?.toString(),
      r.reduceOnly,
      r.groupId,
    ]),
    [
      ["sma-0-3", "stop-market", "sell", "0.006", "45000", true, `oco:${entry.clientOrderId}`],
      ["sma-0-4", "limit", "sell", "0.006", "55000", true, `oco:${entry.clientOrderId}`],
    ],
  );
  // The amend in flight before the restart is answered after it.
  after.oms.onOrderUpdate(accept({ ...before.sent[1], price: decimal("40100") }));
  assert.equal(
    after.oms.openOrders().find((o) => o.request.clientOrderId === quote)?.status,
    "accepted",
  );
  // One cancel per order across the restart too.
  after.oms.cancelOrder(BTC.symbol, quote);
  after.oms.cancelOrder(BTC.symbol, quote);
  assert.deepEqual(after.canceled, [quote]);
});

Deno.test("a snapshot keeps brackets still waiting for an unacknowledged entry, and its ambiguity", () => {
  const before = build({ ackTimeout: 1_000 });
  before.oms.onSignal(signal("enter-short", { stopLoss: 52_000 }));
  before.advance(2_000_000);
  const snapshot = before.oms.snapshot();
  assert.deepEqual(snapshot.brackets, [{ entry: "t-0-1", stopLoss: 52_000 }]);
  assert.equal(snapshot.orders[0].ambiguous, true);
  assert.equal(snapshot.orders[0].inFlight, "new");
  const after = build({ ackTimeout: 1_000 });
  after.oms.restore(snapshot);
  assert.deepEqual(after.oms.ambiguousOrders().map((o) => o.request.clientOrderId), ["t-0-1"]);
  // Already ambiguous: no new timer (nothing more to announce).
  assert.deepEqual(after.timers, []);
  after.setPosition("-0.01");
  after.oms.onOrderUpdate(accept(before.sent[0], "filled"));
  assert.deepEqual(after.sent.map((r) => [r.type, r.side, r.triggerPrice?.toString()]), [
    ["stop-market", "buy", "52000"],
  ]);
});

Deno.test("after a restore, a step still unanswered gets a fresh acknowledgement timeout", () => {
  const before = build({ ackTimeout: 5_000_000 });
  const id = before.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  const after = build({ ackTimeout: 5_000_000 });
  after.clock.now = 9_000_000;
  after.oms.restore(JSON.parse(JSON.stringify(before.oms.snapshot())));
  assert.deepEqual(after.timers, [{ at: 14_000_000, tag: `${id}#0` }]);
  after.advance(14_000_000);
  assert.deepEqual(after.notices, [
    { kind: "ambiguous", clientOrderId: id, symbol: BTC.symbol, step: "new", sentAt: 1_000_000 },
  ]);
  assert.equal(after.sent.length, 0, "restored, not resent");
});

Deno.test("restore is refused after orders were sent, and for another snapshot version", () => {
  const h = build();
  const empty = h.oms.snapshot();
  h.oms.submitIntent({ ...limitBuy, quantity: 0.01 });
  assert.throws(() => h.oms.restore(empty), /restore must come before any order is sent/);
  assert.throws(
    () => build().oms.restore({ ...empty, version: 2 } as unknown as OmsSnapshot),
    /snapshot version 2 is not supported/,
  );
});

Deno.test("a fill booked before the snapshot and re-delivered after the restart is not booked again", () => {
  const before = build({ prefix: "sma" });
  const id = before.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  const order = before.sent[0];
  before.oms.onOrderUpdate(accept(order));
  assert.equal(before.oms.recordFill(fillOf(order, "0.004", "t-1")), true);
  before.oms.onOrderUpdate(accept(order, "partially-filled", "0.004"));
  const snapshot = JSON.parse(JSON.stringify(before.oms.snapshot())) as OmsSnapshot;

  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  // The venue replays its recent executions when the new process subscribes.
  assert.equal(after.oms.recordFill(fillOf(order, "0.004", "t-1")), false, "booked twice");
  assert.equal(after.oms.counts().duplicateFills, 1);
  assert.equal(after.oms.recordFill(fillOf(order, "0.006", "t-2")), true);
  assert.equal(after.oms.openOrders()[0].request.clientOrderId, id);
});

Deno.test("a fill passed over (not ours to book) stays unbooked when a restart's catch-up delivers it again", () => {
  const before = build({ prefix: "sma" });
  before.oms.submitIntent({ ...limitBuy, quantity: 0.01 });
  // Another account user's order, filled before the session started: the start adopts the
  // venue's position, so its fill is passed over instead of booked.
  const external = { ...fillOf(before.sent[0], "0.2", "pre-1"), clientOrderId: "manual-1" };
  before.oms.passOverFill(external);
  assert.equal(before.oms.recordFill(external), false, "booked on a second delivery");
  const snapshot = JSON.parse(JSON.stringify(before.oms.snapshot())) as OmsSnapshot;

  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  assert.equal(after.oms.recordFill(external), false, "booked after the restart");
  assert.equal(after.oms.recordFill({ ...external, tradeId: "post-1" }), true);
});

Deno.test("a snapshot whose trade ids are not a list of <symbol>|<tradeId> strings is refused with a clear message", () => {
  const refused = new RangeError(
    "OMS snapshot: tradeIds must be a list of <symbol>|<tradeId> strings (as snapshot() writes)",
  );
  for (const tradeIds of ["t-1", ["t-1"], [`${BTC.symbol}|t-1`, 7]]) {
    const snapshot = { ...build().oms.snapshot(), tradeIds } as unknown as OmsSnapshot;
    assert.throws(() => build().oms.restore(snapshot), refused);
  }
});

Deno.test("restart while a filled entry waits for its fills: the stop is still placed once they arrive", () => {
  const before = build({ prefix: "sma" });
  before.oms.onSignal(signal("enter-long", { stopLoss: 45_000, takeProfit: 55_000 }));
  const entry = before.sent[0];
  before.oms.onOrderUpdate(accept(entry));
  // One fill booked, then the REST answer "filled" overtakes the stream's second fill.
  assert.equal(before.oms.recordFill(fillOf(entry, "0.004", "t-1")), true);
  before.setPosition("0.004");
  before.oms.onFill(fillOf(entry, "0.004", "t-1"));
  before.oms.onOrderUpdate(accept(entry, "filled"));
  assert.equal(before.sent.length, 1, "the bracket waits for the fills");
  const snapshot = JSON.parse(JSON.stringify(before.oms.snapshot())) as OmsSnapshot;

  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  after.setPosition("0.004");
  const rest = fillOf(entry, "0.006", "t-2");
  assert.equal(after.oms.recordFill(rest), true);
  after.setPosition("0.01");
  after.oms.onFill(rest);
  assert.deepEqual(
    after.sent.map((r) => [r.type, r.side, r.quantity.toString(), r.reduceOnly, r.groupId]),
    [
      ["stop-market", "sell", "0.01", true, `oco:${entry.clientOrderId}`],
      ["limit", "sell", "0.01", true, `oco:${entry.clientOrderId}`],
    ],
  );
  // The ids continue the old process's series.
  assert.deepEqual(after.sent.map((r) => r.clientOrderId), ["sma-0-2", "sma-0-3"]);
});

Deno.test("restart while a filled entry waits for all its fills (none booked, flat): the bracket is owed", () => {
  const before = build({ prefix: "sma" });
  before.oms.onSignal(signal("enter-short", { stopLoss: 52_000 }));
  const entry = before.sent[0];
  before.oms.onOrderUpdate(accept(entry, "filled"));
  const snapshot = JSON.parse(JSON.stringify(before.oms.snapshot())) as OmsSnapshot;
  assert.deepEqual(
    snapshot.awaitingFills?.map((a) => [a.entry.request.clientOrderId, a.entry.status, a.booked]),
    [[entry.clientOrderId, "filled", "0"]],
  );
  assert.equal(snapshot.awaitingFills?.[0].stopLoss, 52_000);
  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  const fill = fillOf(entry, "0.01", "t-1");
  assert.equal(after.oms.recordFill(fill), true);
  after.setPosition("-0.01");
  after.oms.onFill(fill);
  assert.deepEqual(after.sent.map((r) => [r.type, r.side, r.triggerPrice?.toString()]), [
    ["stop-market", "buy", "52000"],
  ]);
});

Deno.test("an order that finished before the snapshot is known after the restart: the catch-up's re-delivered reports are duplicate or late, not unknown; a fill it missed is still booked once", () => {
  const before = build({ prefix: "sma" });
  const id = before.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  const order = before.sent[0];
  before.oms.onOrderUpdate(accept(order));
  before.oms.recordFill(fillOf(order, "0.004", "t-1"));
  before.oms.onOrderUpdate(accept(order, "filled", "0.01"));
  const snapshot = JSON.parse(JSON.stringify(before.oms.snapshot())) as OmsSnapshot;
  assert.deepEqual(snapshot.orders, []);

  const after = build({ prefix: "sma" });
  after.oms.restore(snapshot);
  // The stream's catch-up (its overlap reaches back before the kill) delivers the order again.
  assert.equal(after.oms.onOrderUpdate(accept(order, "filled", "0.01")), false);
  assert.equal(after.oms.onOrderUpdate(accept(order, "partially-filled", "0.004")), false);
  assert.deepEqual(after.notices, [], "taken for an order this OMS never sent");
  assert.equal(after.oms.counts().duplicateReports, 1);
  assert.equal(after.oms.counts().lateReports, 1);
  assert.equal(after.oms.recordFill(fillOf(order, "0.004", "t-1")), false, "booked twice");
  // The fill the dead process never booked: booked, as a late fill of a known order.
  assert.equal(after.oms.recordFill(fillOf(order, "0.006", "t-2")), true);
  assert.deepEqual(after.notices, []);
  assert.deepEqual(after.oms.openOrders(), []);
  // Remembered across the next restart too, and never made again as an id.
  const again = build({ prefix: "sma" });
  again.oms.restore(JSON.parse(JSON.stringify(after.oms.snapshot())));
  assert.equal(again.oms.onOrderUpdate(accept(order, "filled", "0.01")), false);
  assert.deepEqual(again.notices, []);
  assert.notEqual(again.oms.submitIntent({ ...limitBuy, quantity: 0.01 }), id);
});

Deno.test("a snapshot from before finished order ids were kept restores; ids not a list of strings are refused", () => {
  const before = build({ prefix: "sma" });
  before.oms.submitIntent({ ...limitBuy, quantity: 0.01 });
  const order = before.sent[0];
  before.oms.onOrderUpdate(accept(order, "filled", "0.01"));
  const { finishedOrderIds: _, ...old } = before.oms.snapshot();
  const after = build({ prefix: "sma" });
  after.oms.restore(old);
  // Without the field the order is unknown, as before.
  after.oms.onOrderUpdate(accept(order, "filled", "0.01"));
  assert.deepEqual(after.notices.map((n) => n.kind), ["unknown-order"]);
  const bad = { ...old, finishedOrderIds: [1] } as unknown as OmsSnapshot;
  assert.throws(
    () => build({ prefix: "sma" }).oms.restore(bad),
    new RangeError("OMS snapshot: finishedOrderIds must be a list of strings"),
  );
});
