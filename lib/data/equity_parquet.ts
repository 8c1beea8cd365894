/**
 * `equity.parquet`: a run's equity curve at full resolution, streamed row group by row group so
 * a 30M-bar run never holds its curve in memory. Canonical columns: `ts` TIMESTAMP(µs, UTC, the
 * bar's open time), `equity` DOUBLE (at the bar's close, reporting currency) and `drawdown`
 * DOUBLE (`(peak − equity) / peak`, the peak starting at the initial equity), PLAIN pages
 * compressed with zstd (level 1, through `node:zlib`; `hyparquet-writer` takes the compressor as
 * a hook). The footer names the schema (`tesser.schema = equity/1`). Output goes to a temp file
 * renamed on close, so a failed run never leaves a partial file.
 *
 * @module
 */

import { ParquetWriter } from "hyparquet-writer";
import { parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import type { SchemaElement } from "hyparquet";
import { DataError } from "../domain/errors.ts";
import { zstdCompress, zstdDecompress } from "./_zstd.ts";
import { releaseTemp, removeQuietly, tempPathFor, writeFailureReason } from "./temp_files.ts";
import {
  doubleStatistics,
  encodeDouble,
  encodeInt64,
  FileSink,
  int64Statistics,
  plainColumn,
  pushRowGroup,
} from "./_parquet_pages.ts";
import { CANONICAL_SCHEMA_KEY } from "./parquet_writer.ts";

/** Value of the `tesser.schema` footer key of an equity file. */
export const EQUITY_SCHEMA = "equity/1";
/** Rows per row group of `equity.parquet`. */
export const EQUITY_ROW_GROUP_SIZE = 131_072;

/** The columns of an equity file (only the first `length` entries are valid). */
export interface EquityColumns {
  /** Bar open times, µs. */
  readonly ts: Float64Array;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  /** Drawdown from the running peak, a fraction ≥ 0. */
  readonly drawdown: Float64Array;
  /** Number of rows. */
  readonly length: number;
}

function equitySchema(): SchemaElement[] {
  return [
    { name: "schema", num_children: 3 },
    {
      name: "ts",
      type: "INT64",
      repetition_type: "REQUIRED",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
    },
    { name: "equity", type: "DOUBLE", repetition_type: "REQUIRED" },
    { name: "drawdown", type: "DOUBLE", repetition_type: "REQUIRED" },
  ];
}

/**
 * Streams an equity curve into `equity.parquet` format.
 *
 * @example
 * ```ts ignore
 * const writer = await EquityParquetWriter.create("equity.parquet", { currency: "USDT" });
 * try {
 *   writer.append(ts, equity, drawdown, n);
 *   await writer.close();
 * } catch (error) {
 *   await writer.abort();
 *   throw error;
 * }
 * ```
 */
export class EquityParquetWriter {
  readonly #path: string;
  readonly #tempPath: string;
  readonly #file: Deno.FsFile;
  readonly #writer: ParquetWriter;
  readonly #ts = new Float64Array(EQUITY_ROW_GROUP_SIZE);
  readonly #equity = new Float64Array(EQUITY_ROW_GROUP_SIZE);
  readonly #drawdown = new Float64Array(EQUITY_ROW_GROUP_SIZE);
  readonly #page = new DataView(new ArrayBuffer(EQUITY_ROW_GROUP_SIZE * 8));
  #fill = 0;
  #rows = 0;
  #done = false;

  private constructor(
    path: string,
    tempPath: string,
    file: Deno.FsFile,
    metadata: Readonly<Record<string, string>>,
  ) {
    this.#path = path;
    this.#tempPath = tempPath;
    this.#file = file;
    this.#writer = new ParquetWriter({
      writer: new FileSink(file, path),
      schema: equitySchema(),
      codec: "ZSTD",
      compressors: { ZSTD: zstdCompress },
      statisticsTruncateLength: Infinity,
      kvMetadata: [
        { key: CANONICAL_SCHEMA_KEY, value: EQUITY_SCHEMA },
        ...Object.entries(metadata).map(([key, value]) => ({ key: `tesser.${key}`, value })),
      ],
      createdBy: "tesser-deno",
    });
  }

  /**
   * Opens a temp file next to `path` (or exactly `tempPath` when given, which must not exist);
   * nothing appears at `path` until {@linkcode close}. `metadata` goes to the footer as
   * `tesser.<key>`.
   *
   * @throws {DataError} naming the path when the file cannot be created.
   */
  static async create(
    path: string,
    metadata: Readonly<Record<string, string>> = {},
    tempPath: string = tempPathFor(path),
  ): Promise<EquityParquetWriter> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(tempPath, { write: true, createNew: true });
    } catch (error) {
      releaseTemp(tempPath);
      throw new DataError(`cannot write ${path}: ${writeFailureReason(error)}`, {
        hint: "choose an output directory that exists and is writable",
        cause: error,
      });
    }
    return new EquityParquetWriter(path, tempPath, file, metadata);
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends the first `n` rows of the three columns. */
  append(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    if (this.#done) throw new TypeError(`Writer for ${this.#path} is already closed`);
    let start = 0;
    while (start < n) {
      const take = Math.min(EQUITY_ROW_GROUP_SIZE - this.#fill, n - start);
      const end = start + take;
      for (let i = start; i < end; i++) {
        if (!Number.isSafeInteger(ts[i])) {
          throw new RangeError(`Cannot write ts ${ts[i]}: not a whole number of µs`);
        }
      }
      this.#ts.set(ts.subarray(start, end), this.#fill);
      this.#equity.set(equity.subarray(start, end), this.#fill);
      this.#drawdown.set(drawdown.subarray(start, end), this.#fill);
      this.#fill += take;
      this.#rows += take;
      start = end;
      if (this.#fill === EQUITY_ROW_GROUP_SIZE) this.#flushGroup();
    }
  }

  /** Writes the footer, closes the file and renames it to its path. */
  async close(): Promise<void> {
    if (this.#done) throw new TypeError(`Writer for ${this.#path} is already closed`);
    try {
      this.#flushGroup();
      this.#writer.finish();
      this.#done = true;
      this.#file.close();
      await Deno.rename(this.#tempPath, this.#path);
      releaseTemp(this.#tempPath);
    } catch (error) {
      await this.abort();
      if (error instanceof DataError) throw error; // a refused write, already said for the path
      throw new DataError(`cannot write ${this.#path}: ${writeFailureReason(error)}`, {
        hint: "check the free disk space and that the directory is writable",
        cause: error,
      });
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

  #flushGroup(): void {
    const n = this.#fill;
    if (n === 0) return;
    const writer = this.#writer;
    const groupStart = writer.writer.offset;
    const page = this.#page;
    encodeInt64(page, this.#ts, n);
    const columns = [plainColumn(writer, page, "ts", "INT64", n, int64Statistics(this.#ts, n))];
    for (
      const [name, values] of [["equity", this.#equity], ["drawdown", this.#drawdown]] as const
    ) {
      encodeDouble(page, values, n);
      columns.push(plainColumn(writer, page, name, "DOUBLE", n, doubleStatistics(values, n)));
    }
    pushRowGroup(writer, columns, groupStart, n);
    writer.writer.flush?.();
    this.#fill = 0;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its folder does not exist";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a whole `equity.parquet` (for checks and tools; a curve of N rows takes 24·N bytes).
 *
 * @throws {DataError} naming the file when it is missing or not an equity file.
 */
export async function readEquityParquet(path: string): Promise<EquityColumns> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${reasonOf(error)}`, { cause: error });
  }
  const file: ArrayBuffer = new Uint8Array(bytes).buffer;
  const metadata = await parquetMetadataAsync(file).catch((error: unknown) => {
    throw new DataError(`${path} is not a Parquet file: ${reasonOf(error)}`, { cause: error });
  });
  const schema = metadata.key_value_metadata?.find((kv) => kv.key === CANONICAL_SCHEMA_KEY);
  if (schema?.value !== EQUITY_SCHEMA) {
    throw new DataError(`${path} is not an equity file (schema ${schema?.value ?? "none"})`, {
      hint: "pass the equity.parquet of a backtest report",
    });
  }
  const rows = await parquetReadObjects({
    file,
    compressors: { ZSTD: zstdDecompress },
    utf8: false,
    // Exact µs as a number, not a millisecond Date.
    parsers: { timestampFromMicroseconds: (micros: bigint) => Number(micros) },
  });
  const n = rows.length;
  const columns = {
    ts: new Float64Array(n),
    equity: new Float64Array(n),
    drawdown: new Float64Array(n),
    length: n,
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    columns.ts[i] = Number(row.ts);
    columns.equity[i] = Number(row.equity);
    columns.drawdown[i] = Number(row.drawdown);
  }
  return columns;
}
