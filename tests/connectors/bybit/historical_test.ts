import assert from "node:assert/strict";
import { fromIso } from "../../../lib/domain/mod.ts";
import { BybitHistoricalData } from "../../../connectors/bybit/historical.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { ok, startFakeBybit } from "./_fake_bybit.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

Deno.test("fetchCandles: pages of ≤1000 bars, newest-first answers sorted, duplicates and bars outside the range dropped", async () => {
  const fake = startFakeBybit();
  try {
    const from = fromIso("2024-01-01T00:00:00Z") / 1000;
    const windows: [number, number][] = [];
    fake.route("/v5/market/kline", (request) => {
      const query = new URLSearchParams(request.query);
      assert.equal(query.get("category"), "linear");
      assert.equal(query.get("interval"), "1");
      const start = Number(query.get("start"));
      const end = Number(query.get("end"));
      windows.push([start, end]);
      const rows: string[][] = [];
      for (let t = start - 60_000; t <= end; t += 60_000) {
        const price = String(100 + ((t - from) / 60_000) % 7);
        rows.push([String(t), price, price, price, price, "1.5", "150"]);
      }
      rows.push(rows[rows.length - 1]); // a duplicate
      return ok({ symbol: "BTCUSDT", category: "linear", list: rows.reverse() });
    });
    const clock = { now: () => Date.now(), sleep };
    const rest = new BybitRest({
      baseUrl: fake.url,
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    });
    const pages: number[] = [];
    const times: number[] = [];
    for await (
      const page of new BybitHistoricalData(rest).fetchCandles({
        symbol: "bybit:BTCUSDT",
        interval: "1m",
        from: fromIso("2024-01-01T00:00:00Z"),
        to: fromIso("2024-01-02T00:00:00Z"),
      })
    ) {
      pages.push(page.length);
      times.push(...page.map((c) => c.openTime));
    }
    assert.deepEqual(pages, [1000, 440]);
    assert.equal(times.length, 1440);
    assert.equal(times[0], fromIso("2024-01-01T00:00:00Z"));
    assert.equal(times[1439], fromIso("2024-01-01T23:59:00Z"));
    for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], 60_000_000);
    assert.deepEqual(windows, [[from, from + 60_000_000 - 1], [
      from + 60_000_000,
      from + 86_400_000 - 1,
    ]]);
  } finally {
    await fake.close();
  }
});

Deno.test("fetchCandles: the still-running bar is not returned; an interval Bybit lacks is a ConfigError", async () => {
  const fake = startFakeBybit();
  try {
    const now = Date.now();
    const open = Math.floor(now / 60_000) * 60_000;
    fake.route(
      "/v5/market/kline",
      () =>
        ok({
          list: [[String(open), "1", "1", "1", "1", "1", "1"], [
            String(open - 60_000),
            "1",
            "2",
            "1",
            "2",
            "1",
            "1",
          ]],
        }),
    );
    const clock = { now: () => Date.now(), sleep };
    const rest = new BybitRest({
      baseUrl: fake.url,
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    });
    const data = new BybitHistoricalData(rest);
    const got = [];
    for await (
      const page of data.fetchCandles({
        symbol: "bybit:BTCUSDT",
        interval: "1m",
        from: (open - 60_000) * 1000,
        to: (open + 120_000) * 1000,
      })
    ) got.push(...page);
    assert.deepEqual(got.map((c) => c.openTime), [(open - 60_000) * 1000]);
    const iterator = data.fetchCandles({ symbol: "bybit:BTCUSDT", interval: "8h", from: 0, to: 1 })
      [Symbol.asyncIterator]();
    await assert.rejects(() => iterator.next(), /Bybit has no 8h klines/);
  } finally {
    await fake.close();
  }
});
