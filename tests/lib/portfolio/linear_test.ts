import assert from "node:assert/strict";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, LINEAR, strings } from "./_fixtures.ts";

const S = LINEAR.symbol;

function portfolio(): Portfolio {
  return new Portfolio({
    instruments: [LINEAR],
    initialBalances: { USDT: "10000" },
    reportingCurrency: "USDT",
  });
}

function usdt(p: Portfolio): string {
  return p.balances()[0].total.toString();
}

Deno.test("Portfolio linear golden: open, add, partial close, funding, reversal, close", () => {
  const p = portfolio();

  // Open long 0.1 @ 20000, taker fee 1.2.
  let effect = p.applyFill(fill(LINEAR, "buy", "0.1", "20000", "1.2"), 1);
  assert.deepEqual(strings(effect.position), {
    symbol: S,
    quantity: "0.1",
    entryPrice: "20000",
    realizedPnl: "0",
  });
  assert.equal(effect.openedQuantity.toString(), "0.1");
  assert.equal(effect.closedQuantity.toString(), "0");
  assert.equal(usdt(p), "9998.8");

  // Add 0.3 @ 22000: average entry (2000 + 6600) / 0.4 = 21500.
  effect = p.applyFill(fill(LINEAR, "buy", "0.3", "22000", "3.96"), 2);
  assert.equal(effect.position.entryPrice.toString(), "21500");
  assert.equal(effect.position.quantity.toString(), "0.4");
  assert.equal(usdt(p), "9994.84");
  p.mark(S, 22500);
  assert.equal(p.unrealizedPnl(S), 400);
  assert.equal(p.equity(), 10394.84);
  assert.equal(p.exactEquity().toString(), "10394.84");

  // Partial close 0.1 @ 23000 as maker: rebate 0.23; realized 0.1 × (23000 − 21500) = 150.
  effect = p.applyFill(fill(LINEAR, "sell", "0.1", "23000", "-0.23"), 3);
  assert.equal(effect.realizedPnl.toString(), "150");
  assert.equal(effect.fee.toString(), "-0.23");
  assert.equal(effect.position.entryPrice.toString(), "21500");
  assert.equal(effect.position.quantity.toString(), "0.3");
  assert.equal(effect.roundTrip, undefined);
  assert.equal(usdt(p), "10145.07");

  // Funding +0.01% at 23000 on a long: pays 0.3 × 23000 × 0.0001 = 0.69.
  assert.equal(p.applyFunding(S, 0.0001, 23000, 4).toString(), "0.69");
  assert.equal(usdt(p), "10144.38");

  // Reversal: sell 0.5 @ 21000 closes 0.3 (realized −150) and opens a 0.2 short.
  // Fee 6.3 splits 3.78 (close) / 2.52 (open).
  effect = p.applyFill(fill(LINEAR, "sell", "0.5", "21000", "6.3"), 5);
  assert.equal(effect.realizedPnl.toString(), "-150");
  assert.equal(effect.closedQuantity.toString(), "0.3");
  assert.equal(effect.openedQuantity.toString(), "0.2");
  assert.deepEqual(strings(effect.position), {
    symbol: S,
    quantity: "-0.2",
    entryPrice: "21000",
    realizedPnl: "0",
  });
  assert.deepEqual(strings(effect.roundTrip ?? {}), {
    symbol: S,
    direction: "long",
    entryTs: 1,
    exitTs: 5,
    quantity: "0.4",
    entryPrice: "21500",
    exitPrice: "21500",
    grossPnl: "0",
    fees: "8.71",
    funding: "0.69",
    netPnl: "-9.4",
    settle: "USDT",
    fills: 4,
  });
  assert.equal(usdt(p), "9988.08");

  // Funding +0.01% at 20000 on a short: receives 0.2 × 20000 × 0.0001 = 0.4.
  assert.equal(p.applyFunding(S, 0.0001, 20000, 6).toString(), "-0.4");
  assert.equal(usdt(p), "9988.48");

  // Close the short 0.2 @ 20500: realized 0.2 × (21000 − 20500) = 100.
  effect = p.applyFill(fill(LINEAR, "buy", "0.2", "20500", "2.46"), 7);
  assert.equal(effect.realizedPnl.toString(), "100");
  assert.deepEqual(strings(effect.position), {
    symbol: S,
    quantity: "0",
    entryPrice: "0",
    realizedPnl: "100",
  });
  assert.deepEqual(strings(effect.roundTrip ?? {}), {
    symbol: S,
    direction: "short",
    entryTs: 5,
    exitTs: 7,
    quantity: "0.2",
    entryPrice: "21000",
    exitPrice: "20500",
    grossPnl: "100",
    fees: "4.98",
    funding: "-0.4",
    netPnl: "95.42",
    settle: "USDT",
    fills: 2,
  });

  // 10000 + realized 100 − fees 13.69 − funding 0.29.
  assert.equal(usdt(p), "10086.02");
  assert.equal(p.realizedPnl().toString(), "100");
  assert.equal(p.realizedPnl(S).toString(), "100");
  assert.equal(p.feesPaid().toString(), "13.69");
  assert.equal(p.fundingPaid().toString(), "0.29");
  assert.equal(p.turnover().toString(), "25500");
  assert.equal(p.roundTrips().length, 2);
  assert.deepEqual(p.positions(), []);
  assert.equal(p.exactEquity().toString(), "10086.02");
  assert.equal(p.equity(), 10086.02);
  assert.equal(p.grossExposure(), 0);
});

Deno.test("Portfolio linear funding: a negative rate makes shorts pay and longs receive", () => {
  const p = portfolio();
  p.applyFill(fill(LINEAR, "sell", "1", "20000", "0"), 1);
  assert.equal(p.applyFunding(S, -0.0002, 20000, 2).toString(), "4");
  assert.equal(usdt(p), "9996");
  p.applyFill(fill(LINEAR, "buy", "2", "20000", "0"), 3);
  assert.equal(p.applyFunding(S, -0.0002, 20000, 4).toString(), "-4");
  assert.equal(usdt(p), "10000");
  assert.equal(p.fundingPaid().toString(), "0");
  assert.deepEqual(strings(p.fundingByCurrency()), { USDT: "0" });
});

Deno.test("Portfolio linear funding while flat pays nothing", () => {
  const p = portfolio();
  assert.equal(p.applyFunding(S, 0.001, 20000, 1).toString(), "0");
  assert.equal(usdt(p), "10000");
});

Deno.test("Portfolio linear partial close keeps the exact cost basis of a non-terminating average", () => {
  const p = portfolio();
  p.applyFill(fill(LINEAR, "buy", "1", "100", "0"), 1);
  p.applyFill(fill(LINEAR, "buy", "2", "101", "0"), 2);
  p.applyFill(fill(LINEAR, "sell", "1", "102", "0"), 3);
  // Entry 302/3 never terminates, yet the full close realizes (102 + 206) − (100 + 202) = 6.
  const effect = p.applyFill(fill(LINEAR, "sell", "2", "103", "0"), 4);
  assert.equal(p.realizedPnl(S).toString(), "6");
  assert.equal(effect.roundTrip?.grossPnl.toString(), "6");
  assert.equal(usdt(p), "10006");
});
