/**
 * Reads candles from CSV through a {@linkcode ResolvedEtlConfig}: streaming, in batches, with
 * `file:line: reason` errors. A bad row stops the read, or is skipped and counted when
 * `skipBadRows` is set.
 *
 * @module
 */

import {
  candleProblem,
  DataError,
  fromIso,
  type Interval,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import { allocateCandleBatch, type CandleBatch, sliceCandleBatch } from "./candle_batch.ts";
import type { ColumnRef, ResolvedEtlConfig, TimeFormat } from "./etl_config.ts";
import { readLines, splitLine } from "./_lines.ts";

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

function parseNumber(cell: string | undefined, name: string): number {
  if (cell === undefined || cell.trim() === "") throw new RangeError(`${name} is empty`);
  const value = Number(cell);
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
   * @throws {RangeError} when neither the config nor the options give a symbol or interval.
   */
  constructor(config: ResolvedEtlConfig, options: CsvCandleReaderOptions = {}) {
    this.#config = config;
    this.#options = options;
    const symbol = options.symbol ?? config.symbol;
    const interval = options.interval ?? config.interval;
    if (symbol === undefined) throw new RangeError("A symbol is required (flag or config)");
    if (interval === undefined) throw new RangeError("An interval is required (flag or config)");
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
    const config = this.#config;
    const size = this.#options.batchSize ?? 65_536;
    const keep = this.#options.keepProblems ?? 20;
    let batch = allocateCandleBatch(this.#symbol, this.#interval, size);
    let fill = 0;
    let indices: number[] | undefined;
    let expectHeader = config.header;
    for await (const chunk of readLines(path, { onBytes })) {
      for (let k = 0; k < chunk.lines.length; k++) {
        const line = chunk.lines[k] as string;
        const lineNo = chunk.firstLine + k;
        if (line.trim() === "") continue;
        const cells = splitLine(line, config.delimiter);
        if (indices === undefined) {
          const isHeader = expectHeader === "auto" ? looksLikeHeader(cells, config) : expectHeader;
          indices = resolveColumns(path, config, isHeader ? cells : undefined);
          expectHeader = false;
          if (isHeader) continue;
        }
        const [ti, oi, hi, li, ci, vi] = indices as [
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        try {
          if (cells.length <= Math.max(...indices)) {
            throw new RangeError(
              `expected at least ${Math.max(...indices) + 1} cells, got ${cells.length}`,
            );
          }
          const ts = parseTimeCell(cells[ti] as string, config.timeFormat);
          const open = parseNumber(cells[oi], "open");
          const high = parseNumber(cells[hi], "high");
          const low = parseNumber(cells[li], "low");
          const close = parseNumber(cells[ci], "close");
          const volume = vi < 0 ? 0 : parseNumber(cells[vi], "volume");
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
          if (ts <= this.#lastTs) {
            throw new RangeError(
              `time ${toIso(ts)} is not after the previous row's ${toIso(this.#lastTs)}`,
            );
          }
          this.#lastTs = ts;
          batch.ts[fill] = ts;
          batch.open[fill] = open;
          batch.high[fill] = high;
          batch.low[fill] = low;
          batch.close[fill] = close;
          batch.volume[fill] = volume;
          fill++;
          this.#rows++;
        } catch (error) {
          const reason = `Cannot parse candle: ${(error as Error).message}`;
          if (!this.#options.skipBadRows) {
            throw new DataError(reason, {
              location: { file: path, line: lineNo },
              hint: "fix the row, or pass --skip-bad-rows to skip and count such rows",
              cause: error,
            });
          }
          this.#skipped++;
          if (this.#problems.length < keep) {
            this.#problems.push({ file: path, line: lineNo, reason });
          }
        }
        if (fill === size) {
          yield batch;
          batch = allocateCandleBatch(this.#symbol, this.#interval, size);
          fill = 0;
        }
      }
    }
    if (fill > 0) yield sliceCandleBatch(batch, 0, fill);
  }
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
