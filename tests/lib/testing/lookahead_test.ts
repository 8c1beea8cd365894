import assert from "node:assert/strict";
import type { Candle, JsonValue } from "../../../lib/domain/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import {
  assertNoLookahead,
  assertSnapshotRestore,
  candlesFromArrays,
} from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const CANDLES = candlesFromArrays({
  symbol: SYMBOL,
  close: Array.from({ length: 60 }, (_, i) => 100 + 10 * Math.sin(i / 3)),
});

/** Buys when the close two bars ahead is higher: it reads `future`, which it must not. */
function cheater(future: readonly Candle[]): Strategy {
  let index = 0;
  return {
    name: "Cheater",
    subscriptions: [{ kind: "candles", symbol: SYMBOL, interval: "1m" }],
    onCandle(candle: Candle, ctx: StrategyContext) {
      const ahead = future[index + 2];
      index++;
      if (ahead !== undefined && ahead.close > candle.close) {
        ctx.signal({ symbol: SYMBOL, kind: "enter-long", confidence: 1 });
      } else ctx.signal({ symbol: SYMBOL, kind: "exit-long", confidence: 1 });
    },
    snapshot: () => index,
    restore: (state: JsonValue) => {
      index = state as number;
    },
  };
}

/** Counts bars but forgets the count in its snapshot. */
function forgetful(): Strategy {
  let bars = 0;
  return {
    name: "Forgetful",
    subscriptions: [{ kind: "candles", symbol: SYMBOL, interval: "1m" }],
    onCandle(_candle: Candle, ctx: StrategyContext) {
      if (++bars % 10 === 0) ctx.signal({ symbol: SYMBOL, kind: "flatten", confidence: 1 });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

Deno.test("assertNoLookahead catches a strategy that reads bars after the current one", async () => {
  // The cheater peeks into the data of its run; cut runs hold fewer bars, so the signals
  // just before each cut change.
  await assert.rejects(() => assertNoLookahead(cheater, CANDLES), {
    name: "AssertionError",
    message:
      /^Look-ahead: with the data cut at .* signal #\d+ differs:\n {2}full run: .*\n {2}cut run: /,
  });
});

Deno.test("assertNoLookahead passes an honest strategy and returns the full run's signals", async () => {
  const signals = await assertNoLookahead(forgetful, CANDLES, { cuts: 4, seed: 2 });
  assert.deepEqual(signals.map((s) => s.bar), [9, 19, 29, 39, 49, 59]);
});

Deno.test("assertSnapshotRestore catches state that the snapshot loses", () => {
  assertSnapshotRestore(forgetful, CANDLES, { at: [0, 60] });
  assert.throws(() => assertSnapshotRestore(forgetful, CANDLES, { at: [5] }), {
    name: "AssertionError",
    message: /^Snapshot\/restore before candle 5: signal #0 after the restore differs/,
  });
});
