import assert from "node:assert/strict";
import type { Candle } from "../../../lib/domain/mod.ts";
import { lookaheadAnalysis, recursiveAnalysis } from "../../../lib/research/mod.ts";
import {
  builtinStrategies,
  type Strategy,
  type StrategyContext,
} from "../../../lib/strategies/mod.ts";
import { candlesFromArrays } from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const CANDLES = candlesFromArrays({
  symbol: SYMBOL,
  close: Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 7) + 3 * Math.sin(i / 2)),
});

const sma = (): Strategy =>
  builtinStrategies.create("SmaCross", { symbol: SYMBOL, fast_period: 3, slow_period: 8 });

/** Long while the close is above the mean of every close since it started: recursive. */
function sinceStart(): Strategy {
  let sum = 0;
  let n = 0;
  return {
    name: "SinceStart",
    subscriptions: [{ kind: "candles", symbol: SYMBOL, interval: "1m" }],
    onCandle(candle: Candle, ctx: StrategyContext) {
      sum += candle.close;
      n++;
      ctx.signal({
        symbol: SYMBOL,
        kind: candle.close > sum / n ? "enter-long" : "exit-long",
        confidence: 1,
      });
    },
    snapshot: () => [sum, n],
    restore: () => {},
  };
}

/** Long when the last close of its data is higher than the current one: look-ahead. */
function peeking(candles: readonly Candle[]): Strategy {
  const last = candles[candles.length - 1].close;
  return {
    name: "Peeking",
    subscriptions: [{ kind: "candles", symbol: SYMBOL, interval: "1m" }],
    onCandle(candle: Candle, ctx: StrategyContext) {
      ctx.signal({
        symbol: SYMBOL,
        kind: last > candle.close ? "enter-long" : "exit-long",
        confidence: 1,
      });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

Deno.test("lookaheadAnalysis passes SmaCross and reports a strategy that reads its future", async () => {
  const honest = await lookaheadAnalysis(sma, CANDLES, { cuts: 4, seed: 2 });
  assert.deepEqual({ ...honest, signals: honest.signals > 10 }, {
    passed: true,
    cuts: 4,
    signals: true,
    message: "",
  });
  const caught = await lookaheadAnalysis(peeking, CANDLES, { cuts: 4, seed: 2 });
  assert.equal(caught.passed, false);
  assert.match(caught.message, /^Look-ahead: with the data cut at .* signal #\d+ differs/);
});

Deno.test("recursiveAnalysis: a windowed indicator converges, a since-start mean does not", () => {
  const windowed = recursiveAnalysis(sma, CANDLES, { starts: [0, 20, 100], warmup: 10 });
  assert.equal(windowed.passed, true);
  assert.deepEqual(windowed.starts.map((s) => s.start), [20, 100]);
  assert.ok(windowed.starts.every((s) => s.compared > 0 && s.agrees));
  const recursive = recursiveAnalysis(sinceStart, CANDLES, { starts: [50], warmup: 30 });
  assert.equal(recursive.passed, false);
  assert.match(
    recursive.starts[0].firstDifference,
    /^signal #\d+ from .*: from bar 0: .*"kind":"(enter|exit)-long".*; from bar 50: /,
  );
  assert.throws(() => recursiveAnalysis(sma, CANDLES, { starts: [290], warmup: 10 }), {
    name: "RangeError",
    message: /start 290 \+ warm-up 10 bars is past the 300 bars/,
  });
});
