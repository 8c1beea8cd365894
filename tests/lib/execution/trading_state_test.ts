import assert from "node:assert/strict";
import type { TradingState } from "../../../lib/execution/mod.ts";
import { accept, BTC, build, signal } from "./_oms_harness.ts";

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", price: 40_000 } as const;

Deno.test("halted: no new orders and no amends, but cancels still go out", () => {
  const h = build();
  const id = h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.setTradingState("halted");
  assert.equal(h.oms.tradingState, "halted");
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }), undefined);
  h.oms.amendOrder(BTC.symbol, id, { quantity: 0.005 });
  h.setPosition("0.02");
  h.oms.onSignal(signal("exit-long"));
  assert.deepEqual(h.refusals.map((r) => r.rule), [
    "trading-halted",
    "trading-halted",
    "trading-halted",
  ]);
  assert.equal(h.refusals[0].message, "bybit:BTCUSDT: trading is halted; only cancels are sent");
  assert.deepEqual(h.canceled, [id], "the exit's cancel of the working entry still went out");
  assert.equal(h.sent.length, 1);
});

Deno.test("reducing-only: orders that shrink the position pass, anything that opens is refused with its numbers", () => {
  const h = build();
  h.setPosition("0.05");
  h.oms.setTradingState("reducing-only");
  assert.equal(
    h.oms.submitIntent({ ...limitBuy, side: "sell", quantity: 0.03, price: 60_000 }) !== undefined,
    true,
  );
  // With that sell working, another 0.03 would go beyond the long of 0.05.
  assert.equal(
    h.oms.submitIntent({ ...limitBuy, side: "sell", quantity: 0.03, price: 60_000 }),
    undefined,
  );
  assert.equal(h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }), undefined);
  h.oms.onSignal(signal("flatten"));
  assert.deepEqual(h.refusals.map((r) => [r.rule, r.requested, r.current]), [
    ["reducing-only", 0.03, 0.05],
    ["reducing-only", 0.01, 0.05],
  ]);
  assert.match(
    h.refusals[1].message,
    /reducing-only; a buy of 0.01 does not reduce the position 0.05/,
  );
  // The flatten (reduce-only) went out after cancelling the working sell.
  assert.deepEqual(h.sent.map((r) => [r.side, r.quantity.toString(), r.reduceOnly]), [
    ["sell", "0.03", false],
    ["sell", "0.05", true],
  ]);
  h.oms.setTradingState("active");
  assert.ok(h.oms.submitIntent({ ...limitBuy, quantity: 0.01 }));
});

Deno.test("setTradingState refuses a state outside the three", () => {
  const h = build();
  assert.throws(
    () => h.oms.setTradingState("paused" as TradingState),
    /Unknown trading state "paused" \(known: active, reducing-only, halted\)/,
  );
});
