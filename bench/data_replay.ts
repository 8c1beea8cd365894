/**
 * End-to-end data benchmarks: Parquet replay (1M and 10M rows), CSV → Parquet normalize
 * (1M rows) and a 4-file k-way merge. Inputs come from the synthetic generator in a temp dir.
 * Prints one line per figure. Run: deno run -A bench/data_replay.ts [--big]
 *
 * @module
 */

import {
  BINANCE_KLINE_CONFIG,
  generateCandles,
  mergeCandleBatches,
  normalizeCsvCandles,
  readCandleParquet,
  writeCandleParquet,
} from "../lib/data/mod.ts";

const dir = await Deno.makeTempDir();
const big = !Deno.args.includes("--small");

async function synth(
  path: string,
  rows: number,
  seed: number,
  symbol = "synth:BTCUSDT",
): Promise<void> {
  await writeCandleParquet(path, generateCandles({ rows, seed, symbol }), {
    symbol,
    interval: "1m",
  });
}

async function replay(path: string, rows: number): Promise<void> {
  const t0 = performance.now();
  let n = 0;
  let checksum = 0;
  for await (const b of readCandleParquet(path)) {
    for (let i = 0; i < b.length; i++) {
      checksum += (b.open[i] as number) + (b.high[i] as number) + (b.low[i] as number) +
        (b.close[i] as number) + (b.volume[i] as number) + (b.ts[i] as number) * 0;
      n++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const rss = Deno.memoryUsage().rss / 2 ** 20;
  console.log(
    `parquet replay ${rows.toLocaleString("en")} rows: ${(n / s / 1e6).toFixed(2)} M rows/s (${
      s.toFixed(2)
    } s, rss ${rss.toFixed(0)} MB, checksum ${checksum.toExponential(3)})`,
  );
}

try {
  const p1 = `${dir}/1m.parquet`;
  let t = performance.now();
  await synth(p1, 1_000_000, 1);
  console.log(`synth+write 1,000,000 rows: ${((performance.now() - t) / 1000).toFixed(2)} s`);
  await replay(p1, 1_000_000);

  // CSV → Parquet normalize of 1M rows (Binance kline layout, epoch ms).
  const csv = `${dir}/klines.csv`;
  const file = await Deno.open(csv, { write: true, create: true });
  const enc = new TextEncoder();
  for (const b of generateCandles({ rows: 1_000_000, seed: 2 })) {
    let text = "";
    for (let i = 0; i < b.length; i++) {
      const ms = (b.ts[i] as number) / 1000;
      text += `${ms},${b.open[i]},${b.high[i]},${b.low[i]},${b.close[i]},${b.volume[i]},${
        ms + 59999
      },0,1,0,0,0\n`;
    }
    await file.write(enc.encode(text));
  }
  file.close();
  t = performance.now();
  const result = await normalizeCsvCandles({
    sources: [csv],
    outputDir: dir,
    config: BINANCE_KLINE_CONFIG,
    symbol: "binance:BTCUSDT",
    interval: "1m",
  });
  const s = (performance.now() - t) / 1000;
  console.log(
    `normalize csv→parquet ${result.rows.toLocaleString("en")} rows: ${
      (result.rows / s / 1e6).toFixed(2)
    } M rows/s (${s.toFixed(2)} s)`,
  );

  // 4-file merge of 250k rows each.
  const parts = [];
  for (let k = 0; k < 4; k++) {
    const p = `${dir}/m${k}.parquet`;
    await synth(p, 250_000, 10 + k, `synth:S${k}`);
    parts.push(p);
  }
  t = performance.now();
  let merged = 0;
  for await (const m of mergeCandleBatches(parts.map((p) => readCandleParquet(p)))) {
    merged += m.length;
  }
  const ms = (performance.now() - t) / 1000;
  console.log(
    `k-way merge 4 files ${merged.toLocaleString("en")} rows: ${
      (merged / ms / 1e6).toFixed(2)
    } M rows/s (${ms.toFixed(2)} s)`,
  );

  if (big) {
    const p10 = `${dir}/10m.parquet`;
    t = performance.now();
    await synth(p10, 10_000_000, 3);
    console.log(`synth+write 10,000,000 rows: ${((performance.now() - t) / 1000).toFixed(2)} s`);
    await replay(p10, 10_000_000);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
