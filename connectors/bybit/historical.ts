/**
 * Bybit klines as `HistoricalData`: `/v5/market/kline` pages forward in windows of at most
 * 1000 bars (the endpoint has no cursor and answers newest first), deduplicated on open time,
 * sorted, and cut at the first bar that has not closed yet by the venue's clock.
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
import { VENUE } from "./errors.ts";
import { bybitCode } from "./execution_client.ts";
import { bybitInterval } from "./intervals.ts";
import type { BybitRest } from "./rest.ts";

/** Bars per request (Bybit's maximum). */
export const KLINE_PAGE = 1000;

/**
 * Parses one kline row `[start, open, high, low, close, volume, turnover]`.
 *
 * @throws {DataError} when a cell is not a number or the bar breaks the OHLC rules.
 */
export function parseKlineRow(row: unknown, symbol: string, interval: Candle["interval"]): Candle {
  return klineCandle(arr(row, "kline row"), symbol, interval, BYBIT_KLINE);
}

// Bybit sends every cell, the start time too, as a decimal string.
const BYBIT_KLINE: KlineRowFormat = {
  label: "Bybit kline",
  openTimeName: "start",
  cellNumber: (cell) => typeof cell === "string" && cell !== "" ? Number(cell) : NaN,
};

/** Klines of Bybit linear perpetuals. */
export class BybitHistoricalData implements HistoricalData {
  /** Always `bybit`. */
  readonly venue = VENUE;
  readonly #rest: BybitRest;

  /** Reads through `rest` (public endpoint; its limiter paces the pages). */
  constructor(rest: BybitRest) {
    this.#rest = rest;
  }

  /** Closed candles of `[from, to)` in time order, one page per window. */
  async *fetchCandles(range: CandleRange): AsyncIterable<readonly Candle[]> {
    const code = bybitCode(range.symbol);
    const bybit = bybitInterval(range.interval);
    yield* closedKlinePages(range, {
      pageBars: KLINE_PAGE,
      rows: async (startMs, lastMs) => {
        const result = await this.#rest.call({
          method: "GET",
          path: "/v5/market/kline",
          params: {
            category: "linear",
            symbol: code,
            interval: bybit,
            start: startMs,
            end: lastMs,
            limit: KLINE_PAGE,
          },
          signed: false,
          priority: "query",
        });
        return arr(result.list, "kline.list");
      },
      parse: (row) => parseKlineRow(row, range.symbol, range.interval),
      venueNowMs: () => this.#rest.serverNow(),
    });
  }
}
