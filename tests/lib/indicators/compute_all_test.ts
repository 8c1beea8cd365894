import assert from "node:assert/strict";
import {
  Atr,
  computeAll,
  computeAllBars,
  computeAllPairs,
  Correlation,
  Obv,
  Sma,
} from "../../../lib/indicators/mod.ts";
import { loadSampleBars } from "./_fixtures.ts";

const bars = await loadSampleBars();

Deno.test("computeAll returns NaN during warm-up then the streaming values", () => {
  const out = computeAll(new Sma({ period: 20 }), bars.close);
  const sma = new Sma({ period: 20 });
  assert.equal(out.length, bars.close.length);
  bars.close.forEach((x, i) => {
    const v = sma.update(x);
    if (v === undefined) assert.ok(Number.isNaN(out[i]));
    else assert.equal(out[i], v);
  });
});

Deno.test("computeAllBars feeds bars built from the columns", () => {
  const out = computeAllBars(new Atr({ period: 14 }), bars);
  const atr = new Atr({ period: 14 });
  bars.close.forEach((close, i) => {
    const v = atr.update({ high: bars.high[i], low: bars.low[i], close });
    assert.equal(out[i], v ?? NaN);
  });
});

Deno.test("computeAllBars without a volume column makes a volume indicator throw", () => {
  const { high, low, close } = bars;
  assert.throws(() => computeAllBars(new Obv(), { high, low, close }), {
    name: "RangeError",
    message: "Obv: bar.volume must be a finite number, got NaN",
  });
  assert.equal(computeAllBars(new Obv(), bars).length, close.length);
});

Deno.test("computeAllBars rejects columns of different lengths", () => {
  assert.throws(
    () => computeAllBars(new Atr({ period: 3 }), { ...bars, low: bars.low.subarray(1) }),
    RangeError,
  );
});

Deno.test("computeAllPairs feeds (x, y) pairs", () => {
  const out = computeAllPairs(new Correlation({ period: 30 }), bars.close, bars.volume);
  assert.ok(Number.isNaN(out[28]));
  assert.ok(out[29] >= -1 && out[29] <= 1);
});
