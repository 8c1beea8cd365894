// Issue 19: pre-trade risk's refusals carry their message unwritten until it is shown (a report's
// example, a listener), so a refusal nobody reads costs no sentence. Where one is shown, the
// message and the object must be what an eagerly built refusal was, word for word.
import assert from "node:assert/strict";
import { decimal, type Refusal } from "../../../lib/domain/mod.ts";
import {
  ClientIds,
  fixedQuantity,
  OrderManager,
  PreTradeRisk,
  type RiskLimits,
} from "../../../lib/execution/mod.ts";
import { BTC, signal } from "./_oms_harness.ts";

function oms(limits: RiskLimits, wanted: { now: boolean }) {
  const shown: Refusal[] = [];
  const risk = new PreTradeRisk(limits);
  const manager = new OrderManager({
    instruments: new Map([[BTC.symbol, BTC]]),
    sizer: fixedQuantity(0.01),
    risk,
    clientIds: new ClientIds("t", () => 0),
    clock: { now: () => 1_000_000, setTimer: () => {} },
    onRefusal: (refusal) => shown.push(refusal),
    wantsRefusals: () => wanted.now,
  }, {
    position: () => decimal(0),
    equity: () => 1e6,
    rateOf: () => 1,
    freeMargin: () => 1e6,
    leverage: () => 1,
    lastPrice: () => 50_000,
    volatility: () => undefined,
  }, { send: () => {} });
  return { oms: manager, risk, shown };
}

const QUANTITY_MESSAGE = "bybit:BTCUSDT: order quantity 0.01 exceeds the limit 0.001";

Deno.test("a refusal nobody wants is counted, and every example still has its whole message", () => {
  const wanted = { now: false };
  const { oms: manager, shown } = oms({ maxOrderQuantity: 0.001 }, wanted);
  for (let i = 0; i < 25; i++) manager.onSignal(signal("enter-long"));
  assert.deepEqual(manager.rejections(), {
    counts: { "max-order-quantity": 25 },
    examples: Array(20).fill(QUANTITY_MESSAGE),
  });
  assert.deepEqual(shown, []);
  // Once someone listens, the next refusal reaches it as a plain, complete object.
  wanted.now = true;
  manager.onSignal(signal("enter-long"));
  assert.equal(shown.length, 1);
  assert.deepEqual(shown[0], {
    rule: "max-order-quantity",
    message: QUANTITY_MESSAGE,
    symbol: BTC.symbol,
    limit: 0.001,
    requested: 0.01,
  });
  // Its keys in the order an eagerly built refusal had them: journals and logs read alike.
  assert.equal(
    JSON.stringify(shown[0]),
    `{"rule":"max-order-quantity","message":"${QUANTITY_MESSAGE}","symbol":"bybit:BTCUSDT","limit":0.001,"requested":0.01}`,
  );
  assert.equal(manager.rejectedCount, 26);
});

Deno.test("each deferred risk refusal is shown with its whole message and numbers", () => {
  const wanted = { now: true };
  const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", quantity: 0.01 } as const;

  const notional = oms({ maxOrderNotional: 100 }, wanted);
  assert.equal(notional.oms.submitIntent({ ...limitBuy, type: "market" }), undefined);
  assert.deepEqual(notional.shown, [{
    rule: "max-order-notional",
    message: "bybit:BTCUSDT: order notional 500.00 USDT exceeds the limit 100",
    symbol: BTC.symbol,
    limit: 100,
    requested: 500,
  }]);

  const band = oms({ priceBandBps: 100 }, wanted);
  assert.equal(band.oms.submitIntent({ ...limitBuy, price: 49_000.05 }), undefined);
  assert.deepEqual(band.shown, [{
    rule: "price-band",
    message:
      "bybit:BTCUSDT: limit price 49000 is 200.0 bps from the last mark 50000 (band ±100 bps)",
    symbol: BTC.symbol,
    limit: 100,
    requested: 200,
    current: 50_000,
  }]);

  const rate = oms({ maxOrdersPerMinute: 1 }, wanted);
  const id = rate.oms.submitIntent({ ...limitBuy, price: 49_000 });
  assert.equal(rate.oms.submitIntent({ ...limitBuy, price: 49_000 }), undefined);
  // An amend that adds exposure is refused by the same rule and names the order.
  rate.oms.amendOrder(BTC.symbol, id ?? "", { quantity: 0.02 });
  const rateMessage = "bybit:BTCUSDT: 1 orders in the last minute reach the limit 1";
  assert.deepEqual(rate.shown, [
    { rule: "order-rate", message: rateMessage, symbol: BTC.symbol, limit: 1, current: 1 },
    {
      rule: "order-rate",
      message: `amend ${id}: ${rateMessage}`,
      symbol: BTC.symbol,
      limit: 1,
      current: 1,
      clientOrderId: id,
    },
  ]);
  assert.deepEqual(rate.oms.rejections().examples, [rateMessage, `amend ${id}: ${rateMessage}`]);

  const killed = oms({ maxDrawdown: 0.1 }, wanted);
  killed.risk.latchKillSwitch(0.1234);
  killed.oms.onSignal(signal("enter-long"));
  const killMessage =
    "kill switch: drawdown 12.34% reached the limit 10.00%; only reducing orders are allowed";
  assert.deepEqual(killed.shown, [{
    rule: "kill-switch",
    message: killMessage,
    symbol: BTC.symbol,
    limit: 0.1,
    current: 0.1234,
  }]);
  assert.deepEqual(killed.oms.rejections().examples, [killMessage]);
});

Deno.test("check() gives the same plain refusal the OMS shows", () => {
  const risk = new PreTradeRisk({ maxOrderQuantity: 0.001 });
  const refusal = risk.check({
    request: {
      symbol: BTC.symbol,
      side: "buy",
      type: "market",
      quantity: decimal("0.01"),
      timeInForce: "ioc",
      reduceOnly: false,
    },
    instrument: BTC,
    price: 50_000,
    position: decimal(0),
  });
  assert.equal(Object.getPrototypeOf(refusal), Object.prototype);
  assert.deepEqual(refusal, {
    rule: "max-order-quantity",
    message: QUANTITY_MESSAGE,
    symbol: BTC.symbol,
    limit: 0.001,
    requested: 0.01,
  });
});
