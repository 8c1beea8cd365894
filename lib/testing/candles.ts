/**
 * Hand-made candles for strategy tests: from arrays of prices, or from a small CSV text.
 *
 * @module
 */

import {
  type Candle,
  candleProblem,
  DataError,
  fromIso,
  type Interval,
  intervalMicros,
  type Micros,
  type SymbolId,
} from "../domain/mod.ts";
import { parseTimeCell } from "../data/mod.ts";

/** Default open time of the first bar: 2024-01-01T00:00:00Z. */
export const DEFAULT_START: Micros = Date.UTC(2024, 0, 1) * 1000;

/** Options of {@linkcode candlesFromArrays}. */
export interface CandlesFromArraysOptions {
  /** Venue-qualified symbol of every bar. */
  readonly symbol: SymbolId;
  /** Interval of every bar (default `1m`). */
  readonly interval?: Interval;
  /** Open time of the first bar, µs or ISO 8601 (default 2024-01-01T00:00:00Z). */
  readonly start?: Micros | string;
  /** Closes, one per bar. */
  readonly close: readonly number[];
  /** Opens (default: the previous close; the first bar opens at its close). */
  readonly open?: readonly number[];
  /** Highs (default: max(open, close)). */
  readonly high?: readonly number[];
  /** Lows (default: min(open, close)). */
  readonly low?: readonly number[];
  /** Volumes (default 1). */
  readonly volume?: readonly number[];
}

/**
 * Makes consecutive bars from arrays: `close` sets the length; missing columns get defaults
 * that keep every bar valid.
 *
 * @example
 * ```ts
 * import { candlesFromArrays } from "@tesser/tesser/testing";
 * import assert from "node:assert/strict";
 *
 * const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [100, 101, 99] });
 * assert.equal(candles[1]?.open, 100); // the previous close
 * ```
 * @throws {RangeError} when a column's length differs from `close`'s or a bar is invalid.
 */
export function candlesFromArrays(options: CandlesFromArraysOptions): Candle[] {
  const interval = options.interval ?? "1m";
  const step = intervalMicros(interval);
  const start = typeof options.start === "string"
    ? fromIso(options.start)
    : options.start ?? DEFAULT_START;
  const n = options.close.length;
  for (const name of ["open", "high", "low", "volume"] as const) {
    const column = options[name];
    if (column !== undefined && column.length !== n) {
      throw new RangeError(
        `candlesFromArrays: ${name} has ${column.length} values, close has ${n}`,
      );
    }
  }
  const candles: Candle[] = [];
  for (let i = 0; i < n; i++) {
    const close = options.close[i] as number;
    const open = options.open?.[i] ?? (i === 0 ? close : options.close[i - 1] as number);
    const candle: Candle = {
      symbol: options.symbol,
      interval,
      openTime: start + i * step,
      open,
      high: options.high?.[i] ?? Math.max(open, close),
      low: options.low?.[i] ?? Math.min(open, close),
      close,
      volume: options.volume?.[i] ?? 1,
    };
    const problem = candleProblem(candle);
    if (problem !== undefined) throw new RangeError(`candlesFromArrays: bar ${i}: ${problem}`);
    candles.push(candle);
  }
  return candles;
}

/** Options of {@linkcode candlesFromCsv}. */
export interface CandlesFromCsvOptions {
  /** Venue-qualified symbol of every row. */
  readonly symbol: SymbolId;
  /** Interval of every row (default `1m`). */
  readonly interval?: Interval;
}

/**
 * Parses CSV text with the columns `time,open,high,low,close[,volume]` (a header line is
 * optional; `#` lines and blank lines are skipped). Time is ISO 8601 or an epoch number in
 * s, ms, µs or ns (told apart by its digits).
 *
 * @example
 * ```ts
 * import { candlesFromCsv } from "@tesser/tesser/testing";
 * import assert from "node:assert/strict";
 *
 * const candles = candlesFromCsv(
 *   `time,open,high,low,close,volume
 * 2024-01-01T00:00:00Z,100,101,99,100.5,3
 * 2024-01-01T00:01:00Z,100.5,102,100,101.5,2`,
 *   { symbol: "bybit:BTCUSDT" },
 * );
 * assert.equal(candles.length, 2);
 * ```
 * @throws {DataError} naming the line of a malformed row.
 */
export function candlesFromCsv(text: string, options: CandlesFromCsvOptions): Candle[] {
  const interval = options.interval ?? "1m";
  const candles: Candle[] = [];
  const lines = text.split(/\r?\n/);
  let sawData = false;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(",").map((cell) => cell.trim());
    if (!sawData && !/^[\d-]/.test(cells[0] ?? "")) {
      sawData = true;
      return;
    }
    sawData = true;
    const where = `CSV line ${index + 1}`;
    if (cells.length < 5) {
      throw new DataError(`${where}: expected time,open,high,low,close[,volume], got "${line}"`);
    }
    try {
      const time = cells[0] as string;
      const openTime = /^\d+(\.\d+)?$/.test(time)
        ? parseTimeCell(time, "epoch_auto")
        : parseTimeCell(time, "rfc3339");
      const [open, high, low, close, volume] = cells.slice(1, 6).map((cell, i) => {
        const value = Number(cell);
        if (cell === "" || Number.isNaN(value)) {
          throw new RangeError(
            `${["open", "high", "low", "close", "volume"][i]} "${cell}" is not a number`,
          );
        }
        return value;
      });
      const candle: Candle = {
        symbol: options.symbol,
        interval,
        openTime,
        open: open as number,
        high: high as number,
        low: low as number,
        close: close as number,
        volume: volume ?? 0,
      };
      const problem = candleProblem(candle);
      if (problem !== undefined) throw new RangeError(problem);
      const previous = candles[candles.length - 1];
      if (previous !== undefined && previous.openTime >= openTime) {
        throw new RangeError("time is not after the previous row's");
      }
      candles.push(candle);
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(`${where}: ${(error as Error).message}`, { cause: error });
    }
  });
  return candles;
}
