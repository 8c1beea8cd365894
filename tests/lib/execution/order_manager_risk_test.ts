// Risk and signal rules that a third review found broken (each test failed before its fix):
// the kill switch and the position limit judged against filled positions, amends under the same
// pre-trade risk as new orders, no extra entry while in position, protection kept on a pyramid.
import assert from "node:assert/strict";
import { fixedQuantity, PreTradeRisk, type RiskLimits } from "../../../lib/execution/mod.ts";
import { accept as accepted, BTC, harness as omsHarness, signal } from "./_oms_harness.ts";

// The shared harness plus a kill switch that trips on demand.
function harness(limits: RiskLimits = {}, pyramiding = false) {
  const h = omsHarness(fixedQuantity(0.01), limits, pyramiding);
  const tripKillSwitch = (): void => {
    h.risk.observeEquity(100);
    assert.ok(h.risk.observeEquity(50));
  };
  return { ...h, cancelled: h.canceled, tripKillSwitch };
}

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", price: 40_000 } as const;

Deno.test("kill switch: an amend cannot raise a working order's quantity", () => {
  const h = harness({ maxDrawdown: 0.1 });
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  h.oms.onOrderUpdate(accepted(h.sent[0]));
  h.tripKillSwitch();
  h.oms.amendOrder(BTC.symbol, id, { quantity: 5 });
  assert.deepEqual(h.amended, []);
  assert.deepEqual(h.oms.rejections().counts, { "kill-switch": 1 });
});

Deno.test("an amend passes the same order limits as a new order; a size decrease always passes", () => {
  const h = harness({ maxOrderQuantity: 0.1 });
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.05 }) ?? "";
  h.oms.onOrderUpdate(accepted(h.sent[0]));
  h.oms.amendOrder(BTC.symbol, id, { quantity: 50 });
  h.oms.amendOrder(BTC.symbol, id, { quantity: 0.02 });
  assert.deepEqual(h.amended, [`${id} - 0.02`]);
  assert.match(
    h.oms.rejections().examples[0],
    /amend t-0-1: .*order quantity 50 exceeds the limit 0\.1/,
  );
});

Deno.test("kill switch: a working entry does not make a new opposite entry count as reducing", () => {
  const h = harness({ maxDrawdown: 0.1 });
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 40_000 } }));
  h.oms.onOrderUpdate(accepted(h.sent[0]));
  h.tripKillSwitch();
  h.oms.onSignal(signal("enter-short"));
  assert.deepEqual(h.sent.slice(1), []);
  assert.equal(
    h.oms.submitIntent({ ...limitBuy, side: "sell", quantity: 1, price: 60_000 }),
    undefined,
  );
});

Deno.test("max position holds if every working order on the side fills; the other side never offsets it", () => {
  const h = harness({ maxPositionQuantity: 1 });
  assert.ok(h.oms.submitIntent({ ...limitBuy, quantity: 1 }));
  assert.equal(
    h.oms.submitIntent({ ...limitBuy, side: "sell", quantity: 2, price: 60_000 }),
    undefined,
  );
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.5 }), undefined);
  assert.match(h.oms.rejections().examples[1], /could reach 1\.5 with the working buy orders/);
  assert.ok(h.oms.submitIntent({ ...limitBuy, side: "sell", quantity: 1, price: 60_000 }));
});

Deno.test("EnterLong while long with a working reversal cancels it and buys nothing", () => {
  const h = harness();
  h.setPosition("0.01");
  h.oms.onSignal(signal("enter-short", { hint: { kind: "limit", price: 60_000 } }));
  assert.equal(h.sent[0].quantity.toString(), "0.02");
  h.oms.onOrderUpdate(accepted(h.sent[0]));
  h.oms.onSignal(signal("enter-long"));
  assert.deepEqual(h.sent.length, 1);
  assert.deepEqual(h.cancelled, [h.sent[0].clientOrderId]);
});

Deno.test("a NaN equity leaves the kill switch alone", () => {
  const risk = new PreTradeRisk({ maxDrawdown: 0.2 });
  risk.observeEquity(100);
  assert.equal(risk.observeEquity(Number.NaN), false);
  assert.equal(risk.liquidateOnly, false);
  assert.equal(risk.observeEquity(79), true);
});

Deno.test("pyramiding without a bracket keeps the position's stop-loss; with one it replaces it", () => {
  const h = harness({}, true);
  h.oms.onSignal(signal("enter-long", { stopLoss: 45_000 }));
  const entry = h.sent[0];
  h.setPosition("0.01");
  h.oms.onOrderUpdate({ ...accepted(entry), status: "filled", filledQuantity: entry.quantity });
  const stop = h.sent[1];
  assert.equal(stop.type, "stop-market");
  h.oms.onOrderUpdate(accepted(stop));
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.cancelled.length, 0);
  h.oms.onSignal(signal("enter-long", { stopLoss: 46_000 }));
  assert.ok(h.cancelled.includes(stop.clientOrderId));
});

Deno.test("kill switch: two sells of the whole long are not both reducing", () => {
  const h = harness({ maxDrawdown: 0.1 });
  h.setPosition("1");
  h.tripKillSwitch();
  const sell = { ...limitBuy, side: "sell", quantity: 1, price: 60_000 } as const;
  assert.ok(h.oms.submitIntent(sell));
  assert.equal(h.oms.submitIntent(sell), undefined);
  assert.deepEqual(h.oms.rejections().counts, { "kill-switch": 1 });
});
