/**
 * End-to-end candle backtest benchmark (issues 5, 10 and 19): SmaCross over N synthetic 1m
 * candles from canonical Parquet, measured from process start to report written, side by side
 * in one run with the time to merely decode the same file (ours, and DuckDB's with one thread as
 * the baseline), the report to stdout, every report file written (`--output-dir`) and a run
 * whose every order is refused (SmaCross 2/6: 328,489 refusals at 10M candles), beside the
 * vectorized pandas SMA cross of the same closes (`bench/pandas_sma_cross.py`, when Debian's
 * python3-pandas is installed; the closes exported by DuckDB as CSV, since pyarrow is not
 * here). Prints one line per figure.
 *
 *   deno run -A bench/backtest_e2e.ts [rows=10000000 ...] [--only stdout|files|refusals]
 *
 * Each backtest runs in a child process (`bench/_backtest_e2e_child.ts` → `cli/main.ts backtest
 * run`), so its wall time includes Deno start-up and its peak RSS (VmHWM) is its own. Several
 * row counts (e.g. `10000000 30000000`) show how peak memory grows with the run.
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { generateCandles, readCandleParquet, writeCandleParquet } from "../lib/data/mod.ts";

let only: string | undefined;
const sizes: number[] = [];
for (let i = 0; i < Deno.args.length; i++) {
  if (Deno.args[i] === "--only") only = Deno.args[++i];
  else sizes.push(Number(Deno.args[i]));
}
const rowCounts = sizes.length > 0 ? sizes : [10_000_000];
for (const rows of rowCounts) {
  if (
    !Number.isSafeInteger(rows) || rows < 1 ||
    !["stdout", "files", "refusals", undefined].includes(only)
  ) {
    console.error(
      `usage: deno run -A bench/backtest_e2e.ts [rows ...] [--only stdout|files|refusals] (rows: positive integers)`,
    );
    Deno.exit(2);
  }
}
const root = new URL("..", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "tesser-e2e-" });

/** The figures of one child run. */
interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly mainCpuSeconds: number;
  readonly peakMb: number;
  readonly report: { bars: number; trades: number; fills: number; rejectedOrders: number };
}

try {
  await writeConfigs();
  for (const rows of rowCounts) await benchmark(rows);
} finally {
  await Deno.remove(dir, { recursive: true });
}

async function benchmark(rows: number): Promise<void> {
  const data = `${dir}/bybit_btcusdt_1m_${rows}.parquet`;
  let started = performance.now();
  await writeCandleParquet(data, generateCandles({ rows, seed: 7, symbol: "bybit:BTCUSDT" }), {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
  });
  console.log(`[${rows}] setup: wrote ${rows} synthetic 1m candles in ${since(started)} s`);

  started = performance.now();
  let cpu = cpuSeconds();
  let checksum = 0;
  let decoded = 0;
  for await (const batch of readCandleParquet(data)) {
    for (let i = 0; i < batch.length; i++) {
      checksum += batch.ts[i] + batch.open[i] + batch.high[i] + batch.low[i] + batch.close[i] +
        batch.volume[i];
    }
    decoded += batch.length;
  }
  const decodeSeconds = (performance.now() - started) / 1000;
  const decodeCpu = cpuSeconds() - cpu;
  console.log(
    `[${rows}] decode only (ours, ts + OHLCV): ${decoded} rows in ${decodeSeconds.toFixed(3)} s = ${
      rate(decoded, decodeSeconds)
    }M rows/s, CPU ${decodeCpu.toFixed(2)} s (checksum ${checksum.toExponential(3)})`,
  );
  cpu = cpuSeconds();
  const duckSeconds = await duckdbDecode(data, rows);
  const duckCpu = cpuSeconds() - cpu;
  console.log(`[${rows}] decode only (DuckDB): CPU ${duckCpu.toFixed(2)} s`);

  const pandasSeconds = await pandasBaseline(data, rows);

  const runs: [string, Run][] = [];
  if (only === undefined || only === "stdout") {
    runs.push(["end to end, report.json to stdout", await backtest(data, "sma", [], [])]);
  }
  if (only === undefined || only === "files") {
    runs.push([
      "end to end, all report files (--output-dir)",
      await backtest(data, "sma", [], ["--output-dir", `${dir}/report-${rows}`]),
    ]);
  }
  if (only === undefined || only === "refusals") {
    runs.push([
      "end to end, every order refused (SmaCross 2/6, max_order_quantity 1e-7)",
      await backtest(data, "refused", ["--config-dir", `${dir}/refusing`], []),
    ]);
  }
  for (const [what, run] of runs) {
    const r = run.report;
    console.log(
      `[${rows}] ${what}: ${r.bars} candles in ${run.seconds.toFixed(3)} s = ${
        rate(r.bars, run.seconds)
      }M candles/s (trades ${r.trades}, fills ${r.fills}, refused ${r.rejectedOrders})`,
    );
    console.log(
      `[${rows}] ${what}: ${(run.seconds / decodeSeconds).toFixed(2)}x our decode, ${
        (run.seconds / duckSeconds).toFixed(2)
      }x DuckDB's; CPU ${run.cpuSeconds.toFixed(2)} s = ${
        (run.cpuSeconds / duckCpu).toFixed(2)
      }x DuckDB's CPU; main thread CPU ${run.mainCpuSeconds.toFixed(2)} s; peak RSS ${
        run.peakMb.toFixed(0)
      } MB`,
    );
    if (pandasSeconds !== undefined) {
      console.log(
        `[${rows}] ${what}: ${
          (run.seconds / pandasSeconds).toFixed(2)
        }x the pandas SMA cross's time (${
          rate(r.bars, pandasSeconds)
        }M candles/s there, without I/O or fills)`,
      );
    }
  }
}

// DuckDB (one thread) reading the same file's time and OHLCV columns: every value decoded and
// summed, timed after the instance is up.
async function duckdbDecode(data: string, rows: number): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const started = performance.now();
    const reader = await connection.runAndReadAll(
      `SELECT count(*), sum(epoch_us(ts)), sum(open), sum(high), sum(low), sum(close), ` +
        `sum(volume) FROM read_parquet('${data.replaceAll("'", "''")}')`,
    );
    const seconds = (performance.now() - started) / 1000;
    const [count] = reader.getRows()[0];
    console.log(
      `[${rows}] decode only (DuckDB 1 thread, ts + OHLCV): ${count} rows in ${
        seconds.toFixed(3)
      } s = ${rate(Number(count), seconds)}M rows/s`,
    );
    return seconds;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// The vectorized pandas SMA cross 50/200 over the same file's closes (bench/pandas_sma_cross.py
// with Debian's python3-pandas): DuckDB exports the closes as CSV (untimed; pyarrow is not
// installed, so pandas cannot read the Parquet). Returns its wall seconds, or undefined (and
// says why) when pandas is missing. Bench-only: CI never runs this.
async function pandasBaseline(data: string, rows: number): Promise<number | undefined> {
  const python = "/usr/bin/python3";
  const probe = await new Deno.Command(python, { args: ["-c", "import pandas"], stderr: "null" })
    .output().catch(() => undefined);
  if (probe?.success !== true) {
    console.log(
      `[${rows}] pandas SMA cross: skipped (${python} cannot import pandas; apt-get install -y python3-pandas)`,
    );
    return undefined;
  }
  const closes = `${dir}/closes_${rows}.csv`;
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT close FROM read_parquet('${data.replaceAll("'", "''")}')) TO '${
        closes.replaceAll("'", "''")
      }' (HEADER)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const child = await new Deno.Command(python, {
    args: [`${root}/bench/pandas_sma_cross.py`, closes, "50", "200"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(closes);
  const out = new TextDecoder().decode(child.stdout).trim();
  if (!child.success) {
    throw new Error(`pandas baseline failed:\n${new TextDecoder().decode(child.stderr)}`);
  }
  console.log(`[${rows}] ${out}`);
  return Number(/closes in ([\d.]+) s/.exec(out)?.[1] ?? Number.NaN);
}

async function writeConfigs(): Promise<void> {
  await Deno.writeTextFile(
    `${dir}/sma.toml`,
    'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 50\nslow_period = 200\n',
  );
  await Deno.writeTextFile(
    `${dir}/refused.toml`,
    'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 2\nslow_period = 6\n',
  );
  // The default config with an order-size limit no order meets: every entry is refused.
  await Deno.mkdir(`${dir}/refusing`);
  const defaults = await Deno.readTextFile(`${root}/config/default.toml`);
  const refusing = defaults
    .replace(/^max_order_quantity = .*$/m, "max_order_quantity = 0.0000001")
    .replace(/^markets_file = .*$/m, `markets_file = "${root}/config/markets.toml"`);
  if (!refusing.includes("max_order_quantity = 0.0000001")) {
    throw new Error("config/default.toml has no max_order_quantity line to tighten");
  }
  await Deno.writeTextFile(`${dir}/refusing/default.toml`, refusing);
  await Deno.copyFile(`${root}/config/markets.toml`, `${dir}/refusing/markets.toml`);
}

// One `tesser [global] backtest run … [rest] --json` in a child process.
async function backtest(
  data: string,
  strategy: string,
  global: readonly string[],
  rest: readonly string[],
): Promise<Run> {
  const started = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      "bench/_backtest_e2e_child.ts",
      ...global,
      "backtest",
      "run",
      "--strategy-config",
      `${dir}/${strategy}.toml`,
      "--data",
      data,
      // The default config's 5% drawdown kill switch would stop trading early; the benchmark
      // measures a strategy that trades for the whole run.
      "--max-drawdown",
      "1",
      ...rest,
      "--json",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(child.stderr);
  if (!child.success) throw new Error(`backtest failed:\n${stderr}`);
  const peak = Number(/peak RSS (\d+) kB/.exec(stderr)?.[1] ?? Number.NaN);
  const cpuSeconds = Number(/^cpu ([\d.]+) s/m.exec(stderr)?.[1] ?? Number.NaN);
  const mainCpuSeconds = Number(/main thread cpu ([\d.]+) s/.exec(stderr)?.[1] ?? Number.NaN);
  return {
    seconds,
    cpuSeconds,
    mainCpuSeconds,
    peakMb: peak / 1024,
    report: JSON.parse(new TextDecoder().decode(child.stdout)),
  };
}

// This process's CPU time (all threads, user + system) from /proc/self/stat, in seconds.
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function since(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(2);
}

function rate(count: number, seconds: number): string {
  return (count / seconds / 1e6).toFixed(2);
}
