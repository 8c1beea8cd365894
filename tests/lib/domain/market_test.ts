import assert from "node:assert/strict";
import { type Candle, candleProblem } from "../../../lib/domain/market.ts";

const GOOD: Candle = {
  symbol: "bybit:BTCUSDT",
  interval: "1m",
  openTime: 0,
  open: 100,
  high: 110,
  low: 90,
  close: 105,
  volume: 12.5,
};

function problem(change: Partial<Candle>): string | undefined {
  return candleProblem({ ...GOOD, ...change });
}

Deno.test("candleProblem accepts a good candle", () => {
  assert.equal(candleProblem(GOOD), undefined);
  // Flat bars and zero volume are fine.
  assert.equal(problem({ open: 100, high: 100, low: 100, close: 100, volume: 0 }), undefined);
});

Deno.test("candleProblem rejects prices that are not finite", () => {
  assert.equal(problem({ open: Number.NaN }), "open is not a finite number (NaN)");
  assert.equal(problem({ high: Infinity }), "high is not a finite number (Infinity)");
  assert.equal(problem({ low: -Infinity }), "low is not a finite number (-Infinity)");
  assert.equal(problem({ close: Number.NaN }), "close is not a finite number (NaN)");
});

Deno.test("candleProblem rejects prices that are zero or negative", () => {
  assert.equal(problem({ open: 0 }), "open must be positive, got 0");
  assert.equal(problem({ low: -1 }), "low must be positive, got -1");
  assert.equal(problem({ close: 0 }), "close must be positive, got 0");
});

Deno.test("candleProblem rejects a volume that is not finite or negative", () => {
  assert.equal(problem({ volume: Number.NaN }), "volume is not a finite number (NaN)");
  assert.equal(problem({ volume: -0.5 }), "volume must not be negative, got -0.5");
});

Deno.test("candleProblem rejects a high below the low", () => {
  assert.equal(
    problem({ open: 95, high: 90, low: 100, close: 95 }),
    "high 90 is below low 100",
  );
});

Deno.test("candleProblem rejects an open or close outside [low, high]", () => {
  assert.equal(problem({ open: 111 }), "open 111 is outside [low 90, high 110]");
  assert.equal(problem({ open: 89 }), "open 89 is outside [low 90, high 110]");
  assert.equal(problem({ close: 110.5 }), "close 110.5 is outside [low 90, high 110]");
  assert.equal(problem({ close: 80 }), "close 80 is outside [low 90, high 110]");
});

Deno.test("candleProblem reports the first problem only", () => {
  assert.equal(problem({ open: Number.NaN, volume: -1 }), "open is not a finite number (NaN)");
});
