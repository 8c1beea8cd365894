import assert from "node:assert/strict";
import { candlesFromArrays } from "../../lib/testing/mod.ts";
import { buildMlDataset, splitByTime } from "../../tools/_ml_dataset.ts";

function walk(n: number, seed: number): number[] {
  let price = 100;
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    price *= 1 + (state / 2147483648 - 0.5) / 100;
    return price;
  });
}

Deno.test("buildMlDataset: a sample's features do not change when later bars change", () => {
  const closes = walk(200, 1);
  const base = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: closes });
  const altered = candlesFromArrays({
    symbol: "bybit:BTCUSDT",
    close: [...closes.slice(0, 150), ...walk(50, 99)],
  });
  const options = { features: "indicators", lookback: 20, horizon: 5, sequence: 3 } as const;
  const a = buildMlDataset(base, options);
  const b = buildMlDataset(altered, options);
  const width = a.features;
  // Sample s is known at bar 60 + 2 + s; bars up to 149 are shared.
  const shared = 149 - 62 + 1;
  assert.deepEqual(a.x.slice(0, shared * width), b.x.slice(0, shared * width));
  assert.notDeepEqual(a.x.slice(shared * width), b.x.slice(shared * width));
  assert.equal(a.features, 9 * 3);
});

Deno.test("buildMlDataset labels each sample with the close `horizon` bars later", () => {
  const closes = [1, 2, 3, 2, 1, 5, 4, 6];
  const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: closes });
  const data = buildMlDataset(candles, {
    features: "returns",
    lookback: 2,
    horizon: 2,
    sequence: 1,
  });
  // Samples at bars 2..5 (bars 0–1 warm up, the last 2 have no label).
  // 3→1 down; 2→5, 1→4, 5→6 up.
  assert.deepEqual(Array.from(data.y), [0, 1, 1, 1]);
  assert.equal(data.times[0], candles[2].openTime + 60_000_000);
  assert.deepEqual(Array.from(data.x.slice(0, 2)), [50, 100]);
});

Deno.test("splitByTime keeps time order and purges the samples whose labels cross a boundary", () => {
  const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: walk(300, 7) });
  const data = buildMlDataset(candles, {
    features: "returns",
    lookback: 3,
    horizon: 10,
    sequence: 1,
  });
  const [train, validation, test] = splitByTime(data, [0.6, 0.2], 10);
  const n = data.y.length;
  assert.equal(train.y.length, Math.floor(n * 0.6) - 10);
  assert.equal(validation.y.length, Math.floor(n * 0.8) - Math.floor(n * 0.6) - 10);
  assert.equal(test.y.length, n - Math.floor(n * 0.8));
  const bar = 60_000_000;
  // The last train label looks 10 bars ahead: it still ends before validation's first sample.
  assert.ok(train.times[train.times.length - 1] + 10 * bar < validation.times[0] + bar);
  assert.ok(validation.times[validation.times.length - 1] < test.times[0]);
});
