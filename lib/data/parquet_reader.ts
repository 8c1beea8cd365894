/**
 * Reads candle Parquet (the only module that imports `hyparquet`): our canonical schema and
 * Tesser's (ns timestamps, DECIMAL(38,18) prices decoded exactly). Files are read by byte
 * ranges through a Deno file handle, one row group at a time, so memory stays bounded.
 *
 * @module
 */

import {
  type AsyncBuffer,
  type ColumnChunk,
  type DecodedArray,
  type FileMetaData,
  parquetMetadataAsync,
  parquetScan,
  type SchemaElement,
} from "hyparquet";
import {
  DataError,
  fromNanos,
  type Interval,
  parseInterval,
  parseSymbol,
  type SymbolId,
  symbolId,
} from "../domain/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";
import { zstdDecompress } from "./_zstd.ts";
import { CANONICAL_CANDLE_SCHEMA, CANONICAL_SCHEMA_KEY } from "./parquet_writer.ts";

/** Names accepted for the bar open time column, in order of preference. */
export const TIME_COLUMNS: readonly string[] = ["ts", "timestamp", "open_time", "time"];
/** Price and volume columns every candle file must have. */
export const VALUE_COLUMNS: readonly string[] = ["open", "high", "low", "close", "volume"];

/**
 * A Parquet file opened for range reads; close it when done. Ranges are read synchronously:
 * they are whole column chunks (about 1 MB) from the page cache, and an asynchronous read's
 * round trip through Deno's blocking pool left the decoding thread idle for ~10 % of a decode.
 */
class FileBuffer implements AsyncBuffer {
  readonly byteLength: number;
  readonly #file: Deno.FsFile;

  constructor(file: Deno.FsFile, byteLength: number) {
    this.#file = file;
    this.byteLength = byteLength;
  }

  // deno-lint-ignore require-await -- async so that a failed read is a rejection, as callers expect
  async slice(start: number, end = this.byteLength): Promise<ArrayBuffer> {
    const length = Math.max(0, Math.min(end, this.byteLength) - start);
    const buffer = new Uint8Array(length);
    this.#file.seekSync(start, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < length) {
      const n = this.#file.readSync(buffer.subarray(filled));
      if (n === null) throw new RangeError(`unexpected end of file at byte ${start + filled}`);
      filled += n;
    }
    return buffer.buffer;
  }

  close(): void {
    this.#file.close();
  }
}

/** One column of a Parquet schema as {@linkcode inspectParquet} reports it. */
export interface ParquetColumnInfo {
  /** Column name. */
  readonly name: string;
  /** Physical type, e.g. `INT64`. */
  readonly physicalType: string;
  /** Logical type in words, e.g. `TIMESTAMP(MICROS)` or `DECIMAL(38,18)`, or `""`. */
  readonly logicalType: string;
  /** Whether the column may hold nulls. */
  readonly nullable: boolean;
  /** Smallest value over all row groups, from statistics, when known. */
  readonly min?: string;
  /** Largest value over all row groups, from statistics, when known. */
  readonly max?: string;
}

/** What {@linkcode inspectParquet} finds in a file's footer. */
export interface ParquetInfo {
  /** Path as given. */
  readonly path: string;
  /** File size in bytes. */
  readonly bytes: number;
  /** Total rows. */
  readonly rows: number;
  /** Rows per row group. */
  readonly rowGroups: readonly number[];
  /** Leaf columns. */
  readonly columns: readonly ParquetColumnInfo[];
  /** Compression codecs used. */
  readonly codecs: readonly string[];
  /** The writer's `created_by`. */
  readonly createdBy: string;
  /** Key/value metadata (the Arrow schema blob is left out). */
  readonly metadata: Readonly<Record<string, string>>;
}

function dataError(path: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DataError(`Cannot read Parquet file: ${message}`, {
    location: { file: path },
    hint: "the file is truncated or not Parquet; re-download or re-create it",
    cause: error,
  });
}

async function openBuffer(path: string): Promise<FileBuffer> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DataError("Cannot read Parquet file: no such file", {
        location: { file: path },
        cause: error,
      });
    }
    throw dataError(path, error);
  }
  const { size } = await file.stat();
  return new FileBuffer(file, size);
}

async function readMetadata(path: string, buffer: FileBuffer): Promise<FileMetaData> {
  try {
    if (buffer.byteLength < 12) throw new RangeError(`file is only ${buffer.byteLength} bytes`);
    return await parquetMetadataAsync(buffer);
  } catch (error) {
    throw dataError(path, error);
  }
}

function logicalName(element: SchemaElement): string {
  const logical = element.logical_type;
  if (logical !== undefined) {
    switch (logical.type) {
      case "TIMESTAMP":
        return `TIMESTAMP(${logical.unit}${logical.isAdjustedToUTC ? ", UTC" : ""})`;
      case "DECIMAL":
        return `DECIMAL(${logical.precision},${logical.scale})`;
      default:
        return logical.type;
    }
  }
  if (element.converted_type === "DECIMAL") {
    return `DECIMAL(${element.precision ?? "?"},${element.scale ?? 0})`;
  }
  return element.converted_type ?? "";
}

function statText(value: unknown, element: SchemaElement): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Uint8Array) {
    return element.converted_type === "DECIMAL"
      ? decimalText(value, element.scale ?? 0)
      : undefined;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint" && element.logical_type?.type === "TIMESTAMP") {
    const unit = element.logical_type.unit;
    const us = unit === "NANOS"
      ? fromNanos(value)
      : unit === "MILLIS"
      ? Number(value) * 1000
      : Number(value);
    return new Date(Math.floor(us / 1000)).toISOString();
  }
  return String(value);
}

function leafColumns(metadata: FileMetaData): SchemaElement[] {
  return metadata.schema.slice(1).filter((element) => element.num_children === undefined);
}

function chunkFor(chunks: readonly ColumnChunk[], name: string): ColumnChunk | undefined {
  return chunks.find((chunk) => chunk.meta_data?.path_in_schema.join(".") === name);
}

function kvMap(metadata: FileMetaData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? []) {
    if (key !== "ARROW:schema" && value !== undefined) out[key] = value;
  }
  return out;
}

/** Reads a Parquet footer: schema, row groups, codecs and per-column min/max statistics. */
export async function inspectParquet(path: string): Promise<ParquetInfo> {
  const buffer = await openBuffer(path);
  try {
    const metadata = await readMetadata(path, buffer);
    const codecs = new Set<string>();
    const columns = leafColumns(metadata).map((element): ParquetColumnInfo => {
      let min: unknown;
      let max: unknown;
      for (const group of metadata.row_groups) {
        const chunk = chunkFor(group.columns, element.name);
        const meta = chunk?.meta_data;
        if (meta === undefined) continue;
        codecs.add(meta.codec);
        const stats = meta.statistics;
        const lo = stats?.min_value ?? stats?.min;
        const hi = stats?.max_value ?? stats?.max;
        if (lo !== undefined && lo !== null && (min === undefined || compare(lo, min) < 0)) {
          min = lo;
        }
        if (hi !== undefined && hi !== null && (max === undefined || compare(hi, max) > 0)) {
          max = hi;
        }
      }
      const info: ParquetColumnInfo = {
        name: element.name,
        physicalType: element.type ?? "GROUP",
        logicalType: logicalName(element),
        nullable: element.repetition_type !== "REQUIRED",
      };
      const minText = statText(min, element);
      const maxText = statText(max, element);
      return {
        ...info,
        ...(minText === undefined ? {} : { min: minText }),
        ...(maxText === undefined ? {} : { max: maxText }),
      };
    });
    return {
      path,
      bytes: buffer.byteLength,
      rows: Number(metadata.num_rows),
      rowGroups: metadata.row_groups.map((group) => Number(group.num_rows)),
      columns,
      codecs: [...codecs],
      createdBy: metadata.created_by ?? "",
      metadata: kvMap(metadata),
    };
  } finally {
    buffer.close();
  }
}

function compare(a: unknown, b: unknown): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return compareDecimalBytes(a, b);
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function compareDecimalBytes(a: Uint8Array, b: Uint8Array): number {
  const x = bytesToBigInt(a);
  const y = bytesToBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && ((bytes[0] ?? 0) & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

function scaledText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac === "" ? "" : `.${frac}`}`;
}

/**
 * Decodes a big-endian two's-complement DECIMAL (as Parquet stores it in FIXED_LEN_BYTE_ARRAY
 * or BYTE_ARRAY) to its exact decimal text, e.g. `42000.5`.
 */
export function decimalText(bytes: Uint8Array, scale: number): string {
  return scaledText(bytesToBigInt(bytes), scale);
}

/**
 * Decodes a DECIMAL exactly to the float64 nearest to its value (the shortest float64 that
 * round-trips the decimal when it has ≤ 15 significant digits).
 */
export function decimalToNumber(bytes: Uint8Array, scale: number): number {
  return Number(decimalText(bytes, scale));
}

/** Options of {@linkcode readCandleParquet}. */
export interface ReadCandleParquetOptions {
  /** Symbol to use for every row, overriding the file (needed when the file has bare codes). */
  readonly symbol?: SymbolId;
  /** Venue for bare codes such as Tesser's `BTCUSDT`. */
  readonly defaultVenue?: string;
  /** Interval to use when the file does not say. */
  readonly interval?: Interval;
  /**
   * Refuse a row with a NaN or infinite value, or a high below its low, with a
   * {@linkcode DataError} naming the file, row group and row (a backtest must not run on it).
   * Off by default: `data validate` reads such rows to report them.
   */
  readonly checkValues?: boolean;
}

type TimeUnit = "SECONDS" | "MILLIS" | "MICROS" | "NANOS" | "INFER";

interface Layout {
  readonly timeColumn: string;
  readonly timeUnit: TimeUnit;
  readonly canonical: boolean;
  readonly elements: ReadonlyMap<string, SchemaElement>;
  readonly fileSymbol: SymbolId | undefined;
  readonly fileInterval: Interval | undefined;
}

function describeLayout(path: string, metadata: FileMetaData): Layout {
  const elements = new Map(leafColumns(metadata).map((element) => [element.name, element]));
  const timeColumn = TIME_COLUMNS.find((name) => elements.has(name));
  const missing = VALUE_COLUMNS.filter((name) => !elements.has(name));
  if (timeColumn === undefined || missing.length > 0) {
    const absent = timeColumn === undefined ? ["ts", ...missing] : missing;
    throw new DataError(
      `Cannot read candles: missing column${absent.length > 1 ? "s" : ""} ${absent.join(", ")}`,
      {
        location: { file: path },
        hint: `expected columns ts (or ${TIME_COLUMNS.slice(1).join("/")}), ${
          VALUE_COLUMNS.join(", ")
        }; found ${[...elements.keys()].join(", ")}`,
      },
    );
  }
  const time = elements.get(timeColumn);
  let timeUnit: TimeUnit = "INFER";
  if (time?.logical_type?.type === "TIMESTAMP") timeUnit = time.logical_type.unit;
  else if (time?.converted_type === "TIMESTAMP_MICROS") timeUnit = "MICROS";
  else if (time?.converted_type === "TIMESTAMP_MILLIS") timeUnit = "MILLIS";
  if (time?.type !== "INT64" && time?.type !== "INT32" && time?.type !== "DOUBLE") {
    throw new DataError(
      `Cannot read candles: column ${timeColumn} has type ${time?.type ?? "GROUP"}`,
      { location: { file: path }, hint: "expected an INT64 timestamp" },
    );
  }
  const kv = kvMap(metadata);
  const rawSymbol = kv["tesser.symbol"];
  const rawInterval = kv["tesser.interval"];
  return {
    timeColumn,
    timeUnit,
    canonical: kv[CANONICAL_SCHEMA_KEY] === CANONICAL_CANDLE_SCHEMA,
    elements,
    fileSymbol: rawSymbol,
    fileInterval: rawInterval === undefined ? undefined : parseInterval(rawInterval),
  };
}

/** A copy of the metadata whose time and decimal columns come back raw (exact decoding is ours). */
function rawMetadata(metadata: FileMetaData, layout: Layout): FileMetaData {
  return {
    ...metadata,
    schema: metadata.schema.map((element) => {
      if (element.name === layout.timeColumn || element.converted_type === "DECIMAL") {
        const { logical_type: _logical, converted_type: _converted, ...rest } = element;
        return rest;
      }
      return element;
    }),
  };
}

function inferUnit(first: number): TimeUnit {
  const magnitude = Math.abs(first);
  if (magnitude >= 1e17) return "NANOS";
  if (magnitude >= 1e14) return "MICROS";
  if (magnitude >= 1e11) return "MILLIS";
  return "SECONDS";
}

function timesToMicros(raw: DecodedArray, unit: TimeUnit, out: Float64Array): TimeUnit {
  const n = out.length;
  if (raw instanceof BigInt64Array) {
    const resolved = unit === "INFER" ? (n > 0 ? inferUnit(Number(raw[0])) : "MICROS") : unit;
    if (resolved === "NANOS") {
      for (let i = 0; i < n; i++) out[i] = fromNanos(raw[i] ?? 0n);
      return resolved;
    }
    const factor = resolved === "MILLIS" ? 1000 : resolved === "SECONDS" ? 1_000_000 : 1;
    if (raw.byteOffset % 4 === 0) {
      // Read the int64s as two int32 halves: exact for safe integers, and no BigInt per row.
      const halves = new Int32Array(raw.buffer, raw.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        const lo = halves[2 * i] as number;
        const hi = halves[2 * i + 1] as number;
        out[i] = (hi * 4294967296 + (lo >>> 0)) * factor;
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = Number(raw[i]) * factor;
    }
    return resolved;
  }
  const first = Number(raw[0] ?? 0);
  const resolved = unit === "INFER" ? inferUnit(first) : unit;
  for (let i = 0; i < n; i++) {
    const value = raw[i];
    if (typeof value === "bigint") {
      out[i] = resolved === "NANOS" ? fromNanos(value) : Number(value) * unitFactor(resolved);
    } else {
      out[i] = Math.round(Number(value) * unitFactor(resolved));
    }
  }
  return resolved;
}

function unitFactor(unit: TimeUnit): number {
  switch (unit) {
    case "NANOS":
      return 0.001;
    case "MICROS":
    case "INFER":
      return 1;
    case "MILLIS":
      return 1000;
    case "SECONDS":
      return 1_000_000;
    default: {
      const never: never = unit;
      throw new TypeError(`unknown unit ${String(never)}`);
    }
  }
}

// A null volume means "not recorded" (Tesser declares the column nullable) and reads as 0; a
// null price cannot be guessed, so it is an error naming the row. A DOUBLE column comes back as
// the decoder's view, uncopied; only other types get an array of their own.
function valuesToFloat(
  raw: DecodedArray,
  element: SchemaElement,
  n: number,
  where: { readonly path: string; readonly column: string; readonly firstRow: number },
): Float64Array {
  if (raw instanceof Float64Array) return raw.length === n ? raw : raw.subarray(0, n);
  const out = new Float64Array(n);
  const decimal = element.converted_type === "DECIMAL" || element.logical_type?.type === "DECIMAL";
  const scale = element.scale ?? 0;
  for (let i = 0; i < out.length; i++) {
    const value = raw[i];
    if (value === null || value === undefined) {
      if (where.column !== "volume") {
        throw new DataError(
          `Cannot read candles: ${where.column} is null at row ${where.firstRow + i + 1}`,
          { location: { file: where.path }, hint: "fill or drop the row before replaying" },
        );
      }
      out[i] = 0;
    } else if (value instanceof Uint8Array) out[i] = decimalToNumber(value, scale);
    else if (typeof value === "bigint") {
      out[i] = decimal ? Number(scaledText(value, scale)) : Number(value);
    } else if (decimal && scale !== 0) out[i] = Number(scaledText(BigInt(Number(value)), scale));
    else out[i] = Number(value);
  }
  return out;
}

function constantString(chunk: ColumnChunk | undefined): string | undefined {
  const stats = chunk?.meta_data?.statistics;
  const lo = stats?.min_value;
  const hi = stats?.max_value;
  return typeof lo === "string" && lo === hi ? lo : undefined;
}

function qualify(path: string, raw: string, options: ReadCandleParquetOptions): SymbolId {
  if (options.symbol !== undefined) return options.symbol;
  try {
    if (raw.includes(":")) return symbolId(raw);
    if (options.defaultVenue !== undefined) {
      return symbolId(raw, { defaultVenue: options.defaultVenue });
    }
  } catch (error) {
    throw new DataError(`Cannot read candles: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
  parseSymbol(`x:${raw}`); // validates the code, so the hint below is the only problem left
  throw new DataError(`Cannot read candles: symbol "${raw}" has no venue`, {
    location: { file: path },
    hint: "pass a venue-qualified symbol such as bybit:" + raw,
  });
}

/**
 * Streams the candles of a Parquet file as {@linkcode CandleBatch}es, one row group at a time
 * (split further where the symbol changes inside a group). Reads canonical files and
 * Tesser's (ns timestamps, exact DECIMAL(38,18) prices).
 *
 * @throws {DataError} naming the file when it is missing, truncated, not Parquet, or lacks a
 * required column.
 */
export async function* readCandleParquet(
  path: string,
  options: ReadCandleParquetOptions = {},
): AsyncGenerator<CandleBatch> {
  const buffer = await openBuffer(path);
  try {
    const metadata = await readMetadata(path, buffer);
    const layout = describeLayout(path, metadata);
    const scan = await parquetScan({
      file: buffer,
      metadata: rawMetadata(metadata, layout),
      compressors: { ZSTD: zstdDecompress },
    }).catch((error) => {
      throw dataError(path, error);
    });
    let unit = layout.timeUnit;
    // Each scan range is matched to its row group by first row, not by position: a planner
    // that skips empty groups must not shift the statistics (symbol, interval) used below.
    const groupAt = new Map<number, (typeof metadata.row_groups)[number]>();
    const groupIndex = new Map<number, number>();
    let firstRow = 0;
    for (const [index, group] of metadata.row_groups.entries()) {
      if (Number(group.num_rows) > 0) {
        groupAt.set(firstRow, group);
        groupIndex.set(firstRow, index);
      }
      firstRow += Number(group.num_rows);
    }
    for (const range of scan.ranges) {
      const group = groupAt.get(range.rowStart);
      const n = range.rowEnd - range.rowStart;
      if (n === 0 || group === undefined) continue;
      const read = (column: string): Promise<DecodedArray> =>
        scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd });
      let columns: DecodedArray[];
      const knownSymbol = options.symbol ??
        (layout.canonical ? constantString(chunkFor(group.columns, "symbol")) : undefined);
      const symbolColumn = knownSymbol === undefined && layout.elements.has("symbol");
      const knownInterval = options.interval ?? layout.fileInterval ??
        (layout.canonical ? constantString(chunkFor(group.columns, "interval")) : undefined);
      const intervalColumn = knownInterval === undefined && layout.elements.has("interval");
      try {
        columns = await Promise.all([
          read(layout.timeColumn),
          ...VALUE_COLUMNS.map(read),
          symbolColumn ? read("symbol") : Promise.resolve([]),
          intervalColumn ? read("interval") : Promise.resolve([]),
        ]);
      } catch (error) {
        throw dataError(path, error);
      }
      const ts = new Float64Array(n);
      unit = timesToMicros(columns[0] as DecodedArray, unit, ts);
      const values = VALUE_COLUMNS.map((name, c) =>
        valuesToFloat(
          columns[c + 1] as DecodedArray,
          layout.elements.get(name) as SchemaElement,
          n,
          { path, column: name, firstRow: range.rowStart },
        )
      );
      if (options.checkValues === true) {
        const group = {
          index: groupIndex.get(range.rowStart) ?? 0,
          of: metadata.row_groups.length,
        };
        checkRows(path, group, range.rowStart, ts, values);
      }
      const interval = resolveInterval(path, knownInterval, columns[7] as DecodedArray);
      const symbols = columns[6] as DecodedArray;
      const base = { interval, ts, open: values[0], high: values[1], low: values[2] };
      let start = 0;
      while (start < n) {
        let end = n;
        let raw = knownSymbol ?? layout.fileSymbol;
        if (symbolColumn) {
          raw = String(symbols[start]);
          end = start + 1;
          while (end < n && symbols[end] === symbols[start]) end++;
        }
        if (raw === undefined) {
          throw new DataError("Cannot read candles: the file names no symbol", {
            location: { file: path },
            hint: "pass the symbol, e.g. --symbol bybit:BTCUSDT",
          });
        }
        const symbol = qualify(path, raw, options);
        const cut = (array: Float64Array | undefined): Float64Array =>
          (array as Float64Array).subarray(start, end);
        yield {
          length: end - start,
          symbol,
          interval: base.interval,
          ts: cut(ts),
          open: cut(values[0]),
          high: cut(values[1]),
          low: cut(values[2]),
          close: cut(values[3]),
          volume: cut(values[4]),
        };
        start = end;
      }
    }
  } finally {
    buffer.close();
  }
}

// One pass over a decoded group: every value finite, every high at or above its low.
function checkRows(
  path: string,
  group: { readonly index: number; readonly of: number },
  firstRow: number,
  ts: Float64Array,
  values: readonly Float64Array[],
): void {
  const [open, high, low, close, volume] = values as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  for (let i = 0; i < ts.length; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const sum = (open[i] as number) + h + l + (close[i] as number) + (volume[i] as number);
    // NaN or ±Infinity anywhere makes sum - sum NaN.
    if (sum - sum === 0 && h >= l) continue;
    const row = values.map((column, c) => `${VALUE_COLUMNS[c]}=${column[i]}`).join(" ");
    const why = sum - sum === 0 ? "high is below low" : "a value is NaN or infinite";
    // Rows and groups counted from 1, as `data validate` counts rows.
    throw new DataError(
      `bad candle at row ${firstRow + i + 1} (row ${i + 1} of row group ${
        group.index + 1
      } of ${group.of}): ${why}: ${row}`,
      {
        location: { file: path },
        hint: `run "tesser data validate --data ${path}" to list every bad row`,
      },
    );
  }
}

function resolveInterval(
  path: string,
  known: string | undefined,
  column: DecodedArray,
): Interval {
  const text = known ?? (column.length > 0 ? String(column[0]) : undefined);
  if (text === undefined) {
    throw new DataError("Cannot read candles: the file names no interval", {
      location: { file: path },
      hint: "pass the interval, e.g. --interval 1m",
    });
  }
  for (let i = 1; i < column.length; i++) {
    if (column[i] !== column[0]) {
      throw new DataError(
        `Cannot read candles: row group mixes intervals ${String(column[0])} and ${
          String(column[i])
        }`,
        { location: { file: path }, hint: "write one interval per file" },
      );
    }
  }
  try {
    return parseInterval(text);
  } catch (error) {
    throw new DataError(`Cannot read candles: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
}
