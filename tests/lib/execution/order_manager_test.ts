import assert from "node:assert/strict";
import { decimal, makeInstrument, type OrderRequest, ZERO } from "../../../lib/domain/mod.ts";
import {
  fixedQuantity,
  OrderManager,
  percentOfEquity,
  PreTradeRisk,
  riskAdjusted,
} from "../../../lib/execution/mod.ts";
import { accept, BTC, harness, signal } from "./_oms_harness.ts";

Deno.test("OrderManager enters long from flat with a market buy of the sized quantity", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent.length, 1);
  const [order] = h.sent;
  assert.equal(order.side, "buy");
  assert.equal(order.type, "market");
  assert.equal(order.quantity.toString(), "0.01");
  assert.equal(order.reduceOnly, false);
});

Deno.test("OrderManager ignores EnterLong while long unless pyramiding", () => {
  const h = harness();
  h.setPosition("0.01");
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent.length, 0);
  const p = harness(fixedQuantity(0.01), {}, true);
  p.setPosition("0.01");
  p.oms.onSignal(signal("enter-long"));
  assert.equal(p.sent.length, 1);
});

Deno.test("OrderManager counts a working entry order in the position (no double entry)", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long"));
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent.length, 1);
});

Deno.test("OrderManager reverses a short with one buy of position plus size", () => {
  const h = harness();
  h.setPosition("-0.02");
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent.length, 1);
  assert.equal(h.sent[0].side, "buy");
  assert.equal(h.sent[0].quantity.toString(), "0.03");
});

Deno.test("OrderManager exits only what is open, reduce-only, and ignores exits while flat", () => {
  const h = harness();
  h.oms.onSignal(signal("exit-long"));
  h.oms.onSignal(signal("exit-short"));
  h.oms.onSignal(signal("flatten"));
  assert.equal(h.sent.length, 0);
  h.setPosition("0.05");
  h.oms.onSignal(signal("exit-short"));
  assert.equal(h.sent.length, 0);
  h.oms.onSignal(signal("exit-long"));
  assert.equal(h.sent.length, 1);
  assert.deepEqual([h.sent[0].side, h.sent[0].quantity.toString(), h.sent[0].reduceOnly], [
    "sell",
    "0.05",
    true,
  ]);
});

Deno.test("OrderManager flattens a short with a reduce-only buy", () => {
  const h = harness();
  h.setPosition("-0.004");
  h.oms.onSignal(signal("flatten"));
  assert.deepEqual([h.sent[0].side, h.sent[0].quantity.toString(), h.sent[0].reduceOnly], [
    "buy",
    "0.004",
    true,
  ]);
});

Deno.test("OrderManager rounds quantity down to the lot and rejects a size below it", () => {
  const h = harness(fixedQuantity(0.0129));
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent[0].quantity.toString(), "0.012");
  const tiny = harness(fixedQuantity(0.0004));
  tiny.oms.onSignal(signal("enter-long"));
  assert.equal(tiny.sent.length, 0);
  assert.deepEqual(tiny.oms.rejections().counts, { "zero-size": 1 });
  assert.match(tiny.oms.rejections().examples[0], /below the lot size 0\.001/);
});

Deno.test("OrderManager rejects an order under the minimum notional with the validator's reason", () => {
  const h = harness(fixedQuantity(0.0001 * 10)); // 0.001 BTC × 50,000 = 50 USDT ≥ 5: passes
  h.oms.onSignal(signal("enter-long"));
  assert.equal(h.sent.length, 1);
  const small = harness(fixedQuantity(0.001));
  const lowPrice = new OrderManager(
    {
      instruments: new Map([[BTC.symbol, BTC]]),
      sizer: fixedQuantity(0.001),
      risk: new PreTradeRisk(),
    },
    {
      position: () => ZERO,
      equity: () => 1,
      rateOf: () => 1,
      freeMargin: () => 1e12,
      leverage: () => 1,
      lastPrice: () => 1_000,
      volatility: () => undefined,
    },
    { send: (c) => c.type === "submit" && small.sent.push(c.request) },
  );
  lowPrice.onSignal(signal("enter-long"));
  assert.equal(small.sent.length, 0);
  assert.deepEqual(lowPrice.rejections().counts, { "min-notional": 1 });
  assert.match(lowPrice.rejections().examples[0], /notional 1 USDT is below the minimum 5/);
});

Deno.test("OrderManager applies pre-trade risk limits with their rule names", () => {
  const qty = harness(fixedQuantity(0.5), { maxOrderQuantity: 0.1 });
  qty.oms.onSignal(signal("enter-long"));
  assert.deepEqual(qty.oms.rejections().counts, { "max-order-quantity": 1 });
  const notional = harness(fixedQuantity(0.5), { maxOrderNotional: 10_000 });
  notional.oms.onSignal(signal("enter-long"));
  assert.deepEqual(notional.oms.rejections().counts, { "max-order-notional": 1 });
  assert.match(
    notional.oms.rejections().examples[0],
    /notional 25000\.00 USDT exceeds the limit 10000/,
  );
  const position = harness(fixedQuantity(0.5), { maxPositionQuantity: 0.6 });
  position.setPosition("0.3");
  position.oms.onSignal(signal("enter-long", {}));
  assert.equal(position.sent.length, 0); // already long: no-op, nothing rejected
  position.setPosition("-0.3");
  position.oms.onSignal(signal("enter-long")); // reverse to +0.5 is within the limit
  assert.equal(position.sent.length, 1);
});

Deno.test("PreTradeRisk kill switch trips once and then allows only reducing orders", () => {
  const risk = new PreTradeRisk({ maxDrawdown: 0.1 });
  assert.equal(risk.observeEquity(100), false);
  assert.equal(risk.observeEquity(95), false);
  assert.equal(risk.observeEquity(89), true);
  assert.equal(risk.observeEquity(80), false);
  assert.equal(risk.liquidateOnly, true);
  const buy: OrderRequest = {
    clientOrderId: "x",
    symbol: BTC.symbol,
    side: "buy",
    type: "market",
    quantity: decimal("0.01"),
    timeInForce: "ioc",
    reduceOnly: false,
  };
  const opening = risk.check({ request: buy, instrument: BTC, price: 50_000, position: ZERO });
  assert.equal(opening?.rule, "kill-switch");
  assert.match(opening?.message ?? "", /drawdown 11\.00% reached the limit 10\.00%/);
  const closing = risk.check({
    request: buy,
    instrument: BTC,
    price: 50_000,
    position: decimal("-0.01"),
  });
  assert.equal(closing, undefined);
});

Deno.test("OrderManager attaches an OCO stop-loss and take-profit after the entry fills", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { stopLoss: 49_000.07, takeProfit: 52_000.03 }));
  const entry = h.sent[0];
  h.oms.onOrderUpdate(accept(entry));
  assert.equal(h.sent.length, 1);
  h.setPosition("0.01");
  h.oms.onOrderUpdate(accept(entry, "filled"));
  assert.equal(h.sent.length, 3);
  const [, stop, target] = h.sent;
  assert.deepEqual(
    [stop.type, stop.side, stop.triggerPrice?.toString(), stop.reduceOnly, stop.groupId],
    ["stop-market", "sell", "49000", true, `oco:${entry.clientOrderId}`],
  );
  assert.deepEqual(
    [
      target.type,
      target.side,
      target.price?.toString(),
      target.quantity.toString(),
      target.groupId,
    ],
    ["limit", "sell", "52000.1", "0.01", `oco:${entry.clientOrderId}`],
  );
});

Deno.test("OrderManager cancels working orders of the symbol before reversing or exiting", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_999.99 } }));
  const limit = h.sent[0];
  assert.equal(limit.price?.toString(), "49999.9"); // buys round down to the tick
  h.oms.onOrderUpdate(accept(limit));
  h.oms.onSignal(signal("flatten"));
  assert.deepEqual(h.canceled, [limit.clientOrderId]);
  assert.equal(h.oms.openOrders().length, 1); // until the venue confirms the cancel
  h.oms.onOrderUpdate({ ...accept(limit), status: "canceled" });
  assert.equal(h.oms.openOrders().length, 0);
});

Deno.test("OrderManager refuses execution hints candle mode cannot simulate, naming them", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { hint: { kind: "twap", durationSecs: 60, slices: 4 } }));
  assert.equal(h.sent.length, 0);
  assert.match(h.oms.rejections().examples[0], /execution hint "twap" is not available/);
});

Deno.test("Sizers: percent of equity and risk-adjusted by ATR", () => {
  const input = {
    signal: signal("enter-long"),
    instrument: BTC,
    price: 50_000,
    equity: 10_000,
    volatility: 250,
  };
  assert.equal(percentOfEquity(0.5).size(input), 0.1); // 5,000 USDT / 50,000
  // 1% of 10,000 = 100 USDT risked over 2 × 250 = 500 USDT per BTC → 0.2 BTC.
  assert.equal(riskAdjusted(0.01, 2).size(input), 0.2);
  assert.equal(riskAdjusted(0.01).size({ ...input, volatility: undefined }), 0);
  assert.throws(() => fixedQuantity(-1), /quantity must be a positive number, got -1/);
  assert.throws(() => riskAdjusted(2), /risk fraction must be in \(0, 1\]/);
});

Deno.test("OrderManager.submitIntent rounds to lot and tick passively and returns the id", () => {
  const h = harness();
  const id = h.oms.submitIntent({
    symbol: BTC.symbol,
    side: "sell",
    type: "limit",
    quantity: 0.01234,
    price: 50_000.01,
  });
  assert.equal(id, h.sent[0].clientOrderId);
  assert.deepEqual(
    [h.sent[0].quantity.toString(), h.sent[0].price?.toString(), h.sent[0].timeInForce],
    ["0.012", "50000.1", "gtc"],
  );
  assert.equal(
    h.oms.submitIntent({ symbol: "bybit:NOPE", side: "buy", type: "market", quantity: 1 }),
    undefined,
  );
  assert.equal(
    h.oms.submitIntent({
      symbol: BTC.symbol,
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price: -5,
    }),
    undefined,
  );
  assert.deepEqual(h.oms.rejections().counts, { "unknown-symbol": 1, price: 1 });
});

Deno.test("OrderManager.amendOrder validates and forwards changes of working orders only", () => {
  const h = harness();
  const id = h.oms.submitIntent({
    symbol: BTC.symbol,
    side: "buy",
    type: "limit",
    quantity: 0.01,
    price: 49_000,
  });
  assert.ok(id !== undefined);
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.amendOrder(BTC.symbol, id, { price: 49_100.07 });
  h.oms.amendOrder(BTC.symbol, id, { quantity: 0.00001 });
  h.oms.amendOrder(BTC.symbol, "unknown", { price: 1 });
  assert.deepEqual(h.amended, [`${id} 49100 -`]);
  assert.deepEqual(h.oms.rejections().counts, { quantity: 1 });
  h.oms.cancelOrder(BTC.symbol, id);
  h.oms.cancelOrder(BTC.symbol, "unknown");
  assert.deepEqual(h.canceled, [id]);
});

Deno.test("OrderManager reverses over a working entry by the actual position only", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_000 } }));
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.onSignal(signal("enter-short"));
  // The resting buy never filled: cancel it and sell the size alone (not size + 0.01).
  assert.deepEqual(h.canceled, [h.sent[0].clientOrderId]);
  assert.deepEqual([h.sent[1].side, h.sent[1].quantity.toString()], ["sell", "0.01"]);
});

Deno.test("OrderManager exits with the actual position and just cancels a working entry when flat", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_000 } }));
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.onSignal(signal("exit-long"));
  assert.equal(h.sent.length, 1);
  assert.deepEqual(h.canceled, [h.sent[0].clientOrderId]);
  const p = harness(fixedQuantity(0.01), {}, true);
  p.setPosition("0.01");
  p.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_000 } }));
  p.oms.onOrderUpdate(accept(p.sent[0]));
  p.oms.onSignal(signal("flatten"));
  assert.deepEqual([p.sent[1].side, p.sent[1].quantity.toString(), p.sent[1].reduceOnly], [
    "sell",
    "0.01",
    true,
  ]);
});

Deno.test("the kill switch flattens through risk even with a working entry (reduce-only passes)", () => {
  const risk = new PreTradeRisk({ maxDrawdown: 0.1 });
  let position = decimal("1");
  const sent: OrderRequest[] = [];
  const oms = new OrderManager(
    { instruments: new Map([[BTC.symbol, BTC]]), sizer: fixedQuantity(1), risk, pyramiding: true },
    {
      position: () => position,
      equity: () => 10_000,
      rateOf: () => 1,
      freeMargin: () => 1e12,
      leverage: () => 1,
      lastPrice: () => 50_000,
      volatility: () => undefined,
    },
    { send: (c) => c.type === "submit" && sent.push(c.request) },
  );
  oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_000 } }));
  oms.onOrderUpdate(accept(sent[0]));
  risk.observeEquity(100);
  assert.equal(risk.observeEquity(80), true);
  oms.flattenAll([BTC.symbol]);
  assert.deepEqual([sent[1].side, sent[1].quantity.toString(), sent[1].reduceOnly], [
    "sell",
    "1",
    true,
  ]);
  assert.deepEqual(oms.rejections().counts, {});
  position = ZERO;
});

Deno.test("OrderManager protects a partly filled entry with its bracket", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { stopLoss: 49_000 }));
  h.setPosition("0.004");
  h.oms.onOrderUpdate({
    ...accept(h.sent[0]),
    status: "expired",
    filledQuantity: decimal("0.004"),
  });
  assert.equal(h.sent.length, 2);
  assert.deepEqual([h.sent[1].type, h.sent[1].quantity.toString()], ["stop-market", "0.004"]);
});

Deno.test("OrderManager snaps computed float prices before rounding to the tick", () => {
  const h = harness();
  h.oms.onSignal(signal("enter-long", { stopLoss: 2.3 * 100 * 200, takeProfit: 1.1 * 100 * 500 }));
  h.setPosition("0.01");
  h.oms.onOrderUpdate(accept(h.sent[0], "filled"));
  // 2.3·100·200 = 45999.99999999999 and 1.1·100·500 = 55000.00000000001 in float64.
  assert.equal(h.sent[1].triggerPrice?.toString(), "46000");
  assert.equal(h.sent[2].price?.toString(), "55000");
});

Deno.test("OrderManager sizes in the instrument's settle currency (inverse contracts)", () => {
  const XBT = makeInstrument({
    symbol: "bitmex:XBTUSD",
    kind: "inverse",
    base: "XBT",
    quote: "USD",
    tickSize: "0.5",
    lotSize: "1",
    multiplier: "1",
  });
  const sent: OrderRequest[] = [];
  const oms = new OrderManager(
    {
      instruments: new Map([[XBT.symbol, XBT]]),
      sizer: percentOfEquity(1),
      risk: new PreTradeRisk(),
    },
    {
      position: () => ZERO,
      equity: () => 50_000, // USD
      rateOf: (currency) => (currency === "XBT" ? 50_000 : 1), // 1 XBT = 50,000 USD
      freeMargin: () => 1,
      leverage: () => 1,
      lastPrice: () => 50_000,
      volatility: () => undefined,
    },
    { send: (c) => c.type === "submit" && sent.push(c.request) },
  );
  oms.onSignal({ symbol: XBT.symbol, kind: "enter-long", confidence: 1 });
  // 100% of 1 XBT of equity at 50,000 USD/XBT = 50,000 one-dollar contracts.
  assert.equal(sent[0].quantity.toString(), "50000");
});

Deno.test("OrderManager counts working entries against the position limit", () => {
  const h = harness(fixedQuantity(0.4), { maxPositionQuantity: 0.5 }, true);
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 49_000 } }));
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.onSignal(signal("enter-long", { hint: { kind: "limit", price: 48_000 } }));
  assert.equal(h.sent.length, 1);
  assert.deepEqual(h.oms.rejections().counts, { "max-position": 1 });
});
