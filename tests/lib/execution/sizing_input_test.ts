// Issue 19: the OMS reads the account's equity, its rate and the volatility for a sizer only
// when the sizer reads them; a sizer that does gets the same numbers as before.
import assert from "node:assert/strict";
import { ZERO } from "../../../lib/domain/mod.ts";
import {
  ClientIds,
  fixedQuantity,
  OrderManager,
  percentOfEquity,
  PreTradeRisk,
  riskAdjusted,
  type Sizer,
} from "../../../lib/execution/mod.ts";
import type { OrderRequest } from "../../../lib/domain/mod.ts";
import { BTC, signal } from "./_oms_harness.ts";

function sized(sizer: Sizer) {
  const reads: string[] = [];
  const sent: OrderRequest[] = [];
  const oms = new OrderManager({
    instruments: new Map([[BTC.symbol, BTC]]),
    sizer,
    risk: new PreTradeRisk(),
    clientIds: new ClientIds("t", () => 0),
  }, {
    position: () => ZERO,
    equity: () => (reads.push("equity"), 20_000),
    rateOf: (currency) => (reads.push(`rate ${currency}`), 2),
    freeMargin: () => 1e9,
    leverage: () => 1,
    lastPrice: () => 50_000,
    volatility: (symbol) => (reads.push(`volatility ${symbol}`), 250),
  }, {
    send: (command) => {
      if (command.type === "submit") sent.push(command.request);
    },
  });
  oms.onSignal(signal("enter-long"));
  return { reads, quantities: sent.map((r) => r.quantity.toString()) };
}

Deno.test("a fixed size reads nothing of the account for sizing", () => {
  const { reads, quantities } = sized(fixedQuantity(0.01));
  assert.deepEqual(quantities, ["0.01"]);
  assert.deepEqual(reads, []);
});

Deno.test("equity is read in the settle currency, and the volatility, when the sizer reads them", () => {
  // 10% of 20,000 / 2 (the settle rate) = 1,000 USDT at 50,000: 0.02 BTC.
  const equity = sized(percentOfEquity(0.1));
  assert.deepEqual(equity.quantities, ["0.02"]);
  assert.deepEqual(equity.reads, ["equity", "rate USDT"]);
  // 1% of 10,000 against a stop 2 × 250 away: 0.2 BTC.
  const risk = sized(riskAdjusted(0.01));
  assert.deepEqual(risk.quantities, ["0.2"]);
  assert.deepEqual(risk.reads, [`volatility ${BTC.symbol}`, "equity", "rate USDT"]);
});
