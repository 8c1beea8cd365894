import assert from "node:assert/strict";
import { runCandleBacktest } from "../../../lib/backtest/mod.ts";
import type { Candle, JsonValue } from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import {
  candlesFromArrays,
  candleSources,
  DEFAULT_START,
  testInstrument,
} from "../../../lib/testing/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const HOUR = 3_600_000_000;

interface Delivery {
  readonly interval: string;
  readonly openTime: number;
  readonly now: number;
  readonly ohlcv: readonly number[];
}

/** Subscribes to 1m and 1h of one symbol and records every delivery with the engine time. */
function twoTimeframes(deliveries: Delivery[]): Strategy {
  return {
    name: "TwoTimeframes",
    subscriptions: [
      { kind: "candles", symbol: SYMBOL, interval: "1m" },
      { kind: "candles", symbol: SYMBOL, interval: "1h" },
    ],
    onCandle(candle: Candle, ctx: StrategyContext) {
      deliveries.push({
        interval: candle.interval,
        openTime: candle.openTime - DEFAULT_START,
        now: ctx.now - DEFAULT_START,
        ohlcv: [candle.open, candle.high, candle.low, candle.close, candle.volume],
      });
      if (candle.interval === "1h") {
        ctx.signal({ symbol: SYMBOL, kind: "enter-long", confidence: 1 });
      }
    },
    snapshot: (): JsonValue => null,
    restore: () => {},
  };
}

Deno.test("a strategy subscribed to 1m and 1h gets 1h bars aggregated from 1m data at each hour's close", async () => {
  // 150 one-minute bars: closes 1..150, so hour 0 is bars 1-60 and hour 1 bars 61-120;
  // the last 30 minutes do not complete an hour and are never delivered as one.
  const close = Array.from({ length: 150 }, (_, i) => i + 1);
  const candles = candlesFromArrays({ symbol: SYMBOL, close, volume: close.map(() => 2) });
  const deliveries: Delivery[] = [];
  const result = await runCandleBacktest({
    strategy: twoTimeframes(deliveries),
    instruments: [testInstrument(SYMBOL)],
    sources: candleSources(candles).map((batch) => [batch]),
    initialBalances: { USDT: 1_000_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(1),
  });
  const minutes = deliveries.filter((d) => d.interval === "1m");
  const hours = deliveries.filter((d) => d.interval === "1h");
  assert.equal(minutes.length, 150);
  assert.ok(minutes.every((d, i) => d.now === d.openTime + 60e6 && d.openTime === i * 60e6));
  assert.deepEqual(hours, [
    // open = first bar's open (1: the first bar opens at its close), high 60, low 1, close 60.
    { interval: "1h", openTime: 0, now: HOUR, ohlcv: [1, 60, 1, 60, 120] },
    { interval: "1h", openTime: HOUR, now: 2 * HOUR, ohlcv: [60, 120, 60, 120, 120] },
  ]);
  // Each hour bar comes right after the last minute bar of that hour.
  const order = deliveries.map((d) => `${d.interval}@${d.now / 60e6}`);
  assert.deepEqual(order.slice(59, 62), ["1m@60", "1h@60", "1m@61"]);
  // The signal at the first hour's close filled at the next minute's open (60).
  assert.equal(result.bundle.fills[0]?.fill.price.toNumber(), 60);
  assert.equal(result.bundle.fills[0]?.ts, DEFAULT_START + HOUR);
});
