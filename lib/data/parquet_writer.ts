/**
 * Writes canonical candle Parquet (the only module that imports `hyparquet-writer`): `ts`
 * TIMESTAMP(µs, UTC, bar open), `symbol`, `interval`, `open` `high` `low` `close` `volume`
 * DOUBLE, zstd, row groups of ~100k rows. Output goes to a temp file renamed on close, so a
 * failed write never leaves a partial file behind.
 *
 * The column chunks are encoded here rather than by `ParquetWriter.write`, which converts every
 * `ts` to a BigInt, samples each column for a dictionary, dictionary-encodes the constant
 * `symbol`/`interval` row by row and computes statistics through generic comparisons: over
 * half the cost of a CSV normalize. The layout is what `write` produces for these columns
 * (one DATA_PAGE_V2 per chunk, PLAIN numbers, a one-entry dictionary for the strings, the
 * same statistics and encoding stats); `ParquetWriter` still writes the header and footer.
 *
 * @module
 */

import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { useDictionary } from "hyparquet-writer/src/dictionary.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import type { ColumnChunk, ParquetType, SchemaElement } from "hyparquet";
import type { Interval, SymbolId } from "../domain/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";
import { zstdCompress } from "./_zstd.ts";
import {
  isWriteFailure,
  releaseTemp,
  removeQuietly,
  tempPathFor,
  writeFailure,
} from "./temp_files.ts";
import {
  columnChunk,
  doubleStatistics,
  encodeDouble,
  encodeInt64,
  FileSink,
  int64Statistics,
  plainColumn,
  pushRowGroup,
  writeDataPage,
} from "./_parquet_pages.ts";

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
  readonly #ts: Float64Array;
  readonly #cols: Float64Array[];
  /** Scratch for one PLAIN page of 8-byte values. */
  readonly #page: DataView;
  /** Compressed dictionary page of `symbol` and `interval` (the same in every row group). */
  readonly #dictionaries: Map<string, { bytes: Uint8Array; compressed: Uint8Array }> = new Map();
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
    this.#ts = new Float64Array(this.#groupSize);
    this.#page = new DataView(new ArrayBuffer(this.#groupSize * 8));
    this.#cols = Array.from({ length: 5 }, () => new Float64Array(this.#groupSize));
    this.#writer = new ParquetWriter({
      writer: new FileSink(file, path),
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
    let file: Deno.FsFile;
    try {
      file = await Deno.open(tempPath, { write: true, createNew: true });
    } catch (error) {
      releaseTemp(tempPath);
      throw writeFailure(path, error);
    }
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
    checkTs(ts);
    this.#ts[i] = ts;
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
      for (let i = start; i < end; i++) checkTs(batch.ts[i] as number);
      const sources = [batch.ts, batch.open, batch.high, batch.low, batch.close, batch.volume];
      const targets = [this.#ts, ...this.#cols];
      for (let c = 0; c < 6; c++) {
        (targets[c] as Float64Array).set(
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
      this.#file.syncSync();
      this.#file.close();
      await Deno.rename(this.#tempPath, this.#path);
      releaseTemp(this.#tempPath);
    } catch (error) {
      await this.abort();
      throw isWriteFailure(error) ? writeFailure(this.#path, error) : error;
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
    if (this.#needsGenericWrite(n)) this.#writeGeneric(n);
    else this.#writeFast(n);
    this.#writer.writer.flush?.();
    this.#fill = 0;
  }

  /**
   * Whether `ParquetWriter.write` would dictionary-encode a number column (repeated values,
   * such as a volume column that is all 0) or write the strings PLAIN (a one-row group):
   * layouts the fast path does not produce. Usually settled by a 1,000-value sample.
   */
  #needsGenericWrite(n: number): boolean {
    if (n < 2) return true;
    const wouldDictionary = (values: Float64Array, type: ParquetType): boolean =>
      useDictionary(values.subarray(0, n), type, undefined, undefined, undefined, true)
        .dictionary !== undefined;
    return wouldDictionary(this.#ts, "INT64") ||
      this.#cols.some((col) => wouldDictionary(col, "DOUBLE"));
  }

  #writeGeneric(n: number): void {
    const ts = new BigInt64Array(n);
    for (let i = 0; i < n; i++) ts[i] = BigInt(this.#ts[i] as number);
    const names = ["open", "high", "low", "close", "volume"];
    // FileSink.flush is synchronous, so write returns no promise.
    this.#writer.write({
      columnData: [
        { name: "ts", data: ts },
        { name: "symbol", data: new Array<string>(n).fill(this.#symbol) },
        { name: "interval", data: new Array<string>(n).fill(this.#interval) },
        ...this.#cols.map((col, c) => ({
          name: names[c] as string,
          data: col.subarray(0, n),
          encoding: "PLAIN" as const,
        })),
      ],
      rowGroupSize: n,
      pageSize: 1 << 26,
    });
  }

  #writeFast(n: number): void {
    const groupStart = this.#writer.writer.offset;
    const page = this.#page;
    const ts = this.#ts;
    encodeInt64(page, ts, n);
    const columns = [
      plainColumn(this.#writer, page, "ts", "INT64", n, int64Statistics(ts, n)),
      this.#dictionaryColumn("symbol", this.#symbol, n),
      this.#dictionaryColumn("interval", this.#interval, n),
    ];
    const names = ["open", "high", "low", "close", "volume"];
    this.#cols.forEach((col, c) => {
      encodeDouble(page, col, n);
      columns.push(
        plainColumn(this.#writer, page, names[c] as string, "DOUBLE", n, doubleStatistics(col, n)),
      );
    });
    pushRowGroup(this.#writer, columns, groupStart, n);
  }

  /** A chunk of `n` copies of `value`: a one-entry dictionary and an all-zero index run. */
  #dictionaryColumn(name: string, value: string, n: number): ColumnChunk {
    const out = this.#writer.writer;
    const offset = out.offset;
    let dictionary = this.#dictionaries.get(name);
    if (dictionary === undefined) {
      const utf8 = new TextEncoder().encode(value);
      const bytes = new Uint8Array(4 + utf8.length);
      new DataView(bytes.buffer).setUint32(0, utf8.length, true);
      bytes.set(utf8, 4);
      dictionary = { bytes, compressed: zstdCompress(bytes) };
      this.#dictionaries.set(name, dictionary);
    }
    const headerStart = out.offset;
    writePageHeader(out, {
      type: "DICTIONARY_PAGE",
      uncompressed_page_size: dictionary.bytes.byteLength,
      compressed_page_size: dictionary.compressed.byteLength,
      dictionary_page_header: { num_values: 1, encoding: "PLAIN" },
    });
    const dictionarySize = out.offset - headerStart + dictionary.bytes.byteLength;
    out.appendBytes(dictionary.compressed);
    const dataOffset = out.offset;
    const indexes = new ByteWriter();
    indexes.appendUint8(0); // bit width of the only index, 0
    writeRleBitPackedHybrid(indexes, new Uint8Array(n), 0);
    const bytes = indexes.getBytes();
    const size = writeDataPage(out, bytes, zstdCompress(bytes), n, "RLE_DICTIONARY");
    return columnChunk(
      name,
      "BYTE_ARRAY",
      n,
      offset,
      offset,
      dataOffset,
      out.offset,
      dictionarySize + size,
      { min_value: value, max_value: value, null_count: 0n },
    );
  }
}

function checkTs(ts: number): void {
  if (!Number.isSafeInteger(ts)) {
    throw new RangeError(`Cannot write ts ${ts}: not a whole number of µs`);
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
