import assert from "node:assert/strict";
import {
  type CandleBatch,
  CandleParquetWriter,
  generateCandles,
  readCandleParquet,
  readCandleParquetAhead,
  writeCandleParquet,
} from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";

const TESSER = "tests/testdata/data/tesser_btcusdt_1m_sample.parquet";

// Each batch's rows as plain arrays, so batches compare by value whatever buffers hold them.
function rows(batches: readonly CandleBatch[]): unknown[] {
  return batches.map((b) => ({
    length: b.length,
    symbol: b.symbol,
    interval: b.interval,
    columns: [b.ts, b.open, b.high, b.low, b.close, b.volume].map((c) =>
      Array.from(c.subarray(0, b.length))
    ),
  }));
}

Deno.test("readCandleParquetAhead yields the batches readCandleParquet yields, group by group", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.parquet`;
    await writeCandleParquet(
      path,
      generateCandles({ rows: 2_500, seed: 3, symbol: "bybit:ETHUSDT" }),
      { symbol: "bybit:ETHUSDT", interval: "1m", rowGroupSize: 1_000 },
    );
    const direct = await Array.fromAsync(readCandleParquet(path, { checkValues: true }));
    const ahead = await Array.fromAsync(readCandleParquetAhead(path, { checkValues: true }));
    assert.deepEqual(ahead.map((b) => b.length), [1000, 1000, 500]);
    assert.deepEqual(rows(ahead), rows(direct));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readCandleParquetAhead decodes Tesser DECIMAL files exactly like the direct reader", async () => {
  const options = { defaultVenue: "bybit" };
  const direct = await Array.fromAsync(readCandleParquet(TESSER, options));
  const ahead = await Array.fromAsync(readCandleParquetAhead(TESSER, options));
  assert.equal(ahead.reduce((n, b) => n + b.length, 0), 360);
  assert.deepEqual(rows(ahead), rows(direct));
});

Deno.test("readCandleParquetAhead rethrows the worker's DataError with the same message", async () => {
  const message = async (it: AsyncIterable<CandleBatch>): Promise<string> => {
    try {
      await Array.fromAsync(it);
    } catch (error) {
      assert.ok(error instanceof DataError, `not a DataError: ${error}`);
      return error.message;
    }
    throw new Error("no error");
  };
  const bare = await message(readCandleParquetAhead(TESSER));
  assert.match(bare, /symbol "BTCUSDT" has no venue.*hint: pass a venue-qualified symbol/);
  assert.equal(bare, await message(readCandleParquet(TESSER)));
  const missing = await message(readCandleParquetAhead("tests/testdata/no_such_file.parquet"));
  assert.equal(
    missing,
    "tests/testdata/no_such_file.parquet: Cannot read Parquet file: no such file",
  );
  assert.equal(missing, await message(readCandleParquet("tests/testdata/no_such_file.parquet")));
});

Deno.test("readCandleParquetAhead refuses a bad bar with the file, row group and row", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.parquet`;
    const writer = await CandleParquetWriter.create(path, {
      symbol: "bybit:BTCUSDT",
      interval: "1m",
      rowGroupSize: 10,
    });
    const t0 = Date.UTC(2024, 0, 1) * 1000;
    for (let i = 0; i < 30; i++) {
      // Row 26 (the sixth of the third group) has its high below its low.
      writer.push(t0 + i * 60_000_000, 100, i === 25 ? 98 : 101, 99, 100, 1);
    }
    await writer.close();
    await assert.rejects(
      Array.fromAsync(readCandleParquetAhead(path, { checkValues: true })),
      (error: Error) =>
        error instanceof DataError && error.message.startsWith(`${path}: bad candle at row 26`) &&
        error.message.includes("(row 6 of row group 3 of 3): high is below low"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readCandleParquetAhead stops its worker when the reader stops early", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.parquet`;
    await writeCandleParquet(
      path,
      generateCandles({ rows: 5_000, seed: 2, symbol: "bybit:BTCUSDT" }),
      { symbol: "bybit:BTCUSDT", interval: "1m", rowGroupSize: 500 },
    );
    let seen = 0;
    for await (const batch of readCandleParquetAhead(path)) {
      seen += batch.length;
      break;
    }
    assert.equal(seen, 500);
    // The test's sanitizers fail it if the worker or its file were left open.
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readCandleParquetAhead with reuseBuffers gives the same rows, each batch valid until the next", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.parquet`;
    await writeCandleParquet(
      path,
      generateCandles({ rows: 4_200, seed: 5, symbol: "bybit:BTCUSDT" }),
      { symbol: "bybit:BTCUSDT", interval: "1m", rowGroupSize: 1_000 },
    );
    const direct = await Array.fromAsync(readCandleParquet(path));
    const copies: CandleBatch[] = [];
    let previous: CandleBatch | undefined;
    for await (const batch of readCandleParquetAhead(path, { reuseBuffers: true })) {
      // The previous batch's buffers went back to the worker when this one was asked for.
      if (previous !== undefined) assert.equal(previous.close.length, 0);
      copies.push({
        ...batch,
        ts: batch.ts.slice(),
        open: batch.open.slice(),
        high: batch.high.slice(),
        low: batch.low.slice(),
        close: batch.close.slice(),
        volume: batch.volume.slice(),
      });
      previous = batch;
    }
    assert.deepEqual(copies.map((b) => b.length), [1000, 1000, 1000, 1000, 200]);
    assert.deepEqual(rows(copies), rows(direct));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
