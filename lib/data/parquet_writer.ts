/**
 * Writes canonical candle Parquet (the only module that imports `hyparquet-writer`): `ts`
 * TIMESTAMP(µs, UTC, bar open), `symbol`, `interval`, `open` `high` `low` `close` `volume`
 * DOUBLE, zstd, row groups of ~100k rows. Output goes to a temp file renamed on close, so a
 * failed write never leaves a partial file behind.
 *
 * @module
 */

import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import type { Interval, SymbolId } from "../domain/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";
import { zstdCompress } from "./_zstd.ts";
import { removeQuietly, tempPathFor } from "./_files.ts";

/** Key/value metadata key naming the schema of a canonical candle file. */
export const CANONICAL_SCHEMA_KEY = "tesser.schema";
/** Value of {@linkcode CANONICAL_SCHEMA_KEY} for canonical candles. */
export const CANONICAL_CANDLE_SCHEMA = "candles/1";
/** Default rows per row group. */
export const DEFAULT_ROW_GROUP_SIZE = 100_000;

/** Options of {@linkcode CandleParquetWriter.create}. */
export interface CandleParquetWriterOptions {
  /** Venue-qualified symbol of every row. */
  readonly symbol: SymbolId;
  /** Bar interval of every row. */
  readonly interval: Interval;
  /** Rows per row group (default 100,000). */
  readonly rowGroupSize?: number;
}

function canonicalSchema(): SchemaElement[] {
  const dbl = (name: string): SchemaElement => ({
    name,
    type: "DOUBLE",
    repetition_type: "REQUIRED",
  });
  return [
    { name: "schema", num_children: 8 },
    {
      name: "ts",
      type: "INT64",
      repetition_type: "REQUIRED",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
    },
    {
      name: "symbol",
      type: "BYTE_ARRAY",
      repetition_type: "REQUIRED",
      converted_type: "UTF8",
      logical_type: { type: "STRING" },
    },
    {
      name: "interval",
      type: "BYTE_ARRAY",
      repetition_type: "REQUIRED",
      converted_type: "UTF8",
      logical_type: { type: "STRING" },
    },
    dbl("open"),
    dbl("high"),
    dbl("low"),
    dbl("close"),
    dbl("volume"),
  ];
}

/** A byte sink that hands each finished row group to the file, keeping memory bounded. */
class FileSink extends ByteWriter {
  readonly #file: Deno.FsFile;

  constructor(file: Deno.FsFile) {
    super(1 << 20);
    this.#file = file;
  }

  flush(): void {
    let bytes = new Uint8Array(this.buffer, 0, this.index);
    while (bytes.byteLength > 0) {
      const written = this.#file.writeSync(bytes);
      bytes = bytes.subarray(written);
    }
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/**
 * Streams candles of one symbol and interval into a canonical Parquet file.
 *
 * @example
 * ```ts ignore
 * const writer = await CandleParquetWriter.create("out.parquet", {
 *   symbol: "bybit:BTCUSDT",
 *   interval: "1m",
 * });
 * try {
 *   writer.append(batch);
 *   await writer.close();
 * } catch (error) {
 *   await writer.abort();
 *   throw error;
 * }
 * ```
 */
export class CandleParquetWriter {
  readonly #path: string;
  readonly #tempPath: string;
  readonly #file: Deno.FsFile;
  readonly #writer: ParquetWriter;
  readonly #symbol: SymbolId;
  readonly #interval: Interval;
  readonly #groupSize: number;
  readonly #ts: BigInt64Array;
  readonly #cols: Float64Array[];
  #fill = 0;
  #rows = 0;
  #done = false;

  private constructor(
    path: string,
    tempPath: string,
    file: Deno.FsFile,
    options: CandleParquetWriterOptions,
  ) {
    this.#path = path;
    this.#tempPath = tempPath;
    this.#file = file;
    this.#symbol = options.symbol;
    this.#interval = options.interval;
    this.#groupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
    if (!Number.isSafeInteger(this.#groupSize) || this.#groupSize < 1) {
      throw new RangeError(`rowGroupSize must be a positive integer, got ${this.#groupSize}`);
    }
    this.#ts = new BigInt64Array(this.#groupSize);
    this.#cols = Array.from({ length: 5 }, () => new Float64Array(this.#groupSize));
    this.#writer = new ParquetWriter({
      writer: new FileSink(file),
      schema: canonicalSchema(),
      codec: "ZSTD",
      compressors: { ZSTD: zstdCompress },
      statisticsTruncateLength: Infinity,
      kvMetadata: [
        { key: CANONICAL_SCHEMA_KEY, value: CANONICAL_CANDLE_SCHEMA },
        { key: "tesser.symbol", value: options.symbol },
        { key: "tesser.interval", value: options.interval },
      ],
      createdBy: "tesser-deno",
    });
  }

  /** Opens a temp file next to `path`; nothing appears at `path` until {@linkcode close}. */
  static async create(
    path: string,
    options: CandleParquetWriterOptions,
  ): Promise<CandleParquetWriter> {
    const tempPath = tempPathFor(path);
    const file = await Deno.open(tempPath, { write: true, createNew: true });
    return new CandleParquetWriter(path, tempPath, file, options);
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends one bar (open time in µs). */
  push(
    ts: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): void {
    this.#checkOpen();
    const i = this.#fill;
    this.#ts[i] = BigInt(ts);
    const [o, h, l, c, v] = this.#cols as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    o[i] = open;
    h[i] = high;
    l[i] = low;
    c[i] = close;
    v[i] = volume;
    this.#fill = i + 1;
    this.#rows++;
    if (this.#fill === this.#groupSize) this.#flushGroup();
  }

  /** Appends every row of `batch`, which must have this writer's symbol and interval. */
  append(batch: CandleBatch): void {
    this.#checkOpen();
    if (batch.symbol !== this.#symbol || batch.interval !== this.#interval) {
      throw new RangeError(
        `Cannot write ${batch.symbol} ${batch.interval} rows to a ${this.#symbol} ${this.#interval} file`,
      );
    }
    let start = 0;
    while (start < batch.length) {
      const take = Math.min(this.#groupSize - this.#fill, batch.length - start);
      const end = start + take;
      const at = this.#fill;
      for (let i = start, j = at; i < end; i++, j++) this.#ts[j] = BigInt(batch.ts[i]);
      const sources = [batch.open, batch.high, batch.low, batch.close, batch.volume];
      for (let c = 0; c < 5; c++) {
        (this.#cols[c] as Float64Array).set(
          (sources[c] as Float64Array).subarray(start, end),
          at,
        );
      }
      this.#fill += take;
      this.#rows += take;
      start = end;
      if (this.#fill === this.#groupSize) this.#flushGroup();
    }
  }

  /** Writes the footer, closes the file and renames it into place. */
  async close(): Promise<void> {
    this.#checkOpen();
    try {
      this.#flushGroup();
      this.#writer.finish();
      this.#done = true;
      this.#file.close();
      await Deno.rename(this.#tempPath, this.#path);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Discards the output: closes and deletes the temp file. Safe to call twice. */
  async abort(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      try {
        this.#file.close();
      } catch {
        // already closed
      }
    }
    await removeQuietly(this.#tempPath);
  }

  #checkOpen(): void {
    if (this.#done) throw new TypeError(`Writer for ${this.#path} is already closed`);
  }

  #flushGroup(): void {
    const n = this.#fill;
    if (n === 0) return;
    const cols = this.#cols.map((col) => col.subarray(0, n));
    const names = ["open", "high", "low", "close", "volume"];
    this.#writer.write({
      columnData: [
        { name: "ts", data: this.#ts.subarray(0, n) },
        { name: "symbol", data: new Array<string>(n).fill(this.#symbol) },
        { name: "interval", data: new Array<string>(n).fill(this.#interval) },
        ...cols.map((data, c) => ({ name: names[c] as string, data, encoding: "PLAIN" as const })),
      ],
      rowGroupSize: n,
      pageSize: 1 << 26,
    });
    this.#fill = 0;
  }
}

/** Writes `batches` (one symbol and interval) to `path` atomically; returns the row count. */
export async function writeCandleParquet(
  path: string,
  batches: Iterable<CandleBatch> | AsyncIterable<CandleBatch>,
  options: CandleParquetWriterOptions,
): Promise<number> {
  const writer = await CandleParquetWriter.create(path, options);
  try {
    for await (const batch of batches) writer.append(batch);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.rows;
}
