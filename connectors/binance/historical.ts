/**
 * Binance USDⓈ-M klines as `HistoricalData`: `GET /fapi/v1/klines` pages forward (rows are
 * oldest first; the next page starts at the last open time + 1) in windows of at most 1500
 * bars, deduplicated on open time, and cut at the first bar that has not closed by the venue's
 * clock. Each page's request weight follows its `limit` (1 / 2 / 5 / 10).
 *
 * @module
 */

import type { CandleRange, HistoricalData } from "../../lib/broker/mod.ts";
import {
  type Candle,
  candleProblem,
  DataError,
  fromMillis,
  intervalMillis,
  toMillis,
} from "../../lib/domain/mod.ts";
import { arr } from "./_wire.ts";
import type { BinanceRest } from "./rest.ts";
import { binanceCode, VENUE } from "./symbols.ts";

/** Bars per request (Binance's maximum). */
export const KLINE_PAGE = 1500;

/** The documented request weight of a klines call with `limit`. */
export function klineWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

/**
 * Parses one kline row `[openTime, open, high, low, close, volume, closeTime, …]`.
 *
 * @throws {DataError} when a cell is not a number or the bar breaks the OHLC rules.
 */
export function parseKlineRow(row: unknown, symbol: string, interval: Candle["interval"]): Candle {
  const cells = arr(row, "kline row");
  const value = (i: number, name: string): number => {
    const cell = cells[i];
    const result = typeof cell === "number"
      ? cell
      : typeof cell === "string" && cell !== ""
      ? Number(cell)
      : NaN;
    if (!Number.isFinite(result)) {
      throw new DataError(`Binance kline: ${name} is not a number (${JSON.stringify(cell)})`);
    }
    return result;
  };
  const candle: Candle = {
    symbol,
    interval,
    openTime: fromMillis(value(0, "openTime")),
    open: value(1, "open"),
    high: value(2, "high"),
    low: value(3, "low"),
    close: value(4, "close"),
    volume: value(5, "volume"),
  };
  const problem = candleProblem(candle);
  if (problem !== undefined) {
    throw new DataError(`Binance kline ${symbol} at ${cells[0]}: ${problem}`);
  }
  return candle;
}

/** Klines of Binance USDⓈ-M perpetuals. */
export class BinanceHistoricalData implements HistoricalData {
  /** Always `binance`. */
  readonly venue = VENUE;
  readonly #rest: BinanceRest;
  readonly #page: number;

  /** Reads through `rest` (public endpoint; its limiter paces the pages). */
  constructor(rest: BinanceRest, page = KLINE_PAGE) {
    if (!(Number.isInteger(page) && page >= 1 && page <= KLINE_PAGE)) {
      throw new RangeError(`kline page size must be 1..${KLINE_PAGE}, got ${page}`);
    }
    this.#rest = rest;
    this.#page = page;
  }

  /** Closed candles of `[from, to)` in time order, one page per request. */
  async *fetchCandles(range: CandleRange): AsyncIterable<readonly Candle[]> {
    const step = intervalMillis(range.interval);
    const code = binanceCode(range.symbol);
    // Start on the bar grid, so a resumed download asks for whole bars.
    let cursor = Math.ceil(toMillis(range.from) / step) * step;
    const end = toMillis(range.to);
    while (cursor < end) {
      const windowEnd = Math.min(cursor + this.#page * step, end);
      const answer = await this.#rest.call({
        method: "GET",
        path: "/fapi/v1/klines",
        params: {
          symbol: code,
          interval: range.interval,
          startTime: cursor,
          endTime: windowEnd - 1,
          limit: this.#page,
        },
        security: "none",
        weight: klineWeight(this.#page),
        priority: "query",
      });
      const closedBefore = this.#rest.serverNow();
      const byTime = new Map<number, Candle>();
      for (const row of arr(answer, "klines")) {
        const candle = parseKlineRow(row, range.symbol, range.interval);
        const openMs = toMillis(candle.openTime);
        if (openMs < cursor || openMs >= windowEnd) continue;
        // The newest bar may still be running.
        if (openMs + step > closedBefore) continue;
        byTime.set(candle.openTime, candle);
      }
      const page = [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
      if (page.length > 0) yield page;
      if (windowEnd > closedBefore) return;
      cursor = windowEnd;
    }
  }
}
