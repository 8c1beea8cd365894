import assert from "node:assert/strict";
import {
  batchToCandles,
  type CandleBatch,
  CandleParquetWriter,
  candlesToBatch,
  generateCandles,
  inspectParquet,
  readCandleParquet,
  writeCandleParquet,
} from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";

const TESSER = "tests/testdata/data/tesser_btcusdt_1m_sample.parquet";
const TESSER_CSV = "tests/testdata/data/tesser_btcusdt_1m_sample.csv";

async function collect(it: AsyncIterable<CandleBatch>): Promise<CandleBatch[]> {
  return await Array.fromAsync(it);
}

Deno.test("readCandleParquet decodes Tesser DECIMAL(38,18) prices exactly as the CSV states them", async () => {
  const batches = await collect(readCandleParquet(TESSER, { defaultVenue: "bybit" }));
  const candles = batches.flatMap(batchToCandles);
  const lines = (await Deno.readTextFile(TESSER_CSV)).trim().split("\n").slice(1);
  assert.equal(candles.length, 360);
  assert.equal(lines.length, 360);
  lines.forEach((line, i) => {
    const [, time, o, h, l, c, v] = line.split(",");
    const candle = candles[i];
    assert.ok(candle);
    assert.equal(candle.symbol, "bybit:BTCUSDT");
    assert.equal(candle.interval, "1m");
    assert.equal(candle.openTime, Date.parse(time ?? "") * 1000);
    assert.deepEqual(
      [candle.open, candle.high, candle.low, candle.close, candle.volume],
      [o, h, l, c, v].map(Number),
    );
  });
});

Deno.test("readCandleParquet asks for a venue when the file has bare symbols", async () => {
  await assert.rejects(
    collect(readCandleParquet(TESSER)),
    (error: Error) =>
      error instanceof DataError && error.message.includes('symbol "BTCUSDT" has no venue'),
  );
});

Deno.test("canonical Parquet round-trips every value across several row groups", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/c.parquet`;
  const source = [...generateCandles({ rows: 2_500, seed: 3, symbol: "bybit:ETHUSDT" })];
  const rows = await writeCandleParquet(path, source, {
    symbol: "bybit:ETHUSDT",
    interval: "1m",
    rowGroupSize: 1_000,
  });
  assert.equal(rows, 2_500);
  const info = await inspectParquet(path);
  assert.deepEqual(info.rowGroups, [1000, 1000, 500]);
  assert.deepEqual(info.codecs, ["ZSTD"]);
  assert.equal(info.columns[0]?.logicalType, "TIMESTAMP(MICROS, UTC)");
  const back = (await collect(readCandleParquet(path))).flatMap(batchToCandles);
  assert.deepEqual(back, source.flatMap(batchToCandles));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a truncated Parquet file gives a DataError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.parquet`;
  const bytes = await Deno.readFile("examples/data/btcusdt_1m_sample.parquet");
  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(collect(readCandleParquet(path)), (error: Error) => {
    assert.ok(error instanceof DataError);
    assert.match(error.message, new RegExp(`^${path}: Cannot read Parquet file: `));
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a file that is not Parquet gives a DataError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/x.parquet`;
  await Deno.writeTextFile(path, "not parquet at all");
  await assert.rejects(
    collect(readCandleParquet(path)),
    (error: Error) =>
      error instanceof DataError && error.message.startsWith(`${path}: Cannot read Parquet file`),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CandleParquetWriter.abort leaves no file behind", async () => {
  const dir = await Deno.makeTempDir();
  const writer = await CandleParquetWriter.create(`${dir}/a.parquet`, {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
  });
  writer.append(candlesToBatch([{
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    openTime: 0,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
  }]));
  await writer.abort();
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the example sample is canonical bybit:BTCUSDT 1m with 360 rows", async () => {
  const info = await inspectParquet("examples/data/btcusdt_1m_sample.parquet");
  assert.equal(info.rows, 360);
  assert.equal(info.metadata["tesser.symbol"], "bybit:BTCUSDT");
  assert.equal(info.metadata["tesser.interval"], "1m");
});
