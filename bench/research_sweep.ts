/**
 * The sweep fast path benchmark (issue 20): 1,000 SmaCross parameter sets over N synthetic 1m
 * candles (default 1,000,000) from canonical Parquet: the file decoded once, one SMA series per
 * distinct period shared by every set of a worker, each set one array loop plus the report's
 * metrics, the sets split over one worker per core (the candles in shared memory). Prints one
 * line per figure; the target is under 60 s for the 1,000 sets on a 2-core machine.
 *
 *   deno run -A bench/research_sweep.ts [rows=1000000] [sets=1000] [workers=cores]
 *
 * @module
 */

import { generateCandles, readCandleParquet, writeCandleParquet } from "../lib/data/mod.ts";
import { type SmaSweepSet, sweepCandles } from "../lib/research/mod.ts";

const rows = Number(Deno.args[0] ?? 1_000_000);
const wanted = Number(Deno.args[1] ?? 1000);
const workers = Number(Deno.args[2] ?? navigator.hardwareConcurrency);
if ([rows, wanted, workers].some((n) => !Number.isSafeInteger(n) || n < 1)) {
  console.error(
    "usage: deno run -A bench/research_sweep.ts [rows] [sets] [workers] (positive integers)",
  );
  Deno.exit(2);
}
const symbol = "bybit:BTCUSDT";
const dir = await Deno.makeTempDir({ prefix: "tesser-sweep-" });
const seconds = (from: number): string => ((performance.now() - from) / 1000).toFixed(2);
try {
  const data = `${dir}/bybit_btcusdt_1m.parquet`;
  let started = performance.now();
  await writeCandleParquet(data, generateCandles({ rows, seed: 7, symbol }), {
    symbol,
    interval: "1m",
  });
  console.log(`setup: wrote ${rows} synthetic 1m candles in ${seconds(started)} s`);

  // 40 fast × 25 slow periods: 1,000 sets (fast < slow always), 65 distinct SMA periods.
  const sets: SmaSweepSet[] = [];
  for (let fast = 2; fast <= 80; fast += 2) {
    for (let slow = 90; slow <= 330; slow += 10) {
      sets.push({ fast_period: fast, slow_period: slow, min_samples: 0 });
    }
  }
  const chosen = sets.slice(0, wanted);

  const total = performance.now();
  started = performance.now();
  const candles = await sweepCandles(readCandleParquet(data));
  console.log(`decode: ${candles.close.length} candles once in ${seconds(started)} s`);
  // The decoded columns go to SharedArrayBuffers: every worker reads the same memory.
  const shared = (array: Float64Array): Float64Array => {
    const copy = new Float64Array(new SharedArrayBuffer(array.byteLength));
    copy.set(array);
    return copy;
  };
  const columns = {
    symbol: candles.symbol,
    interval: candles.interval,
    openTime: shared(candles.openTime),
    open: shared(candles.open),
    close: shared(candles.close),
  };
  started = performance.now();
  // Contiguous shares: a worker's sets have few distinct fast periods, so its SMA cache is small.
  const per = Math.ceil(chosen.length / workers);
  const shares = Array.from({ length: workers }, (_, w) => chosen.slice(w * per, (w + 1) * per));
  const results = await Promise.all(
    shares.map((share) =>
      new Promise<{ trades: number; best: number }>((resolve, reject) => {
        const worker = new Worker(new URL("./_research_sweep_worker.ts", import.meta.url), {
          type: "module",
        });
        worker.onmessage = (event) => {
          worker.terminate();
          resolve(event.data);
        };
        worker.onerror = (event) => {
          worker.terminate();
          reject(new Error(event.message));
        };
        worker.postMessage({ ...columns, sets: share });
      })
    ),
  );
  const trades = results.reduce((a, r) => a + r.trades, 0);
  const best = Math.max(...results.map((r) => r.best));
  const sweepSeconds = (performance.now() - started) / 1000;
  console.log(
    `sweep: ${chosen.length} SmaCross sets on ${workers} workers in ${sweepSeconds.toFixed(2)} s (${
      (sweepSeconds / chosen.length * 1000).toFixed(1)
    } ms per set, ${trades} round trips, ` +
      `best Sharpe ${best.toFixed(3)})`,
  );
  console.log(`total: decode + ${chosen.length} sets in ${seconds(total)} s`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
