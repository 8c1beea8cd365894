/**
 * Binance USDⓈ-M klines as `HistoricalData`: `GET /fapi/v1/klines` pages forward (rows are
 * oldest first; the next page starts at the last open time + 1) in windows of at most 1500
 * bars, deduplicated on open time, and cut at the first bar that has not closed by the venue's
 * clock. Each page's request weight follows its `limit` (1 / 2 / 5 / 10).
 *
 * @module
 */

import {
  type CandleRange,
  closedKlinePages,
  type HistoricalData,
  klineCandle,
  type KlineRowFormat,
} from "../../lib/broker/mod.ts";
import type { Candle } from "../../lib/domain/mod.ts";
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
  return klineCandle(arr(row, "kline row"), symbol, interval, BINANCE_KLINE);
}

// Binance sends the open time as a number and the prices and volume as decimal strings.
const BINANCE_KLINE: KlineRowFormat = {
  label: "Binance kline",
  openTimeName: "openTime",
  cellNumber: (cell) =>
    typeof cell === "number" ? cell : typeof cell === "string" && cell !== "" ? Number(cell) : NaN,
};

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
    const code = binanceCode(range.symbol);
    yield* closedKlinePages(range, {
      pageBars: this.#page,
      rows: async (startMs, lastMs) => {
        const answer = await this.#rest.call({
          method: "GET",
          path: "/fapi/v1/klines",
          params: {
            symbol: code,
            interval: range.interval,
            startTime: startMs,
            endTime: lastMs,
            limit: this.#page,
          },
          security: "none",
          weight: klineWeight(this.#page),
          priority: "query",
        });
        return arr(answer, "klines");
      },
      parse: (row) => parseKlineRow(row, range.symbol, range.interval),
      venueNowMs: () => this.#rest.serverNow(),
    });
  }
}
