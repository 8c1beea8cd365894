/**
 * `tesser data download` against connectors/simulator (the real Bybit v5 kline endpoint on
 * 127.0.0.1): an interruption by the venue mid-download and by Ctrl-C, each resumed from where
 * it stopped; the Parquet holds exactly the simulator's bars and validates clean.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { dataCommand } from "../../cli/data.ts";
import type { CommandIo } from "../../cli/io.ts";
import { type Simulator, startSimulator } from "../../connectors/simulator/simulator.ts";
import { batchToCandles, readCandleParquet, validateCandles } from "../../lib/data/mod.ts";
import { fromIso } from "../../lib/domain/mod.ts";
import { listDir, withTemp } from "./_cli_run.ts";
import { downloadArgs } from "./_download_args.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const GLOBAL = { env: undefined, configDir: CONFIG_DIR, verbose: false };
const FROM_MS = fromIso("2024-01-01T00:00:00Z") / 1000;
const BARS = 3600; // 2024-01-01 00:00 … 2024-01-03 12:00, four pages of 1000

// The bar the simulator serves at minute `i` (prices on its 0.1 tick, volume on its 0.001 lot).
function bar(i: number) {
  const base = 42_000 + 10 * Math.sin(i / 30);
  const open = Math.round(base * 10) / 10;
  const close = Math.round((base + ((i % 7) - 3) * 0.7) * 10) / 10;
  return {
    open,
    high: Math.round((Math.max(open, close) + 1.5) * 10) / 10,
    low: Math.round((Math.min(open, close) - 1.5) * 10) / 10,
    close,
    volume: Math.round((1 + (i % 13) * 0.25) * 1000) / 1000,
  };
}

async function withKlines(body: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ venue: "bybit", market: { kind: "none" } });
  try {
    for (let i = 0; i < BARS; i++) {
      sim.market.klines.candle("BTCUSDT", FROM_MS + i * 60_000, bar(i));
    }
    await body(sim);
  } finally {
    await sim.stop();
  }
}

function args(dir: string): string[] {
  return downloadArgs("bybit_testnet", "bybit:BTCUSDT", dir);
}

/** An io that records lines and calls `onLine` with each stdout line. */
function tapIo(onLine: (line: string) => void): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    isTty: false,
    stdout: (line) => {
      out.push(line);
      onLine(line);
    },
    stderr: (line) => err.push(line),
  };
}

async function assertSimulatorBars(output: string): Promise<void> {
  const batches = [];
  for await (const batch of readCandleParquet(output)) batches.push(batch);
  const candles = batches.flatMap(batchToCandles);
  assert.equal(candles.length, BARS);
  for (const [i, candle] of candles.entries()) {
    const want = bar(i);
    assert.equal(candle.openTime, (FROM_MS + i * 60_000) * 1000, `bar ${i} time`);
    assert.deepEqual(
      [candle.open, candle.high, candle.low, candle.close, candle.volume],
      [want.open, want.high, want.low, want.close, want.volume],
      `bar ${i}`,
    );
  }
  const report = await validateCandles(batches);
  assert.equal(report.ok, true, JSON.stringify(report.counts));
}

Deno.test("data download vs the simulator: a 502 after two pages, then a rerun resumes after the 2000 bars it had", async () => {
  await withKlines(async (sim) => {
    await withTemp(async (dir) => {
      const environment = { TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: sim.restUrl };
      let pages = 0;
      const first = tapIo((line) => {
        // The venue fails the request after the second page.
        if (JSON.parse(line).event === "progress" && ++pages === 2) {
          sim.faults.inject({ kind: "http-status", status: 502, path: "/v5/market/kline" });
        }
      });
      await assert.rejects(
        () => dataCommand(args(dir), first, GLOBAL, environment),
        /bybit unavailable: \/v5\/market\/kline: HTTP 502/,
      );
      assert.ok(sim.faults.log().some((f) => f.kind === "http-status"));
      const output = join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet");
      assert.deepEqual(listDir(dir), ["bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet.partial"]);
      const second = tapIo(() => {});
      assert.equal(await dataCommand(args(dir), second, GLOBAL, environment), 0, second.err.join());
      assert.deepEqual(JSON.parse(second.out[0]), {
        event: "resume",
        bars: 2000,
        from: "2024-01-02T09:20:00Z",
      });
      // Two more pages, not four: the rerun did not fetch again what it had.
      assert.equal(second.out.filter((l) => JSON.parse(l).event === "progress").length, 2);
      assert.deepEqual(JSON.parse(second.out.at(-1) ?? "{}"), {
        event: "done",
        output,
        rows: BARS,
      });
      assert.deepEqual(listDir(dir), ["bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet"]);
      await assertSimulatorBars(output);
    });
  });
});

Deno.test("data download vs the simulator: Ctrl-C mid-download keeps what was staged, and the rerun resumes from it", async () => {
  await withKlines(async (sim) => {
    await withTemp(async (dir) => {
      const environment = { TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: sim.restUrl };
      const staging = join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet.partial");
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-prompt",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-net=127.0.0.1",
          "cli/main.ts",
          "--config-dir",
          CONFIG_DIR,
          "data",
          ...args(dir),
        ],
        env: environment,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Interrupted once the first page is staged (and before the last one is).
      const deadline = Date.now() + 60_000;
      let staged = 0;
      while (Date.now() < deadline) {
        try {
          staged = Deno.readTextFileSync(staging).split("\n").length - 1;
        } catch {
          staged = 0;
        }
        if (staged >= 1000) break;
        await new Promise((r) => setTimeout(r, 1));
      }
      child.kill("SIGINT");
      const { code, stderr } = await child.output();
      const err = new TextDecoder().decode(stderr);
      if (staged >= BARS || code === 0) {
        // The whole download beat the signal: nothing to resume, but nothing was lost either.
        await assertSimulatorBars(join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet"));
        return;
      }
      assert.equal(code, 130, err);
      assert.match(err, /^interrupted$/m);
      // The staging file stays (it is the resume point, not a temp); no temp beside it.
      assert.deepEqual(listDir(dir), ["bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet.partial"]);
      const kept = Deno.readTextFileSync(staging).split("\n").filter((l) => l !== "").length;
      assert.ok(kept >= 1000 && kept % 1000 === 0, `${kept} bars staged`);
      const rerun = tapIo(() => {});
      assert.equal(await dataCommand(args(dir), rerun, GLOBAL, environment), 0);
      assert.equal(JSON.parse(rerun.out[0]).event, "resume");
      assert.equal(JSON.parse(rerun.out[0]).bars, kept);
      await assertSimulatorBars(join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet"));
    });
  });
});

Deno.test("data download --start/--end (the seed's names) is --from/--to; both names of one bound is refused", async () => {
  await withKlines(async (sim) => {
    await withTemp(async (dir) => {
      const environment = { TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: sim.restUrl };
      const seed = args(dir).map((a) => a === "--from" ? "--start" : a === "--to" ? "--end" : a);
      const io = tapIo(() => {});
      assert.equal(await dataCommand(seed, io, GLOBAL, environment), 0, io.err.join());
      await assertSimulatorBars(join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet"));
      await assert.rejects(
        () => dataCommand([...seed, "--from", "2024-01-01"], tapIo(() => {}), GLOBAL, environment),
        /--start and --from are one flag; pass one/,
      );
    });
  });
});
