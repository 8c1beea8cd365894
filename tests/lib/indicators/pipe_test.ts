import assert from "node:assert/strict";
import { Ema, Macd, map, pipe, Rsi, Sma } from "../../../lib/indicators/mod.ts";
import type { Bar, Indicator } from "../../../lib/indicators/mod.ts";
import { loadSampleBars } from "./_fixtures.ts";

const { close } = await loadSampleBars();

Deno.test("pipe(Ema, Rsi) equals RSI computed over the EMA outputs", () => {
  const piped = pipe(new Ema({ period: 10 }), new Rsi({ period: 14 }));
  const ema = new Ema({ period: 10 });
  const rsi = new Rsi({ period: 14 });
  for (const price of close) {
    const e = ema.update(price);
    const expected = e === undefined ? undefined : rsi.update(e);
    assert.equal(piped.update(price), expected);
    assert.equal(piped.value, rsi.value);
    assert.equal(piped.isReady, rsi.isReady);
  }
  assert.equal(piped.isReady, true);
});

Deno.test("pipe warms up for the sum of its stages' warm-ups", () => {
  const piped = pipe(new Ema({ period: 10 }), new Rsi({ period: 14 }));
  const outputs = Array.from(close, (x) => piped.update(x));
  assert.equal(outputs.findIndex((v) => v !== undefined), 9 + 14);
});

Deno.test("pipe with map adapters is typed end to end", () => {
  const histogramTrend: Indicator<Bar, number> = pipe(
    map((bar: Bar) => bar.close),
    new Macd({ fastPeriod: 5, slowPeriod: 13, signalPeriod: 4 }),
    map((m) => m.histogram),
    new Sma({ period: 3 }),
  );
  const macd = new Macd({ fastPeriod: 5, slowPeriod: 13, signalPeriod: 4 });
  const sma = new Sma({ period: 3 });
  for (const price of close) {
    const m = macd.update(price);
    const expected = m === undefined ? undefined : sma.update(m.histogram);
    assert.equal(histogramTrend.update({ high: price, low: price, close: price }), expected);
  }
});

Deno.test("pipe.reset resets every stage", () => {
  const piped = pipe(new Ema({ period: 5 }), new Sma({ period: 3 }));
  const first = Array.from(close, (x) => piped.update(x));
  piped.reset();
  assert.equal(piped.isReady, false);
  assert.equal(piped.value, undefined);
  assert.deepEqual(Array.from(close, (x) => piped.update(x)), first);
});

Deno.test("map is ready after its first input and forgets it on reset", () => {
  const double = map((x: number) => 2 * x);
  assert.equal(double.isReady, false);
  assert.equal(double.update(4), 8);
  assert.equal(double.value, 8);
  assert.equal(double.isReady, true);
  double.reset();
  assert.equal(double.value, undefined);
});
