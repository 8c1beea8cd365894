import assert from "node:assert/strict";
import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { readCandleParquet } from "../../../lib/data/mod.ts";

// Tesser's candle schema declares `volume` nullable: a null volume reads as 0 ("not recorded"),
// while a null price is an error naming the column and row.
const E = 10n ** 18n;
const decimal = {
  type: "FIXED_LEN_BYTE_ARRAY",
  type_length: 16,
  converted_type: "DECIMAL",
  precision: 38,
  scale: 18,
} as const;

async function tesserFile(open: readonly (bigint | null)[], volume: readonly (bigint | null)[]) {
  const schema: SchemaElement[] = [
    { name: "root", num_children: 7 },
    { name: "timestamp", type: "INT64", repetition_type: "REQUIRED" },
    { name: "symbol", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
    { name: "open", ...decimal, repetition_type: open.includes(null) ? "OPTIONAL" : "REQUIRED" },
    ...["high", "low", "close"].map((name): SchemaElement => ({
      name,
      ...decimal,
      repetition_type: "REQUIRED",
    })),
    { name: "volume", ...decimal, repetition_type: "OPTIONAL" },
  ];
  const prices = [42_000n * E, 42_001n * E];
  const buffer = parquetWriteBuffer({
    schema,
    columnData: [
      { name: "timestamp", data: BigInt64Array.from([1704067200000000000n, 1704067260000000000n]) },
      { name: "symbol", data: ["BTCUSDT", "BTCUSDT"] },
      { name: "open", data: [...open] },
      { name: "high", data: prices },
      { name: "low", data: prices },
      { name: "close", data: prices },
      { name: "volume", data: [...volume] },
    ],
  });
  const path = await Deno.makeTempFile({ suffix: ".parquet" });
  await Deno.writeFile(path, new Uint8Array(buffer));
  return path;
}

async function readAll(path: string) {
  const volumes: number[] = [];
  for await (const batch of readCandleParquet(path, { defaultVenue: "bybit", interval: "1m" })) {
    volumes.push(...batch.volume.subarray(0, batch.length));
  }
  return volumes;
}

Deno.test("readCandleParquet reads a null volume as 0", async () => {
  const path = await tesserFile([42_000n * E, 42_001n * E], [null, 5n * E]);
  try {
    assert.deepEqual(await readAll(path), [0, 5]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readCandleParquet refuses a null price, naming the column and row", async () => {
  const path = await tesserFile([42_000n * E, null], [1n * E, 5n * E]);
  try {
    await assert.rejects(readAll(path), {
      name: "DataError",
      message: new RegExp(`${path}: Cannot read candles: open is null at row 2`),
    });
  } finally {
    await Deno.remove(path);
  }
});
