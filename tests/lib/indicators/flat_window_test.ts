import assert from "node:assert/strict";
import {
  BollingerBands,
  Correlation,
  LinearRegression,
  StdDev,
  ZScore,
} from "../../../lib/indicators/mod.ts";

// A constant window has variance exactly 0; the double-double sums must not leave a residue that
// a z-score or a regression then divides by.
Deno.test("ZScore, StdDev and Bollinger see a constant window as exactly flat", () => {
  const z = new ZScore({ period: 50 });
  const sd = new StdDev({ period: 50 });
  const bands = new BollingerBands({ period: 50 });
  let last: number | undefined;
  for (let i = 0; i < 60; i++) {
    last = z.update(1 / 3);
    sd.update(1 / 3);
    bands.update(1 / 3);
  }
  assert.equal(last, 0);
  assert.equal(sd.value, 0);
  assert.equal(bands.value?.bandwidth, 0);
  const after = new ZScore({ period: 30 });
  after.update(215.74);
  for (let i = 0; i < 30; i++) last = after.update(211.51);
  assert.equal(last, 0);
});

Deno.test("Correlation and LinearRegression of constant inputs are 0 and slope 0", () => {
  const r = new Correlation({ period: 3 });
  const fit = new LinearRegression({ period: 3 });
  for (let i = 0; i < 3; i++) {
    r.update(42000.123, 2 * 42000.123 + 1);
    fit.update(42000.123, 42000.123);
  }
  assert.equal(r.value, 0);
  assert.equal(fit.value?.slope, 0);
  assert.equal(fit.value?.intercept, 42000.123);
});

Deno.test("a spread of a cent on BTC prices is still a real variance", () => {
  const sd = new StdDev({ period: 2 });
  sd.update(64000.01);
  assert.ok((sd.update(64000.02) ?? 0) > 0.004);
});
