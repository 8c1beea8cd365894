// Each OMS transition, with a venue that answers late, out of order, twice or never.
import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import { accept, BTC, build, fillOf } from "./_oms_harness.ts";

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", price: 40_000 } as const;

function statuses(h: ReturnType<typeof build>): string[] {
  return h.oms.openOrders().map((o) => `${o.request.clientOrderId}:${o.status}`);
}

Deno.test("a sent order is working at once as pending-new, then follows the venue's reports", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  assert.equal(id, "t-0-1");
  // A quoting strategy sees its unacknowledged quote (and must not quote twice).
  assert.deepEqual(statuses(h), ["t-0-1:pending-new"]);
  h.oms.onOrderUpdate(accept(h.sent[0]));
  assert.deepEqual(statuses(h), ["t-0-1:accepted"]);
  h.oms.onOrderUpdate(accept(h.sent[0], "partially-filled", "0.01"));
  assert.deepEqual(statuses(h), ["t-0-1:partially-filled"]);
  assert.equal(h.oms.openOrders()[0].filledQuantity.toString(), "0.01");
  h.oms.onOrderUpdate(accept(h.sent[0], "filled"));
  assert.deepEqual(statuses(h), []);
});

Deno.test("a fill that arrives before the acknowledgement is booked and counted against the order", () => {
  const h = build();
  h.oms.submitIntent({ ...limitBuy, quantity: 0.02 });
  assert.equal(h.oms.recordFill(fillOf(h.sent[0], "0.015", "T1")), true);
  // The buying-power and risk walks see only the unfilled 0.005 still working.
  assert.deepEqual(statuses(h), ["t-0-1:pending-new"]);
  assert.equal(h.oms.counts().unknownReports, 0);
});

Deno.test("cancel: pending-cancel, one cancel per order, a fill meanwhile is applied, then canceled", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.cancelOrder(BTC.symbol, id);
  assert.deepEqual(statuses(h), [`${id}:pending-cancel`]);
  h.oms.cancelOrder(BTC.symbol, id);
  h.oms.onSignal({ symbol: BTC.symbol, kind: "flatten", confidence: 1 });
  assert.deepEqual(h.canceled, [id], "never select a pending-cancel order for cancelling");
  assert.equal(h.oms.counts().suppressedCommands, 2);
  // The fill raced the cancel: booked, and the order still waits for the cancel's answer.
  assert.equal(h.oms.recordFill(fillOf(h.sent[0], "0.01", "T1")), true);
  h.oms.onOrderUpdate(accept(h.sent[0], "partially-filled", "0.01"));
  assert.deepEqual(statuses(h), [`${id}:pending-cancel`]);
  assert.equal(h.oms.openOrders()[0].filledQuantity.toString(), "0.01");
  h.oms.onOrderUpdate(accept(h.sent[0], "canceled", "0.01"));
  assert.deepEqual(statuses(h), []);
  // A fill reported after the cancel is booked too (positions come from fills) and counted.
  assert.equal(h.oms.recordFill(fillOf(h.sent[0], "0.01", "T2")), true);
  assert.equal(h.oms.counts().lateFills, 1);
  // An amend of an order with a cancel in flight is refused, not sent.
  const other = h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[1]));
  h.oms.cancelOrder(BTC.symbol, other);
  h.oms.amendOrder(BTC.symbol, other, { price: 41_000 });
  assert.deepEqual(h.amended, []);
  assert.deepEqual(h.refusals.map((r) => [r.rule, r.clientOrderId]), [["order-in-flight", other]]);
});

Deno.test("duplicate acknowledgements and fills change nothing and are counted", () => {
  const h = build();
  h.oms.submitIntent({ ...limitBuy, quantity: 0.02 });
  const ack = accept(h.sent[0]);
  h.oms.onOrderUpdate(ack);
  h.oms.onOrderUpdate(ack);
  h.oms.onOrderUpdate({ ...ack });
  assert.equal(h.oms.counts().duplicateReports, 2);
  assert.deepEqual(statuses(h), ["t-0-1:accepted"]);
  assert.equal(h.oms.recordFill(fillOf(h.sent[0], "0.01", "T1")), true);
  assert.equal(h.oms.recordFill(fillOf(h.sent[0], "0.01", "T1")), false);
  assert.equal(h.oms.counts().duplicateFills, 1);
  // Two "Filled" messages (a cancel racing a fill): the second is a duplicate of a finished order.
  h.oms.onOrderUpdate(accept(h.sent[0], "filled"));
  h.oms.onOrderUpdate(accept(h.sent[0], "filled"));
  assert.equal(h.oms.counts().duplicateReports, 3);
  assert.deepEqual(h.refusals, []);
});

Deno.test("an overtaken report (fewer fills, an older update time, pending-new after the ack) is late", () => {
  const h = build();
  h.oms.submitIntent({ ...limitBuy, quantity: 0.02 });
  h.oms.onOrderUpdate(accept(h.sent[0], "partially-filled", "0.01"));
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.onOrderUpdate(accept(h.sent[0], "pending-new"));
  assert.deepEqual(statuses(h), ["t-0-1:partially-filled"]);
  assert.equal(h.oms.counts().lateReports, 2);
  // Same fills, older update time: an amend's answer overtaken by the report before it.
  const amended = { ...h.sent[0], price: decimal("40100") };
  h.oms.onOrderUpdate({ ...accept(amended, "partially-filled", "0.01"), updatedTs: 20 });
  h.oms.onOrderUpdate({ ...accept(h.sent[0], "partially-filled", "0.01"), updatedTs: 10 });
  assert.equal(h.oms.openOrders()[0].request.price?.toString(), "40100");
  assert.equal(h.oms.counts().lateReports, 3);
  // After it finished, a different report is late (a canceled after filled), not applied.
  h.oms.onOrderUpdate({ ...accept(h.sent[0], "filled"), updatedTs: 30 });
  h.oms.onOrderUpdate(accept(h.sent[0], "canceled", "0.01"));
  assert.equal(h.oms.counts().lateReports, 4);
});

Deno.test("a report or fill for an order this OMS never sent is surfaced for reconciliation", () => {
  const h = build({ prefix: "mm" });
  const foreign = { ...limitBuyRequest("web-123"), symbol: BTC.symbol };
  h.oms.onOrderUpdate(accept(foreign));
  const predecessor = limitBuyRequest("mm-lqu5ncyo-7");
  assert.equal(h.oms.recordFill(fillOf(predecessor, "0.01", "T9")), true);
  assert.deepEqual(h.notices, [
    {
      kind: "unknown-order",
      clientOrderId: "web-123",
      symbol: BTC.symbol,
      status: "accepted",
      ours: false,
    },
    {
      kind: "unknown-order",
      clientOrderId: "mm-lqu5ncyo-7",
      symbol: BTC.symbol,
      status: "fill",
      ours: true,
    },
  ]);
  assert.equal(h.oms.counts().unknownReports, 2);
  assert.deepEqual(statuses(h), [], "an unknown order is not adopted as working by a report");
});

function limitBuyRequest(clientOrderId: string) {
  return {
    clientOrderId,
    symbol: BTC.symbol,
    side: "buy" as const,
    type: "limit" as const,
    quantity: decimal("0.01"),
    price: decimal("40000"),
    timeInForce: "gtc" as const,
    reduceOnly: false,
  };
}

Deno.test("an acknowledgement that never comes turns the order ambiguous: no guessed rejection, no resend", () => {
  const h = build({ ackTimeout: 5_000_000 });
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  assert.deepEqual(h.timers, [{ at: 6_000_000, tag: `${id}#0` }]);
  h.advance(5_999_999);
  assert.deepEqual(h.notices, []);
  h.advance(6_000_000);
  assert.deepEqual(h.notices, [
    { kind: "ambiguous", clientOrderId: id, symbol: BTC.symbol, step: "new", sentAt: 1_000_000 },
  ]);
  const [order] = h.oms.openOrders();
  assert.equal(order.status, "pending-new");
  assert.equal(order.ambiguous, true);
  assert.deepEqual(h.oms.ambiguousOrders().map((o) => o.request.clientOrderId), [id]);
  assert.equal(h.sent.length, 1, "never resent");
  assert.deepEqual(h.refusals, [], "never a guessed rejection");
  assert.equal(h.oms.counts().timeouts, 1);
  // It still counts as working: a second entry would double the position.
  h.oms.onSignal({ symbol: BTC.symbol, kind: "enter-long", confidence: 1 });
  assert.equal(h.sent.length, 1);
  // The late acknowledgement settles it.
  h.oms.onOrderUpdate(accept(h.sent[0]));
  assert.equal(h.oms.openOrders()[0].ambiguous, undefined);
  assert.deepEqual(h.oms.ambiguousOrders(), []);
});

Deno.test("a timer of a step already answered does nothing; a cancel has its own timeout", () => {
  const h = build({ ackTimeout: 1_000 });
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.advance(1_001_000);
  assert.equal(h.notices.length, 0);
  h.oms.cancelOrder(BTC.symbol, id);
  h.advance(1_002_000);
  assert.deepEqual(h.notices.map((n) => n.kind === "ambiguous" && n.step), ["cancel"]);
  assert.equal(h.oms.openOrders()[0].status, "pending-cancel");
  // Still one cancel: the ambiguous cancel is not repeated.
  h.oms.cancelOrder(BTC.symbol, id);
  assert.deepEqual(h.canceled, [id]);
  h.oms.onTimer("garbage");
  h.oms.onTimer(`${id}#x`);
  assert.equal(h.notices.length, 1);
});

Deno.test("amend: pending-amend, one amend in flight, the latest waiting change is sent after the answer", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  // Before the acknowledgement the change waits (the venue may not know the order yet).
  h.oms.amendOrder(BTC.symbol, id, { price: 40_100 });
  assert.deepEqual(h.amended, []);
  h.oms.onOrderUpdate(accept(h.sent[0]));
  assert.deepEqual(h.amended, [`${id} 40100 -`]);
  assert.equal(h.oms.openOrders()[0].status, "pending-amend");
  h.oms.amendOrder(BTC.symbol, id, { price: 40_200 });
  h.oms.amendOrder(BTC.symbol, id, { price: 40_300 });
  assert.deepEqual(h.amended, [`${id} 40100 -`]);
  // The venue confirms the first amend: the latest waiting change goes out.
  h.oms.onOrderUpdate(accept({ ...h.sent[0], price: decimal("40100") }));
  assert.deepEqual(h.amended, [`${id} 40100 -`, `${id} 40300 -`]);
  // The venue refuses the second: back to accepted at the first amend's price.
  h.oms.onVenueAlert({
    code: "amend-refused",
    message: `amend of ${id} refused: post-only`,
    symbol: BTC.symbol,
    clientOrderId: id,
  });
  assert.equal(h.oms.openOrders()[0].status, "accepted");
  assert.equal(h.oms.openOrders()[0].request.price?.toString(), "40100");
  assert.deepEqual(h.refusals.map((r) => r.rule), ["venue"]);
  assert.match(h.refusals[0].message, new RegExp(`amend of ${id} refused`));
});

Deno.test("a refused cancel leaves the order working; an unknown outcome makes it ambiguous at once", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.cancelOrder(BTC.symbol, id);
  const refused = { code: "cancel-refused", message: `bybit refused to cancel ${id}: 110001` };
  h.oms.onVenueAlert({ ...refused, symbol: BTC.symbol, clientOrderId: id });
  assert.equal(h.oms.openOrders()[0].status, "accepted");
  assert.deepEqual(h.refusals.map((r) => [r.rule, r.message]), [["venue", refused.message]]);
  // A refusal for a step not in flight (a duplicate alert) changes nothing.
  h.oms.onVenueAlert({ ...refused, symbol: BTC.symbol, clientOrderId: id });
  assert.equal(h.refusals.length, 1);
  h.oms.cancelOrder(BTC.symbol, id);
  assert.deepEqual(h.canceled, [id, id], "a new decision to cancel, not a resend");
  h.oms.onVenueAlert({
    code: "order-outcome-unknown",
    message: "timeout",
    symbol: BTC.symbol,
    clientOrderId: id,
  });
  assert.equal(h.oms.openOrders()[0].status, "pending-cancel");
  assert.equal(h.oms.openOrders()[0].ambiguous, true);
  assert.equal(h.canceled.length, 2);
  // Alerts of other kinds, or without an order, are not the OMS's.
  h.oms.onVenueAlert({ code: "data-gap", message: "gap" });
  assert.equal(h.refusals.length, 1);
});

Deno.test("a command the venue port cannot carry undoes its in-flight step", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.02 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.amendOrder(BTC.symbol, id, { price: 40_100 });
  h.oms.commandRefused(h.commands[1], "unsupported-amend", "no amends in candle mode");
  assert.equal(h.oms.openOrders()[0].status, "accepted");
  assert.deepEqual(h.refusals.map((r) => [r.rule, r.clientOrderId]), [["unsupported-amend", id]]);
  h.oms.amendOrder(BTC.symbol, id, { price: 40_200 });
  assert.equal(h.amended.length, 2, "the next amend is sent again");
});
