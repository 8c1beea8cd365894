import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import { liquidationPrice, Portfolio } from "../../../lib/portfolio/mod.ts";
import { fill, INVERSE, LINEAR } from "./_fixtures.ts";

const L = decimal(10);
const M = decimal("0.005");

Deno.test("liquidationPrice matches hand-computed values for linear and inverse, long and short", () => {
  const E = decimal(20000);
  // 20000 × (1 − 0.1 + 0.005) and 20000 × (1 + 0.1 − 0.005).
  assert.equal(liquidationPrice("linear", "long", E, L, M)?.toString(), "18100");
  assert.equal(liquidationPrice("linear", "short", E, L, M)?.toString(), "21900");
  // 20000 / 1.095 and 20000 / 0.905.
  assert.equal(
    liquidationPrice("inverse", "long", E, L, M)?.toString(),
    "18264.8401826484018264840182648401826484",
  );
  assert.equal(
    liquidationPrice("inverse", "short", E, L, M)?.toString(),
    "22099.44751381215469613259668508287292818",
  );
  // A 1× long with no maintenance margin is never liquidated.
  assert.equal(liquidationPrice("linear", "long", E, decimal(1), decimal(0)), undefined);
  assert.equal(liquidationPrice("inverse", "short", E, decimal(1), decimal(0)), undefined);
});

Deno.test("liquidationPrice is where margin plus unrealized PnL equals maintenance margin", () => {
  const E = decimal(32000);
  const u = decimal(40000);
  for (const direction of ["long", "short"] as const) {
    const sign = direction === "long" ? 1 : -1;
    const linear = liquidationPrice("linear", direction, E, L, M);
    assert.ok(linear);
    const linearLeft = u.times(E).div(L).plus(u.times(linear.minus(E)).times(sign));
    assert.equal(linearLeft.minus(u.times(E).times(M)).abs().lt("1e-30"), true);
    const inverse = liquidationPrice("inverse", direction, E, L, M);
    assert.ok(inverse);
    const cost = u.div(E);
    const inverseLeft = cost.div(L).plus(cost.minus(u.div(inverse)).times(sign));
    assert.equal(inverseLeft.minus(cost.times(M)).abs().lt("1e-30"), true);
  }
});

function leveraged(): Portfolio {
  return new Portfolio({
    instruments: [LINEAR, INVERSE],
    initialBalances: { USDT: "10000", BTC: "1" },
    reportingCurrency: "USDT",
    leverage: 10,
    leverageBySymbol: { [INVERSE.symbol]: 20 },
  });
}

Deno.test("Portfolio margin: initial and maintenance margin on the entry notional, available balance", () => {
  const p = leveraged();
  p.applyFill(fill(LINEAR, "buy", "0.4", "21500", "0"), 1);
  assert.equal(p.initialMargin(LINEAR.symbol).toString(), "860");
  assert.equal(p.maintenanceMargin(LINEAR.symbol).toString(), "43");
  assert.equal(p.liquidationPrice(LINEAR.symbol), 19457.5); // 21500 × 0.905
  const usdt = p.balances().find((b) => b.currency === "USDT");
  assert.equal(usdt?.available.toString(), "9140");

  p.applyFill(fill(INVERSE, "sell", "10000", "50000", "0"), 2);
  // 0.2 BTC notional at 20×: 0.01 BTC margin; liquidation 50000 / (1 − 0.05 + 0.005).
  assert.equal(p.initialMargin(INVERSE.symbol).toString(), "0.01");
  assert.equal(p.maintenanceMargin(INVERSE.symbol).toString(), "0.001");
  assert.equal(p.liquidationPrice(INVERSE.symbol), 50000 / 0.955);
  assert.equal(p.balances().find((b) => b.currency === "BTC")?.available.toString(), "0.99");
});

Deno.test("Portfolio.checkLiquidation triggers when the bar touches the price, counted once", () => {
  const p = leveraged();
  p.applyFill(fill(LINEAR, "buy", "0.4", "21500", "0"), 1);
  assert.equal(p.checkLiquidation(LINEAR.symbol, 19457.6, 22000), undefined);
  const trigger = p.checkLiquidation(LINEAR.symbol, 19000, 22000);
  assert.ok(trigger);
  assert.equal(trigger.side, "sell");
  assert.equal(trigger.price, 19457.5);
  // The venue closes at the bankruptcy price 21500 × (1 − 0.1) = 19350.
  assert.equal(trigger.fillPrice.toString(), "19350");
  assert.equal(trigger.quantity.toString(), "0.4");
  p.checkLiquidation(LINEAR.symbol, 19000, 22000);
  assert.equal(p.liquidations, 1);

  // The venue takes the position at its bankruptcy price: the whole initial margin is lost.
  const effect = p.applyFill(fill(LINEAR, "sell", "0.4", trigger.fillPrice, "0"), 2);
  assert.equal(effect.realizedPnl.toString(), "-860"); // 0.4 × 21500 / 10
  assert.equal(p.liquidationPrice(LINEAR.symbol), undefined);
  assert.equal(p.checkLiquidation(LINEAR.symbol, 1, 1e9), undefined);

  p.applyFill(fill(INVERSE, "sell", "10000", "50000", "0"), 3);
  const short = p.checkLiquidation(INVERSE.symbol, 50000, 60000);
  assert.equal(short?.side, "buy");
  // Bankruptcy 50000 / (1 − 1/20) = 52631.57…, rounded up to the 0.5 tick.
  assert.equal(short?.fillPrice.toString(), "52632");
  assert.equal(p.liquidations, 2);
});

Deno.test("Portfolio rejects a maintenance rate at or above the initial margin rate", () => {
  assert.throws(
    () =>
      new Portfolio({
        instruments: [LINEAR],
        initialBalances: {},
        reportingCurrency: "USDT",
        leverage: 100,
        maintenanceMarginRate: 0.01,
      }),
    /maintenance margin rate 0\.01 of bybit:BTCUSDT must be below the initial margin rate 1\/100/,
  );
});
