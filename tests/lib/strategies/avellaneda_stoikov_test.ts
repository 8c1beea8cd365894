import assert from "node:assert/strict";
import { avellanedaStoikovQuote } from "../../../lib/strategies/mod.ts";
import { runOnSample } from "../backtest/tick/_strategy_run.ts";

Deno.test("avellanedaStoikovQuote: long inventory lowers the reservation price; spread per the paper", () => {
  const flat = avellanedaStoikovQuote({ mid: 100, q: 0, gamma: 0.1, sigma: 1, kappa: 2, tau: 10 });
  const long = avellanedaStoikovQuote({ mid: 100, q: 2, gamma: 0.1, sigma: 1, kappa: 2, tau: 10 });
  const short = avellanedaStoikovQuote({
    mid: 100,
    q: -2,
    gamma: 0.1,
    sigma: 1,
    kappa: 2,
    tau: 10,
  });
  assert.equal(flat.reservation, 100);
  assert.equal(long.reservation, 98); // 100 − 2·0.1·1·10
  assert.equal(short.reservation, 102);
  assert.ok(Math.abs(flat.spread - (1 + 20 * Math.log(1.05))) < 1e-12);
  // The spread narrows as the horizon runs out.
  const late = avellanedaStoikovQuote({ mid: 100, q: 0, gamma: 0.1, sigma: 1, kappa: 2, tau: 1 });
  assert.ok(late.spread < flat.spread);
});

Deno.test("AvellanedaStoikov on real XBTUSD: calibrates, quotes both sides passively, respects the inventory limit", async () => {
  const { report, diagnostics, strategy } = await runOnSample("AvellanedaStoikov", {
    max_inventory: 200,
  });
  const calibration = strategy.calibration as Record<string, number | boolean>;
  assert.equal(calibration.ready, true);
  assert.ok((calibration.kappaPerPrice as number) > 0);
  assert.ok((calibration.aPerSecond as number) > 0);
  assert.ok((calibration.sigmaPricePerSqrtSecond as number) > 0);
  assert.ok(report.fills > 5, `fills: ${report.fills}`);
  // Post-only quotes: every fill is maker, so the BitMEX rebate makes the fee total negative.
  assert.equal(diagnostics.volume.taker, 0);
  assert.ok(report.fees.startsWith("-"));
  const inventory = diagnostics.inventory as Record<string, number>;
  assert.ok(inventory.maxAbs <= 200, `max |inventory| ${inventory.maxAbs}`);
  const quoting = strategy.quoting as Record<string, number>;
  assert.ok(quoting.amended > 0 && quoting.placed > 0);
  assert.ok(
    (diagnostics.adverseSelection as Record<string, Record<string, number>>)["1s"].samples > 0,
  );
});

Deno.test("AvellanedaStoikov finite horizon narrows its spread within each session", async () => {
  const { strategy } = await runOnSample("AvellanedaStoikov", {
    infinite_horizon: false,
    horizon_secs: 30,
  });
  const model = strategy.model as Record<string, number>;
  assert.ok(model.tauSeconds > 0 && model.tauSeconds <= 30);
});
