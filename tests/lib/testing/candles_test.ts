import assert from "node:assert/strict";
import { candlesFromArrays, candlesFromCsv, DEFAULT_START } from "../../../lib/testing/mod.ts";

Deno.test("candlesFromArrays fills open, high, low and volume so every bar is valid", () => {
  const candles = candlesFromArrays({
    symbol: "bybit:BTCUSDT",
    interval: "5m",
    close: [10, 12, 11],
  });
  assert.deepEqual(
    candles.map((c) => [c.openTime - DEFAULT_START, c.open, c.high, c.low, c.close, c.volume]),
    [[0, 10, 10, 10, 10, 1], [300e6, 10, 12, 10, 12, 1], [600e6, 12, 12, 11, 11, 1]],
  );
  assert.ok(candles.every((c) => c.symbol === "bybit:BTCUSDT" && c.interval === "5m"));
});

Deno.test("candlesFromArrays takes an ISO start and rejects columns of another length or bad bars", () => {
  const [first] = candlesFromArrays({ symbol: "x:Y", start: "2024-03-01T00:00:00Z", close: [1] });
  assert.equal(first?.openTime, Date.UTC(2024, 2, 1) * 1000);
  assert.throws(() => candlesFromArrays({ symbol: "x:Y", close: [1, 2], high: [3] }), {
    name: "RangeError",
    message: "candlesFromArrays: high has 1 values, close has 2",
  });
  assert.throws(() => candlesFromArrays({ symbol: "x:Y", close: [5], high: [4] }), {
    name: "RangeError",
    message: /^candlesFromArrays: bar 0: /,
  });
});

Deno.test("candlesFromCsv reads ISO and epoch times with or without a header and volume", () => {
  const withHeader = candlesFromCsv(
    "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,7\n\n# note\n2024-01-01T00:01:00Z,1.5,1.6,1.4,1.6,3\n",
    { symbol: "bybit:BTCUSDT" },
  );
  assert.deepEqual(withHeader.map((c) => [c.close, c.volume]), [[1.5, 7], [1.6, 3]]);
  const epoch = candlesFromCsv("1704067200000,1,2,0.5,1.5\n1704067260000,1.5,1.6,1.4,1.6", {
    symbol: "bybit:BTCUSDT",
  });
  assert.deepEqual(epoch.map((c) => c.openTime), withHeader.map((c) => c.openTime));
  assert.equal(epoch[0]?.volume, 0);
});

Deno.test("candlesFromCsv names the line of a malformed row", () => {
  const text =
    "time,open,high,low,close\n2024-01-01T00:00:00Z,1,2,0.5,1.5\n2024-01-01T00:01:00Z,1,x,1,1";
  assert.throws(() => candlesFromCsv(text, { symbol: "bybit:BTCUSDT" }), {
    name: "DataError",
    message: /CSV line 3: high "x" is not a number/,
  });
  assert.throws(
    () =>
      candlesFromCsv("2024-01-01T00:01:00Z,1,2,0.5,1\n2024-01-01T00:00:00Z,1,2,0.5,1", {
        symbol: "a:B",
      }),
    { name: "DataError", message: /CSV line 2: time is not after the previous row's/ },
  );
  assert.throws(() => candlesFromCsv("2024-01-01T00:00:00Z,1,2", { symbol: "a:B" }), {
    name: "DataError",
    message: /CSV line 1: expected time,open,high,low,close/,
  });
});
