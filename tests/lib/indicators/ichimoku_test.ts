import assert from "node:assert/strict";
import { Ichimoku } from "../../../lib/indicators/mod.ts";
import { loadSampleBars } from "./_fixtures.ts";

const { high, low, close } = await loadSampleBars();

function midpoint(end: number, period: number): number {
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = end - period + 1; i <= end; i++) {
    hi = Math.max(hi, high[i]);
    lo = Math.min(lo, low[i]);
  }
  return (hi + lo) / 2;
}

Deno.test("Ichimoku senkou spans at bar t are the spans computed at bar t − 26", () => {
  const ichimoku = new Ichimoku();
  for (let t = 0; t < close.length; t++) {
    const out = ichimoku.update({ high: high[t], low: low[t], close: close[t] });
    if (t < 77) {
      assert.equal(out, undefined, `bar ${t}`);
      continue;
    }
    assert.ok(out !== undefined);
    const past = t - 26;
    assert.equal(out.tenkan, midpoint(t, 9));
    assert.equal(out.kijun, midpoint(t, 26));
    assert.equal(out.futureSenkouA, (midpoint(t, 9) + midpoint(t, 26)) / 2);
    assert.equal(out.futureSenkouB, midpoint(t, 52));
    assert.equal(out.senkouA, (midpoint(past, 9) + midpoint(past, 26)) / 2);
    assert.equal(out.senkouB, midpoint(past, 52));
    assert.equal(out.chikou, close[t]);
  }
});

Deno.test("Ichimoku displacement 25 reproduces charts that shift by displacement − 1", () => {
  const ichimoku = new Ichimoku({ displacement: 25 });
  let t = 0;
  for (; t < 100; t++) ichimoku.update({ high: high[t], low: low[t], close: close[t] });
  const out = ichimoku.value;
  assert.ok(out !== undefined);
  assert.equal(out.senkouB, midpoint(t - 1 - 25, 52));
});

Deno.test("Ichimoku warm-up follows the longest window plus the displacement", () => {
  const ichimoku = new Ichimoku({
    tenkanPeriod: 3,
    kijunPeriod: 5,
    senkouBPeriod: 8,
    displacement: 4,
  });
  const ready = Array.from(
    close,
    (c, i) => ichimoku.update({ high: high[i], low: low[i], close: c }),
  );
  assert.equal(ready.findIndex((v) => v !== undefined), 8 - 1 + 4);
});
