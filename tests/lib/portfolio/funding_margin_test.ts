// Issue 11: Bybit takes funding from the available balance first and from an isolated
// position's margin only for the rest, which moves its liquidation (and bankruptcy) price.
// Failed before: funding never touched the margin, the liquidation price stayed at 90.5.
import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import { marginCallPrice, Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, LINEAR as PERP } from "./_fixtures.ts";

function longAt10x(balance: number): Portfolio {
  const portfolio = new Portfolio({
    instruments: [PERP],
    initialBalances: { USDT: balance },
    reportingCurrency: "USDT",
    leverage: 10,
  });
  portfolio.applyFill(fill(PERP, "buy", 1, 100, 0), 0);
  return portfolio;
}

Deno.test("funding the balance can pay leaves the isolated margin and liquidation price alone", () => {
  const portfolio = longAt10x(1000);
  portfolio.applyFunding(PERP.symbol, 0.05, 100, 1); // pays 5 of 990 available
  assert.equal(portfolio.liquidationPrice(PERP.symbol), 90.5);
  assert.equal(portfolio.bankruptcyPrice(PERP.symbol), 90);
  assert.equal(portfolio.marginDrawn(PERP.symbol).toString(), "0");
});

Deno.test("funding beyond the available balance comes out of the margin and moves liquidation", () => {
  // Balance 12, margin 10: 2 available. A payment of 5 takes 2 from the balance and 3 from the
  // margin, leaving 7: liquidation (100 × 1.005 − 7) / 1 = 93.5, bankruptcy 100 − 7 = 93.
  const portfolio = longAt10x(12);
  const paid = portfolio.applyFunding(PERP.symbol, 0.05, 100, 1);
  assert.equal(paid.toString(), "5");
  assert.equal(portfolio.marginDrawn(PERP.symbol).toString(), "3");
  assert.equal(portfolio.liquidationPrice(PERP.symbol), 93.5);
  assert.equal(portfolio.bankruptcyPrice(PERP.symbol), 93);
  // Halving the position halves what was drawn; closing it clears it.
  portfolio.applyFill(fill(PERP, "sell", 0.5, 100, 0), 2);
  assert.equal(portfolio.marginDrawn(PERP.symbol).toString(), "1.5");
  assert.equal(portfolio.liquidationPrice(PERP.symbol), 93.5);
  portfolio.applyFill(fill(PERP, "sell", 0.5, 100, 0), 3);
  assert.equal(portfolio.marginDrawn(PERP.symbol).toString(), "0");
  assert.equal(portfolio.liquidationPrice(PERP.symbol), undefined);
});

Deno.test("the drawn margin survives a snapshot round trip", () => {
  const portfolio = longAt10x(12);
  portfolio.applyFunding(PERP.symbol, 0.05, 100, 1);
  const restored = Portfolio.restore(portfolio.toJSON(), {
    instruments: [PERP],
    initialBalances: {},
    reportingCurrency: "USDT",
    leverage: 10,
  });
  assert.equal(restored.liquidationPrice(PERP.symbol), 93.5);
});

Deno.test("marginCallPrice with the full margin equals the closed-form liquidation price", () => {
  // Short 2 @50 at 5×: margin 20, cost 100; liquidation (100 × 0.995 + 20) / 2 = 59.75 =
  // 50 × (1 + 0.2 − 0.005); inverse long 100 contracts @40,000, margin 0.00025 BTC.
  const u = decimal(2);
  const short = marginCallPrice("linear", "short", u, decimal(100), decimal(20), decimal("0.005"));
  assert.equal(short?.toString(), "59.75");
  const cost = decimal(100).div(40_000);
  const inverse = marginCallPrice("inverse", "long", decimal(100), cost, cost.div(10), decimal(0));
  assert.equal(inverse?.toNumber().toFixed(6), (40_000 / 1.1).toFixed(6));
});
