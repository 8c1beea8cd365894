// A market signal's minimum notional is checked at the last price: exactly at the minimum it
// passes, a hair below it is refused with the notional, for linear and inverse instruments.
import assert from "node:assert/strict";
import { type Instrument, type OrderRequest, ZERO } from "../../../lib/domain/mod.ts";
import { fixedQuantity, OrderManager, PreTradeRisk } from "../../../lib/execution/mod.ts";

import {
  MIN_NOTIONAL_INVERSE as INVERSE,
  MIN_NOTIONAL_LINEAR as LINEAR,
} from "../_min_notional_instruments.ts";

// What an enter-long of `quantity` at last price `last` does: "sent", or the refusal.
function enter(instrument: Instrument, quantity: number, last: number): string {
  const sent: OrderRequest[] = [];
  const oms = new OrderManager(
    {
      instruments: new Map([[instrument.symbol, instrument]]),
      sizer: fixedQuantity(quantity),
      risk: new PreTradeRisk(),
    },
    {
      position: () => ZERO,
      equity: () => 1e9,
      rateOf: () => 1,
      freeMargin: () => 1e12,
      leverage: () => 1,
      lastPrice: () => last,
      volatility: () => undefined,
    },
    { send: (c) => c.type === "submit" && sent.push(c.request) },
  );
  oms.onSignal({ symbol: instrument.symbol, kind: "enter-long", confidence: 1 });
  if (sent.length === 1) return "sent";
  const { counts, examples } = oms.rejections();
  return `${Object.keys(counts).join(",")}: ${examples[0]}`;
}

Deno.test("OrderManager: a market entry exactly at the minimum notional at the last price is sent", () => {
  assert.equal(enter(LINEAR, 0.05, 100), "sent");
  assert.equal(enter(LINEAR, 0.001, 5000), "sent");
  assert.equal(enter(INVERSE, 10, 50_000), "sent");
  // Far above: sent without the exact check mattering.
  assert.equal(enter(LINEAR, 1, 50_000), "sent");
});

Deno.test("OrderManager: a market entry below the minimum notional at the last price is refused with the notional", () => {
  assert.equal(
    enter(LINEAR, 0.05, 99.9),
    "min-notional: bybit:BTCUSDT: notional 4.995 USDT is below the minimum 5",
  );
  assert.equal(
    enter(INVERSE, 10, 50_000.5),
    "min-notional: bitmex:XBTUSD: notional 0.000199998000019999800001999980000199998 XBT is below the minimum 0.0002",
  );
});
