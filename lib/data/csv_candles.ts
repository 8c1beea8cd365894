/**
 * Reads candles from CSV through a {@linkcode ResolvedEtlConfig}: streaming, in batches, with
 * `file:line: reason` errors. A bad row stops the read, or is skipped and counted when
 * `skipBadRows` is set.
 *
 * @module
 */

import {
  candleProblem,
  ConfigError,
  DataError,
  fromIso,
  type Interval,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import { allocateCandleBatch, type CandleBatch, sliceCandleBatch } from "./candle_batch.ts";
import type { ColumnRef, ResolvedEtlConfig, TimeFormat } from "./etl_config.ts";
import { readLineBytes, splitLine } from "./_lines.ts";
import { scanDecimal, scanInteger } from "./_number.ts";

/** Options of {@linkcode CsvCandleReader}. */
export interface CsvCandleReaderOptions {
  /** Symbol of every row (required unless the config names one). */
  readonly symbol?: SymbolId;
  /** Interval of every row (required unless the config names one). */
  readonly interval?: Interval;
  /** Skip and count malformed rows instead of stopping at the first. */
  readonly skipBadRows?: boolean;
  /** Rows per yielded batch (default 65,536). */
  readonly batchSize?: number;
  /** How many skipped rows to remember with their reasons (default 20). */
  readonly keepProblems?: number;
}

/** One skipped row. */
export interface CsvRowProblem {
  /** File the row is in. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** Why it was rejected. */
  readonly reason: string;
}

const MICROS_FACTOR: Readonly<Record<Exclude<TimeFormat, "rfc3339" | "epoch_auto">, number>> = {
  epoch_s: 1_000_000,
  epoch_ms: 1_000,
  epoch_us: 1,
  epoch_ns: 0.001,
};

/** Parses one time cell to µs; throws a `RangeError` with a reason on bad input. */
export function parseTimeCell(cell: string, format: TimeFormat): number {
  switch (format) {
    case "rfc3339":
      return fromIso(cell);
    case "epoch_s":
    case "epoch_ms":
    case "epoch_us":
    case "epoch_ns":
    case "epoch_auto": {
      const text = cell.trim();
      if (!/^-?\d+(\.\d+)?$/.test(text)) {
        throw new RangeError(`timestamp "${cell}" is not an integer (format ${format})`);
      }
      let unit: Exclude<TimeFormat, "rfc3339" | "epoch_auto">;
      if (format === "epoch_auto") {
        const digits = text.replace(/^-/, "").split(".")[0]?.length ?? 0;
        unit = digits >= 18
          ? "epoch_ns"
          : digits >= 15
          ? "epoch_us"
          : digits >= 12
          ? "epoch_ms"
          : "epoch_s";
      } else unit = format;
      if (unit === "epoch_ns") {
        const ns = BigInt(text.split(".")[0] as string);
        return Number(ns / 1000n - (ns % 1000n < 0n ? 1n : 0n));
      }
      return Math.round(Number(text) * MICROS_FACTOR[unit]);
    }
    default: {
      const never: never = format;
      throw new TypeError(`unknown time format ${String(never)}`);
    }
  }
}

// Decimal notation only: `Number()` alone would also take `0x10`, `0b1` or `Infinity`.
const DECIMAL_CELL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function parseNumber(cell: string | undefined, name: string): number {
  if (cell === undefined || cell.trim() === "") throw new RangeError(`${name} is empty`);
  const value = DECIMAL_CELL.test(cell) ? Number(cell) : NaN;
  if (Number.isNaN(value)) throw new RangeError(`${name} "${cell}" is not a number`);
  return value;
}

/**
 * Reads CSV candle files one after another into batches, checking each row (OHLC sanity,
 * positive prices, time strictly increasing across all files read by this reader).
 *
 * @example
 * ```ts ignore
 * const reader = new CsvCandleReader(config, { symbol: "binance:BTCUSDT", interval: "1m" });
 * for await (const batch of reader.read("klines.csv")) console.log(batch.length);
 * console.log(reader.rows, reader.skipped);
 * ```
 */
export class CsvCandleReader {
  readonly #config: ResolvedEtlConfig;
  readonly #options: CsvCandleReaderOptions;
  readonly #symbol: SymbolId;
  readonly #interval: Interval;
  readonly #problems: CsvRowProblem[] = [];
  #rows = 0;
  #skipped = 0;
  #lastTs = -Infinity;

  /**
   * Makes a reader for one series.
   *
   * @throws {ConfigError} when neither the config nor the options give a symbol or interval.
   */
  constructor(config: ResolvedEtlConfig, options: CsvCandleReaderOptions = {}) {
    this.#config = config;
    this.#options = options;
    const symbol = options.symbol ?? config.symbol;
    const interval = options.interval ?? config.interval;
    if (symbol === undefined) {
      throw new ConfigError("the CSV's symbol is not known", {
        hint: "pass --symbol VENUE:SYMBOL, or set `symbol` in the ETL config",
      });
    }
    if (interval === undefined) {
      throw new ConfigError("the CSV's bar interval is not known", {
        hint: "pass --interval (e.g. 1m), or set `interval` in the ETL config",
      });
    }
    this.#symbol = symbol;
    this.#interval = interval;
  }

  /** Rows accepted so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Rows skipped so far (only with `skipBadRows`). */
  get skipped(): number {
    return this.#skipped;
  }

  /** The first skipped rows with their reasons. */
  get problems(): readonly CsvRowProblem[] {
    return this.#problems;
  }

  /** The symbol every row gets. */
  get symbol(): SymbolId {
    return this.#symbol;
  }

  /** The interval every row gets. */
  get interval(): Interval {
    return this.#interval;
  }

  /** Streams the candles of one file; `onBytes` reports bytes read, for progress bars. */
  async *read(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<CandleBatch> {
    const size = this.#options.batchSize ?? 65_536;
    const state: ReadState = {
      path,
      size,
      batch: allocateCandleBatch(this.#symbol, this.#interval, size),
      fill: 0,
      full: [],
      expectHeader: this.#config.header,
      plan: undefined,
      row: new Float64Array(6),
      line: 1,
    };
    const currentLine = (): number => state.line;
    for await (const bytes of readLineBytes(path, { onBytes, currentLine })) {
      this.#parseBlock(state, bytes);
      for (const batch of state.full) yield batch;
      state.full.length = 0;
    }
    if (state.fill > 0) yield sliceCandleBatch(state.batch, 0, state.fill);
  }

  // One call per block of lines keeps the per-line loop out of the generator.
  #parseBlock(state: ReadState, bytes: Uint8Array): void {
    const row = state.row;
    let lineNo = state.line;
    let pos = 0;
    while (pos < bytes.length) {
      const newline = bytes.indexOf(10, pos);
      const start = pos;
      let end = newline < 0 ? bytes.length : newline;
      pos = end + 1;
      if (end > start && bytes[end - 1] === 13) end--;
      const line = lineNo++;
      if (end === start) continue;
      const plan = state.plan;
      if (plan === undefined || !scanRow(bytes, start, end, plan, row)) {
        if (!this.#parseLine(state, decoder.decode(bytes.subarray(start, end)), line)) continue;
      }
      this.#accept(state, line);
    }
    state.line = lineNo;
  }

  // The general path (headers, quotes, white space, unusual numbers, every error): the cells
  // as strings. Returns whether `state.row` holds a row to accept.
  #parseLine(state: ReadState, line: string, lineNo: number): boolean {
    const config = this.#config;
    if (line.trim() === "") return false;
    const cells = splitLine(line, config.delimiter);
    if (state.plan === undefined) {
      const expect = state.expectHeader;
      const isHeader = expect === "auto" ? looksLikeHeader(cells, config) : expect;
      const indices = resolveColumns(state.path, config, isHeader ? cells : undefined);
      checkColumnCount(state.path, lineNo, indices, cells.length);
      state.plan = makePlan(config, indices);
      state.expectHeader = false;
      if (isHeader) return false;
    }
    const plan = state.plan;
    try {
      if (cells.length <= plan.maxIndex) {
        throw new RangeError(`expected at least ${plan.maxIndex + 1} cells, got ${cells.length}`);
      }
      const row = state.row;
      row[0] = parseTimeCell(cells[plan.time] as string, config.timeFormat);
      row[1] = parseNumber(cells[plan.open], "open");
      row[2] = parseNumber(cells[plan.high], "high");
      row[3] = parseNumber(cells[plan.low], "low");
      row[4] = parseNumber(cells[plan.close], "close");
      row[5] = plan.volume < 0 ? 0 : parseNumber(cells[plan.volume], "volume");
      return true;
    } catch (error) {
      this.#reject(state, lineNo, error);
      return false;
    }
  }

  #accept(state: ReadState, lineNo: number): void {
    const row = state.row;
    const ts = row[0] as number;
    const open = row[1] as number;
    const high = row[2] as number;
    const low = row[3] as number;
    const close = row[4] as number;
    const volume = row[5] as number;
    try {
      // The common case in one comparison chain; candleProblem words the reason otherwise.
      if (
        !(open > 0 && high > 0 && low > 0 && close > 0 && volume >= 0 && high < Infinity &&
          volume < Infinity && low <= open && open <= high && low <= close && close <= high)
      ) {
        const problem = candleProblem({
          symbol: this.#symbol,
          interval: this.#interval,
          openTime: ts,
          open,
          high,
          low,
          close,
          volume,
        });
        if (problem !== undefined) throw new RangeError(problem);
      }
      if (ts <= this.#lastTs) {
        throw new RangeError(
          `time ${toIso(ts)} is not after the previous row's ${toIso(this.#lastTs)}`,
        );
      }
    } catch (error) {
      this.#reject(state, lineNo, error);
      return;
    }
    this.#lastTs = ts;
    const batch = state.batch;
    const fill = state.fill;
    batch.ts[fill] = ts;
    batch.open[fill] = open;
    batch.high[fill] = high;
    batch.low[fill] = low;
    batch.close[fill] = close;
    batch.volume[fill] = volume;
    this.#rows++;
    if (fill + 1 === state.size) {
      state.full.push(batch);
      state.batch = allocateCandleBatch(this.#symbol, this.#interval, state.size);
      state.fill = 0;
    } else state.fill = fill + 1;
  }

  #reject(state: ReadState, lineNo: number, error: unknown): void {
    const reason = `Cannot parse candle: ${(error as Error).message}`;
    if (!this.#options.skipBadRows) {
      throw new DataError(reason, {
        location: { file: state.path, line: lineNo },
        hint: "fix the row, or pass --skip-bad-rows to skip and count such rows",
        cause: error,
      });
    }
    this.#skipped++;
    if (this.#problems.length < (this.#options.keepProblems ?? 20)) {
      this.#problems.push({ file: state.path, line: lineNo, reason });
    }
  }
}

// `ignoreBOM` keeps a U+FEFF inside the file, as the streaming decoder of readLines does.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Where the cells of a row are, and how to scan them without strings. */
interface RowPlan {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** -1 when there is no volume column. */
  readonly volume: number;
  readonly maxIndex: number;
  readonly timeFormat: TimeFormat;
  /** The delimiter's char code, or -1 when only the string path can split the line. */
  readonly delimiter: number;
  /** Scratch: start and end offsets of cells 0…maxIndex. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

interface ReadState {
  readonly path: string;
  readonly size: number;
  batch: CandleBatch;
  fill: number;
  /** Batches filled by the current block, to be yielded. */
  readonly full: CandleBatch[];
  expectHeader: boolean | "auto";
  /** Set once the header (or first row) has fixed the columns. */
  plan: RowPlan | undefined;
  /** The row being parsed: ts, open, high, low, close, volume. */
  readonly row: Float64Array;
  /** 1-based number of the next line to parse. */
  line: number;
}

function makePlan(config: ResolvedEtlConfig, indices: readonly number[]): RowPlan {
  const [time, open, high, low, close, volume] = indices as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const maxIndex = Math.max(...indices);
  const code = config.delimiter.charCodeAt(0);
  return {
    time,
    open,
    high,
    low,
    close,
    volume,
    maxIndex,
    timeFormat: config.timeFormat,
    delimiter: config.delimiter.length === 1 && code < 128 && code !== 34 ? code : -1,
    starts: new Int32Array(maxIndex + 1),
    ends: new Int32Array(maxIndex + 1),
  };
}

/**
 * The fast path: cells found by char code and numbers scanned from bytes. Returns false for
 * anything it does not handle exactly like the string path (quotes, white space, unusual
 * numbers, too few cells, any error), which then parses the line again and words the error.
 */
function scanRow(
  bytes: Uint8Array,
  start: number,
  end: number,
  plan: RowPlan,
  row: Float64Array,
): boolean {
  const delimiter = plan.delimiter;
  if (delimiter < 0) return false;
  const { starts, ends, maxIndex } = plan;
  let cell = 0;
  let cellStart = start;
  // Cells after the last one needed are never looked at: a quote there cannot move them.
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === delimiter) {
      starts[cell] = cellStart;
      ends[cell] = i;
      if (++cell > maxIndex) break;
      cellStart = i + 1;
    } else if (c === 34) return false;
  }
  if (cell === maxIndex) {
    starts[cell] = cellStart;
    ends[cell] = end;
  } else if (cell < maxIndex) return false;
  const ts = scanTime(bytes, starts[plan.time] as number, ends[plan.time] as number, plan);
  if (Number.isNaN(ts)) return false;
  const open = scanCell(bytes, starts[plan.open] as number, ends[plan.open] as number);
  const high = scanCell(bytes, starts[plan.high] as number, ends[plan.high] as number);
  const low = scanCell(bytes, starts[plan.low] as number, ends[plan.low] as number);
  const close = scanCell(bytes, starts[plan.close] as number, ends[plan.close] as number);
  const v = plan.volume;
  const volume = v < 0 ? 0 : scanCell(bytes, starts[v] as number, ends[v] as number);
  // NaN on any cell sends the row down the string path.
  if (Number.isNaN(open + high + low + close + volume)) return false;
  row[0] = ts;
  row[1] = open;
  row[2] = high;
  row[3] = low;
  row[4] = close;
  row[5] = volume;
  return true;
}

/**
 * A number cell: the exact scanner, else `Number()` on the cell when it holds only digits,
 * signs, points and exponents (so white space, hex and `Infinity` stay on the string path,
 * where an empty cell is an error rather than 0). Such cells are common: a double printed
 * by JavaScript often has 17 significant digits (`42064.700000000004`).
 */
function scanCell(bytes: Uint8Array, start: number, end: number): number {
  const value = scanDecimal(bytes, start, end);
  if (!Number.isNaN(value) || start === end) return value;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    // 0-9 . + - e E
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) {
      return NaN;
    }
  }
  return Number(String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]));
}

function scanTime(bytes: Uint8Array, start: number, end: number, plan: RowPlan): number {
  const format = plan.timeFormat;
  if (format === "rfc3339" || format === "epoch_ns") return NaN;
  const value = scanInteger(bytes, start, end);
  if (Number.isNaN(value)) return NaN;
  let factor: number;
  if (format === "epoch_auto") {
    // Same unit choice as parseTimeCell: by the number of digits, sign excluded.
    const digits = end - start - (bytes[start] === 45 ? 1 : 0);
    factor = digits >= 15 ? 1 : digits >= 12 ? 1_000 : 1_000_000;
  } else factor = MICROS_FACTOR[format];
  return Math.round(value * factor);
}

function looksLikeHeader(cells: readonly string[], config: ResolvedEtlConfig): boolean {
  const ref = config.time;
  if (!("index" in ref)) return true;
  try {
    parseTimeCell(cells[ref.index] ?? "", config.timeFormat);
    return false;
  } catch {
    return true;
  }
}

const FIELDS = ["timestamp", "open", "high", "low", "close", "volume"] as const;

// A mapping to a column the file does not have is the configuration's mistake, not a bad row:
// every row would be "bad", and --skip-bad-rows would skip them all.
function checkColumnCount(
  path: string,
  lineNo: number,
  indices: readonly number[],
  columns: number,
): void {
  const beyond = indices.findIndex((index) => index >= columns);
  if (beyond < 0) return;
  const field = FIELDS[beyond];
  throw new ConfigError(
    `the ETL config maps ${field} to column ${
      indices[beyond]
    } (0-based), but ${path} has ${columns} column${columns === 1 ? "" : "s"} (line ${lineNo})`,
    { hint: `set [fields] ${field} col to a column from 0 to ${columns - 1}, or check delimiter` },
  );
}

function resolveColumns(
  path: string,
  config: ResolvedEtlConfig,
  header: readonly string[] | undefined,
): number[] {
  const refs: [string, ColumnRef | undefined][] = [
    ["timestamp", config.time],
    ["open", config.open],
    ["high", config.high],
    ["low", config.low],
    ["close", config.close],
    ["volume", config.volume],
  ];
  const names = header?.map((cell) => cell.trim().toLowerCase());
  const missing: string[] = [];
  const out = refs.map(([field, ref]) => {
    if (ref === undefined) return -1;
    if ("index" in ref) return ref.index;
    const at = names?.indexOf(ref.name.toLowerCase()) ?? -1;
    if (at < 0) missing.push(`${ref.name} (${field})`);
    return at;
  });
  if (missing.length > 0) {
    throw new DataError(
      header === undefined
        ? `Cannot find columns ${missing.join(", ")}: the file has no header`
        : `Cannot find column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} in the header`,
      {
        location: { file: path, line: 1 },
        hint: header === undefined
          ? "set has_header = true, or map columns by index (col = N)"
          : `the header has ${header.join(", ")}`,
      },
    );
  }
  return out;
}
