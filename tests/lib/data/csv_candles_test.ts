import assert from "node:assert/strict";
import {
  batchToCandles,
  BINANCE_KLINE_CONFIG,
  CsvCandleReader,
  loadEtlConfig,
  normalizeCsvCandles,
  readCandleParquet,
  resolveEtlConfig,
} from "../../../lib/data/mod.ts";
import { ConfigError, DataError } from "../../../lib/domain/mod.ts";

async function tempCsv(text: string, name = "in.csv"): Promise<[string, string]> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return [dir, `${dir}/${name}`];
}

Deno.test("the Tesser ETL config reads the Tesser CSV sample (RFC 3339, header)", async () => {
  const config = await loadEtlConfig("configs/etl/sample_iso_csv.toml");
  const reader = new CsvCandleReader(config, { symbol: "bybit:BTCUSDT" });
  const candles =
    (await Array.fromAsync(reader.read("tests/testdata/data/tesser_btcusdt_1m_sample.csv")))
      .flatMap(batchToCandles);
  assert.equal(candles.length, 360);
  assert.deepEqual(candles[1], {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    openTime: Date.UTC(2024, 0, 1, 0, 1) * 1000,
    open: 42024.5,
    high: 42060.44,
    low: 42004.59,
    close: 42053.3,
    volume: 17.4305,
  });
});

Deno.test("the Binance kline config reads headerless 12-column klines with ms times", async () => {
  const config = await loadEtlConfig("configs/etl/binance_klines.toml");
  assert.deepEqual(config, BINANCE_KLINE_CONFIG);
  const reader = new CsvCandleReader(config, { symbol: "binance:ADABTC", interval: "1m" });
  const candles =
    (await Array.fromAsync(reader.read("tests/testdata/data/binance_adabtc_1m_2021-11-27.csv")))
      .flatMap(batchToCandles);
  assert.equal(candles.length, 10);
  assert.equal(candles[0]?.openTime, 1637971200000 * 1000);
  assert.equal(candles[0]?.close, 0.00002854);
  assert.equal(candles[0]?.volume, 36304.2);
});

Deno.test("the Binance config skips a header line when there is one", async () => {
  const [dir, path] = await tempCsv(
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n" +
      "1700000000000,1,2,0.5,1.5,10,1700000059999,0,1,0,0,0\n",
  );
  const reader = new CsvCandleReader(BINANCE_KLINE_CONFIG, { symbol: "binance:X", interval: "1m" });
  const rows = (await Array.fromAsync(reader.read(path))).flatMap(batchToCandles);
  assert.equal(rows.length, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a malformed CSV row stops the read with file:line: reason", async () => {
  const [dir, path] = await tempCsv(
    "time,open,high,low,close,volume\n" +
      "2024-01-01T00:00:00Z,10,11,9,10,1\n" +
      "2024-01-01T00:01:00Z,10,8,9,10,1\n",
  );
  const config = resolveEtlConfig({
    fields: {
      timestamp: { name: "time" },
      open: { name: "open" },
      high: { name: "high" },
      low: { name: "low" },
      close: { name: "close" },
      volume: { name: "volume" },
    },
  });
  const reader = new CsvCandleReader(config, { symbol: "bybit:BTCUSDT", interval: "1m" });
  await assert.rejects(Array.fromAsync(reader.read(path)), (error: Error) => {
    assert.ok(error instanceof DataError);
    assert.equal(error.reason, "Cannot parse candle: high 8 is below low 9");
    assert.ok(error.message.startsWith(`${path}:3: Cannot parse candle: high 8 is below low 9`));
    return true;
  });
  const skipping = new CsvCandleReader(config, {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    skipBadRows: true,
  });
  const rows = (await Array.fromAsync(skipping.read(path))).flatMap(batchToCandles);
  assert.equal(rows.length, 1);
  assert.equal(skipping.skipped, 1);
  assert.deepEqual(skipping.problems[0], {
    file: path,
    line: 3,
    reason: "Cannot parse candle: high 8 is below low 9",
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a missing CSV column names the expected columns and the header", async () => {
  const [dir, path] = await tempCsv("time,open,high,low,close\n2024-01-01T00:00:00Z,1,1,1,1\n");
  const config = resolveEtlConfig({
    fields: {
      timestamp: { name: "time" },
      open: { name: "open" },
      high: { name: "high" },
      low: { name: "low" },
      close: { name: "close" },
      volume: { name: "vol" },
    },
  });
  const reader = new CsvCandleReader(config, { symbol: "bybit:BTCUSDT", interval: "1m" });
  await assert.rejects(
    Array.fromAsync(reader.read(path)),
    (error: Error) =>
      error instanceof DataError &&
      error.message ===
        `${path}:1: Cannot find column vol (volume) in the header (hint: the header has time, open, high, low, close)`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an ETL config with an unknown key names the valid keys", () => {
  assert.throws(
    () => resolveEtlConfig({ csv: { delimeter: ";" }, fields: {} }, "x.toml"),
    (error: Error) =>
      error instanceof ConfigError &&
      error.message ===
        'x.toml: Unknown key "delimeter" in [csv] (hint: valid keys are delimiter, has_header)',
  );
});

Deno.test("corrupt gzip input gives a DataError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bad.csv.gz`;
  await Deno.writeTextFile(path, "this is not gzip\n");
  const reader = new CsvCandleReader(BINANCE_KLINE_CONFIG, { symbol: "binance:X", interval: "1m" });
  await assert.rejects(Array.fromAsync(reader.read(path)), (error: Error) => {
    assert.ok(error instanceof DataError);
    assert.match(
      error.message,
      new RegExp(`^${path}:\\d+: Cannot read file: gzip data is corrupt or truncated`),
    );
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("normalize writes canonical Parquet and leaves nothing behind on a bad row", async () => {
  const [dir, path] = await tempCsv(
    "1700000000000,1,2,0.5,1.5,10\n1700000060000,1,2,0.5,1.5,10\nbroken\n",
  );
  await assert.rejects(
    normalizeCsvCandles({
      sources: [path],
      outputDir: dir,
      config: BINANCE_KLINE_CONFIG,
      symbol: "binance:BTCUSDT",
      interval: "1m",
    }),
    (error: Error) => error instanceof DataError && error.message.startsWith(`${path}:3: `),
  );
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["in.csv"]);
  const result = await normalizeCsvCandles({
    sources: [path],
    outputDir: dir,
    config: BINANCE_KLINE_CONFIG,
    symbol: "binance:BTCUSDT",
    interval: "1m",
    skipBadRows: true,
  });
  assert.equal(result.rows, 2);
  assert.equal(result.skipped, 1);
  assert.equal(result.output, `${dir}/binance_BTCUSDT_1m.parquet`);
  const rows = (await Array.fromAsync(readCandleParquet(result.output))).flatMap(batchToCandles);
  assert.equal(rows.length, 2);
  assert.equal(rows[1]?.openTime, 1700000060000000);
  await Deno.remove(dir, { recursive: true });
});
