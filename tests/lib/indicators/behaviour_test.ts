import assert from "node:assert/strict";
import {
  BollingerBands,
  LinearRegression,
  Macd,
  Rsi,
  Stochastic,
  Vwap,
  ZScore,
} from "../../../lib/indicators/mod.ts";
import { loadSampleBars } from "./_fixtures.ts";

const bars = await loadSampleBars();
const DAY_US = 86_400_000_000;

Deno.test("BollingerBands bandwidth and percentB follow from the bands", () => {
  const bb = new BollingerBands({ period: 20, multiplier: 2 });
  let previous: unknown;
  for (const price of bars.close) {
    const out = bb.update(price);
    if (out === undefined) continue;
    if (previous !== undefined) assert.equal(out, previous, "one reused result object");
    previous = out;
    const width = out.upper - out.lower;
    assert.equal(out.bandwidth, width / out.middle);
    assert.equal(out.percentB, (price - out.lower) / width);
  }
});

Deno.test("BollingerBands on a flat window collapse to the price with percentB 0.5", () => {
  const bb = new BollingerBands({ period: 3 });
  [5, 5, 5].forEach((x) => bb.update(x));
  assert.deepEqual({ ...bb.value }, {
    upper: 5,
    middle: 5,
    lower: 5,
    bandwidth: 0,
    percentB: 0.5,
  });
});

Deno.test("ZScore equals (2·percentB − 1)·multiplier of the same window", () => {
  const z = new ZScore({ period: 20 });
  const bb = new BollingerBands({ period: 20, multiplier: 2 });
  for (const price of bars.close) {
    const score = z.update(price);
    const bands = bb.update(price);
    if (score === undefined || bands === undefined) continue;
    assert.ok(Math.abs(score - (2 * bands.percentB - 1) * 2) < 1e-9);
  }
  const flat = new ZScore({ period: 2 });
  flat.update(3);
  assert.equal(flat.update(3), 0);
});

Deno.test("Rsi of a flat series is 0, as in TA-Lib", () => {
  const rsi = new Rsi({ period: 3 });
  const out = [7, 7, 7, 7, 7].map((x) => rsi.update(x));
  assert.deepEqual(out, [undefined, undefined, undefined, 0, 0]);
});

Deno.test("Macd returns one reused object, overwritten by the next update", () => {
  const macd = new Macd();
  let first: unknown;
  for (const price of bars.close) {
    const out = macd.update(price);
    if (out === undefined) continue;
    first ??= out;
    assert.equal(out, first);
    assert.equal(out.histogram, out.macd - out.signal);
  }
});

Deno.test("Stochastic raw %K is 0 when the range is empty, as in TA-Lib", () => {
  const stoch = new Stochastic({ period: 2, kSmoothing: 1, dPeriod: 1 });
  stoch.update({ high: 5, low: 5, close: 5 });
  assert.deepEqual({ ...stoch.update({ high: 5, low: 5, close: 5 }) }, { k: 0, d: 0 });
});

Deno.test("LinearRegression recovers the hedge ratio and intercept of y = 3 + 1.5·x", () => {
  const fit = new LinearRegression({ period: 50 });
  bars.close.forEach((x) => fit.update(x, 3 + 1.5 * x));
  const out = fit.value;
  assert.ok(out !== undefined);
  assert.ok(Math.abs(out.slope - 1.5) < 1e-12);
  assert.ok(Math.abs(out.intercept - 3) < 1e-6);
  const flat = new LinearRegression({ period: 2 });
  flat.update(1, 4);
  assert.deepEqual({ ...flat.update(1, 6) }, { slope: 0, intercept: 5 });
});

Deno.test("Vwap in session mode restarts at each UTC day", () => {
  const vwap = new Vwap({ mode: "session" });
  const day = 19_723 * DAY_US;
  assert.equal(vwap.update({ high: 11, low: 9, close: 10, volume: 1, time: day }), 10);
  assert.equal(
    vwap.update({ high: 21, low: 19, close: 20, volume: 3, time: day + DAY_US - 1 }),
    17.5,
  );
  assert.equal(vwap.update({ high: 31, low: 29, close: 30, volume: 2, time: day + DAY_US }), 30);
});

Deno.test("Vwap session offset moves the session boundary", () => {
  const hour = 3_600_000_000;
  const vwap = new Vwap({ mode: "session", sessionOffset: 8 * hour });
  const day = 19_723 * DAY_US;
  vwap.update({ high: 10, low: 10, close: 10, volume: 1, time: day + 7 * hour });
  assert.equal(vwap.update({ high: 20, low: 20, close: 20, volume: 1, time: day + 8 * hour }), 20);
});

Deno.test("Vwap in session mode requires bar.time", () => {
  assert.throws(
    () => new Vwap({ mode: "session" }).update({ high: 1, low: 1, close: 1, volume: 1 }),
    {
      name: "RangeError",
      message: "Vwap: bar.time must be a finite number, got undefined",
    },
  );
});

Deno.test("Vwap is undefined until volume trades, and rolls its window", () => {
  const vwap = new Vwap({ mode: "rolling", period: 2 });
  assert.equal(vwap.update({ high: 10, low: 10, close: 10, volume: 0 }), undefined);
  assert.equal(vwap.isReady, false);
  assert.equal(vwap.update({ high: 20, low: 20, close: 20, volume: 1 }), 20);
  assert.equal(vwap.update({ high: 30, low: 30, close: 30, volume: 1 }), 25);
  assert.equal(vwap.update({ high: 40, low: 40, close: 40, volume: 2 }), (30 + 80) / 3);
});
