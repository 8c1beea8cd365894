import assert from "node:assert/strict";
import {
  batchToCandles,
  CandleAggregator,
  candleEvents,
  candlesToBatch,
  formatJsonlEvent,
  generateBook,
  generateCandles,
  generateTrades,
  mergeCandleBatches,
  mergeEvents,
  parseJsonlEvent,
  resampleCandles,
  TradeCandleBuilder,
  validateCandles,
} from "../../../lib/data/mod.ts";
import type { Candle } from "../../../lib/domain/mod.ts";

const T0 = Date.UTC(2024, 0, 1) * 1000;
const MIN = 60_000_000;

function bar(minute: number, price: number, symbol = "bybit:BTCUSDT"): Candle {
  return {
    symbol,
    interval: "1m",
    openTime: T0 + minute * MIN,
    open: price,
    high: price + 1,
    low: price - 1,
    close: price + 0.5,
    volume: 1,
  };
}

Deno.test("CandleAggregator emits a 1h bar covering [hh:00, hh+1:00) when its last minute arrives", () => {
  const agg = new CandleAggregator({ interval: "1h" });
  const out = [];
  for (let m = 30; m < 150; m++) out.push(...agg.update(bar(m, 100 + m)));
  // 00:30–00:59 is a partial first bar; 01:00–01:59 is complete; 02:00–02:29 is still open.
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]?.complete, false);
  assert.equal(out[0]?.parts, 30);
  assert.deepEqual(out[1], {
    candle: {
      symbol: "bybit:BTCUSDT",
      interval: "1h",
      openTime: T0 + 60 * MIN,
      open: 160,
      high: 220,
      low: 159,
      close: 219.5,
      volume: 60,
    },
    complete: true,
    parts: 60,
  });
  const rest = agg.flush();
  assert.equal(rest.length, 1);
  assert.equal(rest[0]?.complete, false);
});

Deno.test("CandleAggregator with partial: drop never emits incomplete bars", () => {
  const agg = new CandleAggregator({ interval: "1h", partial: "drop" });
  const out = [];
  for (let m = 30; m < 150; m++) out.push(...agg.update(bar(m, 100)));
  out.push(...agg.flush());
  assert.deepEqual(out.map((o) => o.candle.openTime), [T0 + 60 * MIN]);
});

Deno.test("resampleCandles over batches matches the streaming aggregator", async () => {
  const source = [...generateCandles({ rows: 1000, seed: 5, start: T0 + 17 * MIN })];
  const batched = (await Array.fromAsync(resampleCandles(source, { interval: "15m" })))
    .flatMap(batchToCandles);
  const agg = new CandleAggregator({ interval: "15m" });
  const streamed = source.flatMap(batchToCandles).flatMap((c) =>
    agg.update(c).map((a) => a.candle)
  );
  streamed.push(...agg.flush().map((a) => a.candle));
  assert.deepEqual(batched, streamed);
});

Deno.test("TradeCandleBuilder builds OHLCV and counts trades per bar", () => {
  const builder = new TradeCandleBuilder({ interval: "1m" });
  const t = (price: number, quantity: number) => ({
    symbol: "x:Y",
    price,
    quantity,
    side: "buy" as const,
  });
  assert.equal(builder.update(t(10, 1), T0 + 1).length, 0);
  builder.update(t(12, 2), T0 + 2);
  builder.update(t(9, 3), T0 + 3);
  const closed = builder.update(t(11, 1), T0 + MIN);
  assert.deepEqual(closed[0]?.candle, {
    symbol: "x:Y",
    interval: "1m",
    openTime: T0,
    open: 10,
    high: 12,
    low: 9,
    close: 9,
    volume: 6,
  });
  assert.equal(closed[0]?.parts, 3);
});

Deno.test("candle events are stamped at the bar close", async () => {
  const events = await Array.fromAsync(candleEvents([candlesToBatch([bar(0, 1)])]));
  assert.equal(events[0]?.ts, T0 + MIN);
  assert.equal(events[0]?.tsRecv, T0 + MIN);
});

Deno.test("mergeEvents orders by time and keeps source order on ties", async () => {
  const a = candleEvents([candlesToBatch([bar(0, 1, "a:A"), bar(2, 1, "a:A")])]);
  const b = candleEvents([candlesToBatch([bar(0, 2, "b:B"), bar(1, 2, "b:B")])]);
  const merged = await Array.fromAsync(mergeEvents([a, b]));
  assert.deepEqual(merged.map((e) => `${e.candle.symbol}@${(e.ts - T0) / MIN}`), [
    "a:A@1",
    "b:B@1",
    "b:B@2",
    "a:A@3",
  ]);
});

Deno.test("mergeCandleBatches gives the same order as mergeEvents", async () => {
  const sources = [1, 2, 3].map((seed) => [
    ...generateCandles({
      rows: 300,
      seed,
      symbol: `s:S${seed}`,
      batchSize: 70,
      start: T0 + seed * MIN,
    }),
  ]);
  const fromEvents = (await Array.fromAsync(mergeEvents(sources.map((s) => candleEvents(s)))))
    .map((e) => `${e.candle.symbol}@${e.candle.openTime}`);
  const fromBatches: string[] = [];
  for await (const m of mergeCandleBatches(sources, { batchSize: 64 })) {
    for (let i = 0; i < m.length; i++) {
      fromBatches.push(`${m.series[m.seriesIndex[i] ?? 0]?.symbol}@${m.ts[i]}`);
    }
  }
  assert.deepEqual(fromBatches, fromEvents);
});

Deno.test("mergeCandleBatches of one source passes its rows through, in batches of at most batchSize", async () => {
  const source = [
    ...generateCandles({ rows: 300, seed: 4, symbol: "s:S4", batchSize: 70, start: T0 }),
  ];
  const expected = (await Array.fromAsync(candleEvents(source))).map((e) =>
    [e.candle.openTime, e.ts, e.candle.open, e.candle.high, e.candle.low, e.candle.close]
      .concat(e.candle.volume).join(" ")
  );
  const rows: string[] = [];
  const lengths: number[] = [];
  for await (const m of mergeCandleBatches([source], { batchSize: 64 })) {
    lengths.push(m.length);
    assert.deepEqual(m.series, [{ symbol: "s:S4", interval: "1m" }]);
    for (let i = 0; i < m.length; i++) {
      assert.equal(m.seriesIndex[i], 0);
      rows.push(
        [m.ts[i], m.closeTs[i], m.open[i], m.high[i], m.low[i], m.close[i], m.volume[i]].join(" "),
      );
    }
  }
  assert.deepEqual(rows, expected);
  // Each source batch of 70 rows in runs of at most 64: 64 + 6, four times, then 20.
  assert.deepEqual(lengths, [64, 6, 64, 6, 64, 6, 64, 6, 20]);
});

Deno.test("synthetic data is deterministic for a seed and valid", async () => {
  const one = [...generateCandles({ rows: 5000, seed: 42 })].flatMap(batchToCandles);
  const two = [...generateCandles({ rows: 5000, seed: 42 })].flatMap(batchToCandles);
  const other = [...generateCandles({ rows: 5000, seed: 43 })].flatMap(batchToCandles);
  assert.deepEqual(one, two);
  assert.notDeepEqual(one, other);
  const report = await validateCandles(generateCandles({ rows: 20_000, seed: 42 }));
  assert.equal(report.ok, true, JSON.stringify(report.issues));
  assert.deepEqual([...generateTrades({ count: 50, seed: 9 })], [
    ...generateTrades({ count: 50, seed: 9 }),
  ]);
  const book = [...generateBook({ updates: 200, seed: 9 })];
  assert.deepEqual(book, [...generateBook({ updates: 200, seed: 9 })]);
});

Deno.test("validateCandles reports gaps, duplicates, disorder and OHLC problems with row numbers", async () => {
  const rows = [bar(0, 10), bar(1, 10), bar(1, 10), bar(4, 10), bar(3, 10)];
  rows.push({ ...bar(5, 10), high: 5 });
  rows.push({ ...bar(6, 10), volume: -1 });
  rows.push({ ...bar(7, 10), close: NaN });
  const report = await validateCandles([candlesToBatch(rows)]);
  assert.equal(report.ok, false);
  assert.deepEqual(report.issues.map((i) => [i.kind, i.row]), [
    ["duplicate", 3],
    ["gap", 4],
    ["non-monotonic", 5],
    ["ohlc", 6],
    ["negative-volume", 7],
    ["nan", 8],
  ]);
  assert.equal(report.missingBars, 2);
  assert.equal(report.issues[3]?.message, "high 5 is below low 9");
});

Deno.test("JSONL events round-trip through format and parse", () => {
  const events = [...generateTrades({ count: 3 }), ...generateBook({ updates: 3 })];
  for (const event of events) assert.deepEqual(parseJsonlEvent(formatJsonlEvent(event)), event);
  assert.throws(
    () => parseJsonlEvent('{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1}'),
    /"side" must be "buy" or "sell"/,
  );
});
