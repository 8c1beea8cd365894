// Issue 19: a refused order costs its checks and its refusal, never a client order id, so the
// ids of the orders that go out stay consecutive however many were refused in between.
import assert from "node:assert/strict";
import { BTC, build, signal } from "./_oms_harness.ts";

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", price: 40_000 } as const;

Deno.test("a signal refused by pre-trade risk draws no client id; the next order gets the next one", () => {
  const h = build({ limits: { maxOrderQuantity: 0.5 } });
  for (let i = 0; i < 3; i++) h.oms.onSignal(signal("enter-long", { quantity: 1 }));
  assert.equal(h.oms.clientIds.state().counter, 0);
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.1 }), "t-0-1");
  h.oms.onSignal(signal("enter-short", { quantity: 1 }));
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.2 }), "t-0-2");
  assert.deepEqual(h.sent.map((r) => r.clientOrderId), ["t-0-1", "t-0-2"]);
  assert.deepEqual(h.oms.rejections().counts, { "max-order-quantity": 4 });
  // The refusal names the symbol and the side's numbers, no id (none was made).
  assert.deepEqual(h.refusals[0], {
    rule: "max-order-quantity",
    message: "bybit:BTCUSDT: order quantity 1 exceeds the limit 0.5",
    symbol: BTC.symbol,
    limit: 0.5,
    requested: 1,
  });
});

Deno.test("orders refused by the instrument's grid, buying power or the trading state draw no client id", () => {
  const h = build({ freeMargin: 100 });
  // 0.001 BTC at 1,000 is below the minimum notional (5 USDT): the grid check.
  assert.equal(h.oms.submitIntent({ ...limitBuy, price: 1_000, quantity: 0.001 }), undefined);
  // 1 BTC at 40,000 against 100 USDT free: buying power.
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 1 }), undefined);
  h.oms.setTradingState("halted");
  h.oms.onSignal(signal("enter-long"));
  h.oms.setTradingState("active");
  assert.equal(h.oms.clientIds.state().counter, 0);
  assert.deepEqual(h.oms.rejections().counts, {
    "min-notional": 1,
    "insufficient-margin": 1,
    "trading-halted": 1,
  });
  assert.ok(h.refusals.every((r) => r.clientOrderId === undefined && r.symbol === BTC.symbol));
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.001 }), "t-0-1");
});

Deno.test("a signal whose execution hint this OMS cannot carry out draws no client id", () => {
  const h = build();
  h.oms.onSignal(
    signal("enter-long", { hint: { kind: "iceberg", price: 40_000, displayQuantity: 0.001 } }),
  );
  assert.deepEqual(h.oms.rejections().counts, { "unsupported-hint": 1 });
  assert.equal(h.oms.clientIds.state().counter, 0);
});

Deno.test("an amend refused by risk still names the order it would have changed", () => {
  const h = build({ limits: { maxOrderQuantity: 0.5 } });
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.1 }) ?? "";
  h.oms.amendOrder(BTC.symbol, id, { quantity: 2 });
  assert.equal(h.refusals.length, 1);
  assert.equal(h.refusals[0].rule, "max-order-quantity");
  assert.equal(h.refusals[0].clientOrderId, id);
  assert.equal(
    h.refusals[0].message,
    `amend ${id}: bybit:BTCUSDT: order quantity 2 exceeds the limit 0.5`,
  );
});
