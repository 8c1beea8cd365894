import assert from "node:assert/strict";
import { gueantCoefficients } from "../../../lib/strategies/mod.ts";
import { runOnSample } from "../backtest/tick/_strategy_run.ts";

Deno.test("gueantCoefficients matches the closed form and its ξ → 0 limit", () => {
  const inputs = { gamma: 0.05, xi: 0.05, sigma: 2, a: 1.5, k: 0.8, delta: 1 };
  const { halfSpread, skew } = gueantCoefficients(inputs);
  const c1 = Math.log(1 + 0.05 / 0.8) / 0.05;
  const c2 = Math.sqrt((0.05 / (2 * 1.5 * 0.8)) * Math.pow(1 + 0.05 / 0.8, 0.8 / 0.05 + 1));
  assert.ok(Math.abs(halfSpread - (c1 + 0.5 * 2 * c2)) < 1e-12);
  assert.ok(Math.abs(skew - 2 * c2) < 1e-12);
  const limit = gueantCoefficients({ ...inputs, xi: 0 });
  assert.ok(Math.abs(limit.skew - 2 * Math.sqrt((0.05 * Math.E) / (2 * 1.5 * 0.8))) < 1e-12);
  assert.ok(Math.abs(limit.halfSpread - (1 / 0.8 + limit.skew / 2)) < 1e-12);
});

Deno.test("GueantMarketMaker on real XBTUSD: maker fills, skew against inventory, shared calibration", async () => {
  const { report, diagnostics, strategy } = await runOnSample("GueantMarketMaker", {});
  assert.ok(report.fills > 5, `fills: ${report.fills}`);
  assert.equal(diagnostics.volume.taker, 0);
  const model = strategy.model as Record<string, number>;
  assert.ok(model.halfSpread > 0 && model.skew > 0);
  const inventory = diagnostics.inventory as Record<string, number>;
  assert.ok(inventory.maxAbs <= 500);
  const as = await runOnSample("AvellanedaStoikov", {});
  // Both market makers read the same data through the same calibration.
  assert.deepEqual(
    (strategy.calibration as Record<string, unknown>).kappaPerPrice,
    (as.strategy.calibration as Record<string, unknown>).kappaPerPrice,
  );
});
