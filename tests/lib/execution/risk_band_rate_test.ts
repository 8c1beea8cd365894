// The live additions to pre-trade risk: a price band around the last mark and an order-rate
// limit, both typed refusals with their numbers; orders that only reduce are never refused.
import assert from "node:assert/strict";
import { decimal, REFUSAL_RULES } from "../../../lib/domain/mod.ts";
import { PreTradeRisk } from "../../../lib/execution/mod.ts";
import { BTC, harness } from "./_oms_harness.ts";

const limitBuy = { symbol: BTC.symbol, side: "buy", type: "limit", quantity: 0.01 } as const;

Deno.test("price band: a limit price beyond the band around the last mark is refused with its distance", () => {
  // The harness marks BTC at 50,000: 100 bps is 49,500..50,500.
  const h = harness(undefined, { priceBandBps: 100 });
  assert.ok(h.oms.submitIntent({ ...limitBuy, price: 49_600 }));
  assert.ok(h.oms.submitIntent({ ...limitBuy, side: "sell", price: 50_500 }));
  assert.equal(h.oms.submitIntent({ ...limitBuy, price: 51_000 }), undefined);
  assert.equal(h.oms.submitIntent({ ...limitBuy, price: 45_000 }), undefined);
  const refusals = h.refusals.filter((r) => r.rule === "price-band");
  assert.equal(refusals.length, 2);
  assert.match(
    refusals[0].message,
    /limit price 51000 is 200\.0 bps from the last mark 50000 \(band ±100 bps\)/,
  );
  assert.equal(refusals[0].limit, 100);
  assert.equal(refusals[0].requested, 200);
  assert.equal(refusals[0].current, 50_000);
  assert.equal(h.sent.length, 2);
});

Deno.test("price band: a reduce-only limit far from the mark (a take-profit) passes", () => {
  const h = harness(undefined, { priceBandBps: 100 });
  h.setPosition("0.01");
  assert.ok(
    h.oms.submitIntent({ ...limitBuy, side: "sell", price: 60_000, reduceOnly: true }),
  );
  assert.equal(h.refusals.length, 0);
});

Deno.test("order rate: orders beyond the limit within a rolling minute are refused, and pass again as it rolls", () => {
  const h = harness(undefined, { maxOrdersPerMinute: 3 });
  for (let i = 0; i < 3; i++) assert.ok(h.oms.submitIntent({ ...limitBuy, price: 49_000 + i }));
  assert.equal(h.oms.submitIntent({ ...limitBuy, price: 49_010 }), undefined);
  const refusal = h.refusals.find((r) => r.rule === "order-rate");
  assert.match(refusal?.message ?? "", /3 orders in the last minute reach the limit 3/);
  assert.equal(refusal?.limit, 3);
  // The harness clock is at 1 s; the first three orders leave the window after 61 s.
  h.advance(61_000_001);
  assert.ok(h.oms.submitIntent({ ...limitBuy, price: 49_020 }));
});

Deno.test("order rate: an order that only reduces is never refused by it", () => {
  const h = harness(undefined, { maxOrdersPerMinute: 1 });
  h.setPosition("0.05");
  assert.ok(h.oms.submitIntent({ ...limitBuy, side: "sell", price: 50_100 }));
  assert.ok(
    h.oms.submitIntent({ ...limitBuy, side: "sell", price: 50_200, reduceOnly: true }),
  );
  assert.equal(h.refusals.length, 0);
});

Deno.test("the new rules are in the closed set of refusal rules", () => {
  assert.ok(REFUSAL_RULES.includes("price-band"));
  assert.ok(REFUSAL_RULES.includes("order-rate"));
});

Deno.test("a latched kill switch (restored from the store) refuses entries and passes exits", () => {
  const risk = new PreTradeRisk({ maxDrawdown: 0.05 });
  risk.latchKillSwitch(0.07);
  assert.ok(risk.liquidateOnly);
  const request = {
    clientOrderId: "c",
    symbol: BTC.symbol,
    side: "buy" as const,
    type: "market" as const,
    quantity: decimal("0.01"),
    timeInForce: "gtc" as const,
    reduceOnly: false,
  };
  const refusal = risk.check({ request, instrument: BTC, price: 50_000, position: decimal(0) });
  assert.equal(refusal?.rule, "kill-switch");
  assert.match(refusal?.message ?? "", /drawdown 7\.00% reached the limit 5\.00%/);
  const exit = risk.check({
    request: { ...request, side: "sell" },
    instrument: BTC,
    price: 50_000,
    position: decimal("0.01"),
  });
  assert.equal(exit, undefined);
});
