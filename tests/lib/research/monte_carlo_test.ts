import assert from "node:assert/strict";
import { monteCarlo, percentile } from "../../../lib/research/monte_carlo.ts";

const PNLS = [120, -80, 45, -200, 300, -60, 90, -40, 15, 70];

Deno.test("percentile interpolates linearly between order statistics (type 7)", () => {
  assert.equal(percentile([1, 2, 3, 4], 0), 1);
  assert.equal(percentile([1, 2, 3, 4], 100), 4);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10, 20, 30, 40, 50], 25), 20);
  assert.ok(Math.abs(percentile([0, 10], 95) - 9.5) < 1e-12);
  assert.ok(Number.isNaN(percentile([], 50)));
});

Deno.test("monteCarlo is reproducible with its seed and differs with another", () => {
  const options = { pnls: PNLS, initialEquity: 1000, simulations: 300, seed: 5 } as const;
  for (const method of ["shuffle", "bootstrap"] as const) {
    const a = monteCarlo({ ...options, method });
    assert.deepEqual(monteCarlo({ ...options, method }), a);
    assert.notDeepEqual(monteCarlo({ ...options, method, seed: 6 }).maxDrawdown, a.maxDrawdown);
  }
});

Deno.test("shuffle keeps the total return and finds drawdowns around the original's", () => {
  const mc = monteCarlo({
    pnls: PNLS,
    initialEquity: 1000,
    method: "shuffle",
    simulations: 2000,
    seed: 1,
  });
  // Σ pnl = 260: every order ends at 1260.
  assert.ok(Math.abs(mc.original.totalReturn - 0.26) < 1e-12);
  assert.ok(
    Math.abs(mc.totalReturn.low - 0.26) < 1e-9 && Math.abs(mc.totalReturn.high - 0.26) < 1e-9,
  );
  // Original path: 1000 1120 1040 1085 885 1185 …: max drawdown (1120 − 885) / 1120.
  assert.ok(Math.abs(mc.original.maxDrawdown - 235 / 1120) < 1e-12);
  // No path falls less than the biggest loss from the highest possible peak (200 / 1640) or
  // more than every loss from the lowest one (380 / 1000); the interval is ordered.
  const dd = mc.maxDrawdown;
  assert.ok(dd.low >= 200 / 1640 - 1e-12 && dd.high <= 0.38 + 1e-12, JSON.stringify(dd));
  assert.ok(dd.low <= dd.p25 && dd.p25 <= dd.p50 && dd.p50 <= dd.p75 && dd.p75 <= dd.high);
  // Bands start at the initial equity and end at the fixed final equity.
  assert.deepEqual(mc.bands.map((band) => band[0]), [1000, 1000, 1000]);
  for (const band of mc.bands) assert.ok(Math.abs(band[PNLS.length] - 1260) < 1e-9);
});

Deno.test("bootstrap spreads the return around n × mean PnL", () => {
  const mc = monteCarlo({
    pnls: PNLS,
    initialEquity: 1000,
    method: "bootstrap",
    simulations: 4000,
    seed: 2,
  });
  // Mean final return = Σ pnl / initial = 0.26; its standard error over 4000 paths is ~0.002.
  assert.ok(Math.abs(mc.totalReturn.mean - 0.26) < 0.01, String(mc.totalReturn.mean));
  assert.ok(mc.totalReturn.low < 0 && mc.totalReturn.high > 0.5);
  assert.ok(mc.bands[0][PNLS.length] < mc.bands[1][PNLS.length]);
  assert.ok(mc.bands[1][PNLS.length] < mc.bands[2][PNLS.length]);
});

Deno.test("compound applies the trades as returns on the equity before them", () => {
  const mc = monteCarlo({
    pnls: [100, -110],
    initialEquity: 1000,
    method: "shuffle",
    simulations: 50,
    seed: 3,
    compound: true,
  });
  // r = [0.1, −0.1]: (1.1)(0.9) in either order = 0.99.
  assert.ok(Math.abs(mc.original.totalReturn - -0.01) < 1e-12);
  assert.ok(Math.abs(mc.totalReturn.p5 - -0.01) < 1e-12);
  assert.ok(Math.abs(mc.totalReturn.p95 - -0.01) < 1e-12);
});

Deno.test("monteCarlo refuses empty and invalid inputs", () => {
  const base = {
    pnls: PNLS,
    initialEquity: 1000,
    method: "shuffle",
    simulations: 10,
    seed: 1,
  } as const;
  assert.throws(() => monteCarlo({ ...base, pnls: [] }), /at least one trade/);
  assert.throws(() => monteCarlo({ ...base, initialEquity: 0 }), /initialEquity must be positive/);
  assert.throws(() => monteCarlo({ ...base, simulations: 0 }), /simulations must be a positive/);
  assert.throws(() => monteCarlo({ ...base, confidence: 1 }), /confidence must be in/);
});
