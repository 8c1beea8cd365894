/**
 * End-to-end candle backtest benchmark (issue 5): SmaCross over N synthetic 1m candles from
 * canonical Parquet, measured from process start to report written, next to the time to merely
 * decode the same file. Prints one line per figure.
 *
 *   deno run -A bench/backtest_e2e.ts [rows=10000000]
 *
 * The backtest runs in a child process (`bench/_backtest_e2e_child.ts` → `cli/main.ts backtest
 * run --output-dir`), so its wall time includes Deno start-up and its peak RSS (VmHWM) is its own.
 *
 * @module
 */

import { generateCandles, readCandleParquet, writeCandleParquet } from "../lib/data/mod.ts";

const rows = Number(Deno.args[0] ?? 10_000_000);
if (!Number.isSafeInteger(rows) || rows < 1) {
  console.error(
    `usage: deno run -A bench/backtest_e2e.ts [rows] (a positive integer, not "${Deno.args[0]}")`,
  );
  Deno.exit(2);
}
const dir = await Deno.makeTempDir({ prefix: "tesser-e2e-" });
const data = `${dir}/bybit_btcusdt_1m.parquet`;
const strategyFile = `${dir}/sma_cross.toml`;
const root = new URL("..", import.meta.url).pathname;

try {
  let started = performance.now();
  await writeCandleParquet(data, generateCandles({ rows, seed: 7, symbol: "bybit:BTCUSDT" }), {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
  });
  console.log(
    `setup: wrote ${rows} synthetic 1m candles in ${
      ((performance.now() - started) / 1000).toFixed(2)
    } s`,
  );

  started = performance.now();
  let checksum = 0;
  let decoded = 0;
  for await (const batch of readCandleParquet(data)) {
    for (let i = 0; i < batch.length; i++) {
      checksum += batch.open[i] + batch.high[i] + batch.low[i] + batch.close[i] + batch.volume[i];
    }
    decoded += batch.length;
  }
  const decodeSeconds = (performance.now() - started) / 1000;
  console.log(
    `decode only: ${decoded} rows in ${decodeSeconds.toFixed(3)} s = ${
      (decoded / decodeSeconds / 1e6).toFixed(2)
    }M rows/s (checksum ${checksum.toExponential(3)})`,
  );

  await Deno.writeTextFile(
    strategyFile,
    'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 50\nslow_period = 200\n',
  );
  for (const full of [false, true]) {
    await runBacktest(full, decodeSeconds);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

async function runBacktest(full: boolean, decodeSeconds: number): Promise<void> {
  const started = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      "bench/_backtest_e2e_child.ts",
      "backtest",
      "run",
      "--strategy-config",
      strategyFile,
      "--data",
      data,
      // The default config's 5% drawdown kill switch would stop trading early; the benchmark
      // measures a strategy that trades for the whole run.
      "--max-drawdown",
      "1",
      ...(full ? ["--output-dir", `${dir}/report`] : []),
      "--json",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const e2eSeconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(child.stderr);
  if (!child.success) throw new Error(`backtest failed:\n${stderr}`);
  const report = JSON.parse(new TextDecoder().decode(child.stdout));
  const peak = /peak RSS (\d+) kB/.exec(stderr)?.[1] ?? "?";
  const what = full
    ? "end to end, all report files (--output-dir)"
    : "end to end, report.json to stdout";
  console.log(
    `${what}: ${report.bars} candles in ${e2eSeconds.toFixed(3)} s = ${
      (report.bars / e2eSeconds / 1e6).toFixed(2)
    }M candles/s (trades ${report.trades}, fills ${report.fills})`,
  );
  console.log(`${what} / decode: ${(e2eSeconds / decodeSeconds).toFixed(2)}x`);
  console.log(`${what}: peak RSS ${(Number(peak) / 1024).toFixed(0)} MB`);
}
