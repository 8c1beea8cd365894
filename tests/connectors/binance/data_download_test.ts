/**
 * `tesser data download --exchange binance_testnet …` (driver binance) against the simulator's
 * `/fapi/v1/klines`, through a 127.0.0.1 proxy that fails one page, so the rerun resumes after
 * the bars it had; the Parquet equals the simulator's klines and validates clean.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { dataCommand } from "../../../cli/data.ts";
import { recordingIo } from "../../../cli/io.ts";
import { batchToCandles, readCandleParquet, validateCandles } from "../../../lib/data/mod.ts";
import { ConfigError, fromIso } from "../../../lib/domain/mod.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { BinanceHistoricalData, klineWeight } from "../../../connectors/binance/historical.ts";
import { WeightLimiter } from "../../../connectors/binance/rate_limit.ts";
import { BinanceRest } from "../../../connectors/binance/rest.ts";
import { sleep } from "./_sim.ts";
import { downloadArgs } from "../../cli/_download_args.ts";

const CONFIG_DIR = new URL("../../../config/", import.meta.url).pathname;
const GLOBAL = { env: undefined, configDir: CONFIG_DIR, verbose: false };
const FROM = Date.UTC(2024, 0, 1);
const BARS = 3600;

async function withKlines(
  body: (url: string, starts: number[], failNext: (n: number) => void) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator({ venue: "binance", market: { kind: "none" } });
  for (let i = 0; i < BARS; i++) {
    const price = 40000 + (i % 11);
    sim.market.klines.candle("BTCUSDT", FROM + i * 60_000, {
      open: price,
      high: price + 1,
      low: price - 1,
      close: price,
      volume: 2,
    });
  }
  const starts: number[] = [];
  let failAt = -1;
  const proxy = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/fapi/v1/klines") {
        starts.push(Number(url.searchParams.get("startTime")));
        if (failAt-- === 0) return new Response("Bad Gateway", { status: 502 });
      }
      const answer = await fetch(`${sim.restUrl}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
      });
      return new Response(await answer.arrayBuffer(), {
        status: answer.status,
        headers: answer.headers,
      });
    },
  );
  try {
    await body(`http://127.0.0.1:${proxy.addr.port}`, starts, (n) => failAt = n);
  } finally {
    await proxy.shutdown();
    await sim.stop();
  }
}

Deno.test("data download (binance): pages /fapi/v1/klines into Parquet; an interrupted download resumes; the file validates clean", async () => {
  await withKlines(async (url, starts, failNext) => {
    const dir = await Deno.makeTempDir();
    try {
      const environment = { TESSER_EXCHANGE__BINANCE_TESTNET__REST_URL: url };
      const args = downloadArgs("binance_testnet", "binance:BTCUSDT", dir);
      failNext(1);
      const first = recordingIo();
      await assert.rejects(
        () => dataCommand(args, first, GLOBAL, environment),
        /binance unavailable: \/fapi\/v1\/klines: HTTP 502/,
      );
      const output = join(dir, "binance_BTCUSDT_1m_2024-01-01_2024-01-03.parquet");
      const staged = (await Deno.readTextFile(`${output}.partial`)).trim().split("\n");
      assert.equal(staged.length, 1500);

      const second = recordingIo();
      assert.equal(await dataCommand(args, second, GLOBAL, environment), 0);
      // The rerun asked for the bar right after the 1500 it had.
      assert.equal(starts[2], FROM + 1500 * 60_000);
      assert.deepEqual(JSON.parse(second.out[0]), {
        event: "resume",
        bars: 1500,
        from: "2024-01-02T01:00:00Z",
      });
      const done = JSON.parse(second.out.at(-1) ?? "{}");
      assert.deepEqual(done, { event: "done", output, rows: BARS });
      const batches = [];
      for await (const batch of readCandleParquet(output)) batches.push(batch);
      const candles = batches.flatMap(batchToCandles);
      assert.equal(candles.length, BARS);
      assert.equal(candles[0].openTime, fromIso("2024-01-01T00:00:00Z"));
      assert.deepEqual(
        [candles[7].open, candles[7].high, candles[7].low, candles[7].close, candles[7].volume],
        [40007, 40008, 40006, 40007, 2],
      );
      const report = await validateCandles(batches);
      assert.equal(report.ok, true);
      assert.equal(report.missingBars, 0);
      await assert.rejects(() => Deno.stat(`${output}.partial`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("BinanceHistoricalData: pages forward by startTime with the weight of each page's limit", async () => {
  await withKlines(async (url, starts) => {
    const rest = new BinanceRest({
      baseUrl: url,
      limiter: new WeightLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
      now: () => Date.now(),
      sleep,
    });
    const history = new BinanceHistoricalData(rest, 1000);
    const pages: number[] = [];
    for await (
      const page of history.fetchCandles({
        symbol: "binance:BTCUSDT",
        interval: "5m",
        from: FROM * 1000,
        to: (FROM + BARS * 60_000) * 1000,
      })
    ) pages.push(page.length);
    // 3600 one-minute bars are 720 five-minute bars: one page of at most 1000.
    assert.deepEqual(pages, [720]);
    assert.deepEqual(starts, [FROM]);
    assert.deepEqual([klineWeight(99), klineWeight(499), klineWeight(1000), klineWeight(1500)], [
      1,
      2,
      5,
      10,
    ]);
    assert.throws(
      () => new BinanceHistoricalData(rest, 2000),
      /kline page size must be 1..1500, got 2000/,
    );
  });
});

Deno.test("data download (binance): a bybit symbol on a binance profile is refused clearly", async () => {
  await assert.rejects(
    () =>
      dataCommand(
        [
          "download",
          "--exchange",
          "binance_testnet",
          "--symbol",
          "bybit:BTCUSDT",
          "--from",
          "2024-01-01",
          "--to",
          "2024-01-02",
          "--output",
          "/tmp/x",
        ],
        recordingIo(),
        GLOBAL,
        { TESSER_EXCHANGE__BINANCE_TESTNET__REST_URL: "http://127.0.0.1:9" },
      ),
    (error: unknown) =>
      (error instanceof RangeError || error instanceof ConfigError) &&
      /not a Binance symbol \(expected binance:CODE\)/.test(error.message),
  );
});
