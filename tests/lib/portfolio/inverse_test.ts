import assert from "node:assert/strict";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, INVERSE, strings } from "./_fixtures.ts";

const S = INVERSE.symbol;

function btc(p: Portfolio): string {
  const balance = p.balances().find((b) => b.currency === "BTC");
  return balance?.total.toString() ?? "missing";
}

Deno.test("Portfolio inverse golden: PnL in base, harmonic entry, funding, reversal, close", () => {
  const p = new Portfolio({
    instruments: [INVERSE],
    initialBalances: { BTC: "1" },
    reportingCurrency: "USD",
  });

  // Long 10000 contracts @ 20000 (0.5 BTC notional), fee 0.0003 BTC.
  let effect = p.applyFill(fill(INVERSE, "buy", "10000", "20000", "0.0003"), 1);
  assert.equal(effect.position.entryPrice.toString(), "20000");
  assert.equal(btc(p), "0.9997");

  // Add 30000 @ 40000 (0.75 BTC): entry 40000 / 1.25 = 32000 (contract-weighted harmonic).
  effect = p.applyFill(fill(INVERSE, "buy", "30000", "40000", "0.00045"), 2);
  assert.equal(effect.position.entryPrice.toString(), "32000");
  assert.equal(btc(p), "0.99925");
  p.mark(S, 40000);
  // uPnL = 40000 × (1/32000 − 1/40000) = 0.25 BTC; equity = (0.99925 + 0.25) × 40000.
  assert.equal(p.unrealizedPnl(S), 0.25);
  assert.equal(p.equity(), 49970);
  assert.equal(p.exactEquity().toString(), "49970");
  assert.equal(p.grossExposure(), 40000);

  // Partial close 10000 @ 25000 as maker: realized 10000 × (1/32000 − 1/25000) = −0.0875.
  effect = p.applyFill(fill(INVERSE, "sell", "10000", "25000", "-0.00004"), 3);
  assert.equal(effect.realizedPnl.toString(), "-0.0875");
  assert.equal(effect.position.entryPrice.toString(), "32000");
  assert.equal(btc(p), "0.91179");

  // Funding +0.01% at 25000 on 30000 contracts long: 1.2 BTC × 0.0001 = 0.00012 paid.
  assert.equal(p.applyFunding(S, 0.0001, 25000, 4).toString(), "0.00012");
  assert.equal(btc(p), "0.91167");

  // Reversal: sell 40000 @ 50000 closes 30000 (realized 0.9375 − 0.6 = 0.3375), opens 10000
  // short; fee 0.00048 splits 0.00036 / 0.00012.
  effect = p.applyFill(fill(INVERSE, "sell", "40000", "50000", "0.00048"), 5);
  assert.equal(effect.realizedPnl.toString(), "0.3375");
  assert.deepEqual(strings(effect.position), {
    symbol: S,
    quantity: "-10000",
    entryPrice: "50000",
    realizedPnl: "0.25",
  });
  assert.deepEqual(strings(effect.roundTrip ?? {}), {
    symbol: S,
    direction: "long",
    entryTs: 1,
    exitTs: 5,
    quantity: "40000",
    entryPrice: "32000",
    exitPrice: "40000",
    grossPnl: "0.25",
    fees: "0.00107",
    funding: "0.00012",
    netPnl: "0.24881",
    settle: "BTC",
    fills: 4,
  });
  assert.equal(btc(p), "1.24869");

  // Funding −0.01% at 50000 on a short: the short pays 0.2 BTC × 0.0001 = 0.00002.
  assert.equal(p.applyFunding(S, -0.0001, 50000, 6).toString(), "0.00002");
  assert.equal(btc(p), "1.24867");

  // Close @ 40000: realized 10000 × (1/40000 − 1/50000) = 0.05.
  effect = p.applyFill(fill(INVERSE, "buy", "10000", "40000", "0.00015"), 7);
  assert.equal(effect.realizedPnl.toString(), "0.05");
  assert.deepEqual(strings(effect.roundTrip ?? {}), {
    symbol: S,
    direction: "short",
    entryTs: 5,
    exitTs: 7,
    quantity: "10000",
    entryPrice: "50000",
    exitPrice: "40000",
    grossPnl: "0.05",
    fees: "0.00027",
    funding: "0.00002",
    netPnl: "0.04971",
    settle: "BTC",
    fills: 2,
  });

  // 1 + 0.3 realized − 0.00134 fees − 0.00014 funding.
  assert.equal(btc(p), "1.29852");
  assert.equal(p.realizedPnl(S).toString(), "0.3");
  assert.deepEqual(strings(p.feesByCurrency()), { USD: "0", BTC: "0.00134" });
  assert.deepEqual(strings(p.fundingByCurrency()), { USD: "0", BTC: "0.00014" });
  // Reporting-currency totals convert each amount at its own fill or funding price.
  assert.equal(p.feesPaid().toString(), "53");
  assert.equal(p.fundingPaid().toString(), "4");
  assert.equal(p.realizedPnl().toString(), "16687.5");
  assert.equal(p.turnover().toString(), "100000");
  // Equity in USD = BTC × the last price of BTCUSD (set by the first fill's mark, then mark()).
  p.mark(S, 30000);
  assert.equal(p.exactEquity().toString(), "38955.6");
  assert.equal(p.equity(), 38955.6);
});
