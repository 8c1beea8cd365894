import assert from "node:assert/strict";
import { Donchian, RollingMax, RollingMin } from "../../../lib/indicators/mod.ts";
import { mulberry32 } from "./_fixtures.ts";

function bruteForce(values: number[], end: number, period: number, pick: "max" | "min"): number {
  const window = values.slice(end - period + 1, end + 1);
  return pick === "max" ? Math.max(...window) : Math.min(...window);
}

Deno.test("RollingMax and RollingMin equal a brute-force window scan (ties, runs, random)", () => {
  const random = mulberry32(7);
  const series = [
    Array.from({ length: 500 }, () => Math.round(random() * 20)), // many ties
    Array.from({ length: 200 }, (_, i) => i), // increasing: max deque holds one value
    Array.from({ length: 200 }, (_, i) => -i), // decreasing: max deque fills up
  ];
  for (const values of series) {
    for (const period of [1, 2, 5, 17]) {
      const max = new RollingMax({ period });
      const min = new RollingMin({ period });
      values.forEach((x, i) => {
        const hi = max.update(x);
        const lo = min.update(x);
        if (i < period - 1) return;
        assert.equal(hi, bruteForce(values, i, period, "max"));
        assert.equal(lo, bruteForce(values, i, period, "min"));
      });
    }
  }
});

Deno.test("Donchian bands are the window's highest high and lowest low, middle between", () => {
  const random = mulberry32(11);
  const highs: number[] = [];
  const lows: number[] = [];
  const donchian = new Donchian({ period: 10 });
  let previous: unknown;
  for (let i = 0; i < 300; i++) {
    const low = 100 + random() * 10;
    const high = low + random() * 3;
    highs.push(high);
    lows.push(low);
    const out = donchian.update({ high, low, close: (high + low) / 2 });
    if (i < 9) {
      assert.equal(out, undefined);
      continue;
    }
    assert.ok(out !== undefined);
    if (previous !== undefined) assert.equal(out, previous, "one reused result object");
    previous = out;
    const upper = bruteForce(highs, i, 10, "max");
    const lower = bruteForce(lows, i, 10, "min");
    assert.deepEqual({ ...out }, { upper, lower, middle: (upper + lower) / 2 });
  }
});
