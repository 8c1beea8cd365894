// Issue 19: once the OMS's examples are full and nobody listens, a refusal is only counted, so
// pre-trade risk answers it with its rule alone and builds no record. The rules, the counts and
// the examples must be what recorded refusals give.
import assert from "node:assert/strict";
import { decimal, type Refusal } from "../../../lib/domain/mod.ts";
import {
  ClientIds,
  fixedQuantity,
  type OrderDraft,
  OrderManager,
  PreTradeRisk,
  type RiskInput,
  type RiskLimits,
} from "../../../lib/execution/mod.ts";
import { BTC, signal } from "./_oms_harness.ts";

const buy: OrderDraft = {
  symbol: BTC.symbol,
  side: "buy",
  type: "limit",
  quantity: decimal("0.01"),
  price: decimal("50000"),
  timeInForce: "gtc",
  reduceOnly: false,
};

function input(request: OrderDraft = buy, now = 1_000_000): RiskInput {
  return { request, instrument: BTC, price: 50_000, position: decimal(0), mark: 50_000, now };
}

Deno.test("unrecorded, pre-trade risk answers each refusal with the rule a recorded one names", () => {
  const cases: readonly [RiskLimits, string, OrderDraft?][] = [
    [{ maxOrderQuantity: 0.001 }, "max-order-quantity"],
    [{ maxOrderNotional: 100 }, "max-order-notional"],
    [{ maxPositionQuantity: 0.005 }, "max-position"],
    [{ priceBandBps: 10 }, "price-band", { ...buy, price: decimal("51000") }],
  ];
  for (const [limits, rule, request] of cases) {
    const recorded = new PreTradeRisk(limits).checkDeferred(input(request));
    assert.equal(recorded?.rule, rule);
    assert.equal(new PreTradeRisk(limits).checkDeferred(input(request), false), rule);
  }
  const killed = new PreTradeRisk({ maxDrawdown: 0.1 });
  killed.latchKillSwitch(0.2);
  assert.equal(killed.checkDeferred(input(), false), "kill-switch");
  assert.equal(new PreTradeRisk({ maxOrderQuantity: 1 }).checkDeferred(input(), false), undefined);
});

Deno.test("unrecorded, an order that passes still counts towards the order rate", () => {
  const risk = new PreTradeRisk({ maxOrdersPerMinute: 1 });
  assert.equal(risk.checkDeferred(input(buy, 1_000_000), false), undefined);
  assert.equal(risk.checkDeferred(input(buy, 2_000_000), false), "order-rate");
  assert.equal(risk.checkDeferred(input(buy, 3_000_000))?.rule, "order-rate");
});

Deno.test("past the examples and unheard, max-position refusals are counted and the examples keep their messages", () => {
  const shown: Refusal[] = [];
  const oms = new OrderManager({
    instruments: new Map([[BTC.symbol, BTC]]),
    sizer: fixedQuantity(0.01),
    risk: new PreTradeRisk({ maxPositionQuantity: 0.005 }),
    clientIds: new ClientIds("t", () => 0),
    onRefusal: (refusal) => shown.push(refusal),
    wantsRefusals: () => false,
  }, {
    position: () => decimal(0),
    equity: () => 1e6,
    rateOf: () => 1,
    freeMargin: () => 1e6,
    leverage: () => 1,
    lastPrice: () => 50_000,
    volatility: () => undefined,
  }, { send: () => {} });
  for (let i = 0; i < 30; i++) oms.onSignal(signal("enter-long"));
  assert.deepEqual(oms.rejections(), {
    counts: { "max-position": 30 },
    examples: Array(20).fill("bybit:BTCUSDT: position could reach 0.01 (limit ±0.005)"),
  });
  assert.equal(oms.rejectedCount, 30);
  assert.deepEqual(shown, []);
});
