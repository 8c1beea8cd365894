import assert from "node:assert/strict";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, SPOT, strings } from "./_fixtures.ts";

const S = SPOT.symbol;

function portfolio(): Portfolio {
  return new Portfolio({
    instruments: [SPOT],
    initialBalances: { USDT: "10000" },
    reportingCurrency: "USDT",
  });
}

function balances(p: Portfolio): Record<string, string> {
  return Object.fromEntries(p.balances().map((b) => [b.currency, b.total.toString()]));
}

Deno.test("Portfolio spot golden: buys spend quote, sells return it, one round trip", () => {
  const p = portfolio();
  p.applyFill(fill(SPOT, "buy", "0.1", "20000", "2"), 1);
  assert.deepEqual(balances(p), { USDT: "7998", BTC: "0.1" });

  let effect = p.applyFill(fill(SPOT, "buy", "0.1", "30000", "3"), 2);
  assert.equal(effect.position.entryPrice.toString(), "25000");
  assert.deepEqual(balances(p), { USDT: "4995", BTC: "0.2" });
  p.mark(S, 35000);
  // Spot is valued through its balances; unrealized PnL is reported, not added again.
  assert.equal(p.unrealizedPnl(S), 2000);
  assert.equal(p.equity(), 11995);
  assert.equal(p.exactEquity().toString(), "11995");
  assert.equal(p.grossExposure(), 7000);
  assert.equal(p.initialMargin(S).toString(), "0");
  assert.equal(p.liquidationPrice(S), undefined);

  // Maker rebate on the partial sell.
  effect = p.applyFill(fill(SPOT, "sell", "0.05", "40000", "-0.2"), 3);
  assert.equal(effect.realizedPnl.toString(), "750");
  assert.deepEqual(balances(p), { USDT: "6995.2", BTC: "0.15" });

  effect = p.applyFill(fill(SPOT, "sell", "0.15", "20000", "3"), 4);
  assert.equal(effect.realizedPnl.toString(), "-750");
  assert.deepEqual(balances(p), { USDT: "9992.2", BTC: "0" });
  assert.deepEqual(strings(effect.roundTrip ?? {}), {
    symbol: S,
    direction: "long",
    entryTs: 1,
    exitTs: 4,
    quantity: "0.2",
    entryPrice: "25000",
    exitPrice: "25000",
    grossPnl: "0",
    fees: "7.8",
    funding: "0",
    netPnl: "-7.8",
    settle: "USDT",
    fills: 4,
  });
  assert.equal(p.feesPaid().toString(), "7.8");
  assert.equal(p.turnover().toString(), "10000");
});

Deno.test("Portfolio spot fee in base reduces the base balance and counts at the fill price", () => {
  const p = portfolio();
  p.applyFill(fill(SPOT, "buy", "0.1", "20000", "0.0001", { feeCurrency: "BTC" }), 1);
  assert.deepEqual(balances(p), { USDT: "8000", BTC: "0.0999" });
  assert.equal(p.position(S).quantity.toString(), "0.1");
  assert.equal(p.feesPaid().toString(), "2");
  // The position says 0.1 but only 0.0999 BTC is there: selling 0.1 would go short.
  assert.throws(
    () => p.applyFill(fill(SPOT, "sell", "0.1", "21000", "0"), 2),
    /would leave -0\.0001 BTC; spot cannot go short/,
  );
  const effect = p.applyFill(fill(SPOT, "sell", "0.0999", "21000", "2.0979"), 3);
  assert.equal(effect.realizedPnl.toString(), "99.9");
  assert.equal(effect.position.quantity.toString(), "0.0001");
  assert.deepEqual(balances(p), { USDT: "10095.8021", BTC: "0" });
});

Deno.test("Portfolio spot has no funding", () => {
  assert.throws(
    () => portfolio().applyFunding(S, 0.0001, 20000, 1),
    { name: "RangeError", message: "Portfolio: binance:BTCUSDT is spot; it has no funding" },
  );
});
