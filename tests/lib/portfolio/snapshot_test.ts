import assert from "node:assert/strict";
import { Portfolio, type PortfolioOptions } from "../../../lib/portfolio/mod.ts";
import { fill, INVERSE, LINEAR, SPOT } from "./_fixtures.ts";

const OPTIONS: PortfolioOptions = {
  instruments: [LINEAR, INVERSE, SPOT],
  initialBalances: { USDT: "10000", BTC: "1" },
  reportingCurrency: "USDT",
  leverage: 5,
};

Deno.test("Portfolio.toJSON and restore round-trip the whole state exactly", () => {
  const p = new Portfolio(OPTIONS);
  p.applyFill(fill(LINEAR, "buy", "0.3", "20000", "3.6"), 1);
  p.applyFill(fill(LINEAR, "sell", "0.1", "21000", "-0.21"), 2);
  p.applyFill(fill(INVERSE, "sell", "3000", "20000", "0.00009"), 3);
  p.applyFill(fill(SPOT, "buy", "0.01", "20000", "0.2"), 4);
  p.applyFunding(INVERSE.symbol, 0.0003, 20500, 5);
  p.mark(LINEAR.symbol, 20750.5);
  p.checkLiquidation(LINEAR.symbol, 1000, 30000);

  const saved = JSON.parse(JSON.stringify(p.toJSON()));
  const restored = Portfolio.restore(saved, OPTIONS);
  assert.deepEqual(restored.toJSON(), p.toJSON());
  assert.equal(restored.equity(), p.equity());
  assert.equal(restored.exactEquity().toString(), p.exactEquity().toString());
  assert.equal(restored.liquidationPrice(LINEAR.symbol), p.liquidationPrice(LINEAR.symbol));
  assert.equal(restored.liquidations, 1);

  // Both continue identically, including the round trip that was open at the snapshot.
  const next = fill(LINEAR, "sell", "0.2", "22000", "2.64");
  const a = p.applyFill(next, 6);
  const b = restored.applyFill(next, 6);
  assert.deepEqual(JSON.parse(JSON.stringify(b)), JSON.parse(JSON.stringify(a)));
  assert.deepEqual(restored.toJSON(), p.toJSON());
});

Deno.test("Portfolio.restore rejects another version or reporting currency", () => {
  const data = new Portfolio(OPTIONS).toJSON();
  assert.throws(
    () => Portfolio.restore({ ...data, version: 99 }, OPTIONS),
    /cannot restore snapshot version 99 \(this code reads version 1\)/,
  );
  assert.throws(
    () => Portfolio.restore(data, { ...OPTIONS, reportingCurrency: "BTC" }),
    /snapshot reports in USDT, options in BTC/,
  );
});
