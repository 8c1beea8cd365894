/**
 * Bybit klines as `HistoricalData`: `/v5/market/kline` pages forward in windows of at most
 * 1000 bars (the endpoint has no cursor and answers newest first), deduplicated on open time,
 * sorted, and cut at the first bar that has not closed yet by the venue's clock.
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
import { VENUE } from "./errors.ts";
import { bybitCode } from "./execution_client.ts";
import { bybitInterval } from "./intervals.ts";
import type { BybitRest } from "./rest.ts";

/** Bars per request (Bybit's maximum). */
export const KLINE_PAGE = 1000;

/** Parses one kline row `[start, open, high, low, close, volume, turnover]`. */
export function parseKlineRow(row: unknown, symbol: string, interval: Candle["interval"]): Candle {
  const cells = arr(row, "kline row");
  const value = (i: number, name: string): number => {
    const text = cells[i];
    const result = typeof text === "string" && text !== "" ? Number(text) : NaN;
    if (!Number.isFinite(result)) {
      throw new DataError(`Bybit kline: ${name} is not a number (${JSON.stringify(text)})`);
    }
    return result;
  };
  const candle: Candle = {
    symbol,
    interval,
    openTime: fromMillis(value(0, "start")),
    open: value(1, "open"),
    high: value(2, "high"),
    low: value(3, "low"),
    close: value(4, "close"),
    volume: value(5, "volume"),
  };
  const problem = candleProblem(candle);
  if (problem !== undefined) {
    throw new DataError(`Bybit kline ${symbol} at ${cells[0]}: ${problem}`);
  }
  return candle;
}

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
    const step = intervalMillis(range.interval);
    const code = bybitCode(range.symbol);
    const bybit = bybitInterval(range.interval);
    // Start on the bar grid, so a resumed download asks for whole bars.
    let cursor = Math.ceil(toMillis(range.from) / step) * step;
    const end = toMillis(range.to);
    while (cursor < end) {
      const windowEnd = Math.min(cursor + KLINE_PAGE * step, end);
      const result = await this.#rest.call({
        method: "GET",
        path: "/v5/market/kline",
        params: {
          category: "linear",
          symbol: code,
          interval: bybit,
          start: cursor,
          end: windowEnd - 1,
          limit: KLINE_PAGE,
        },
        signed: false,
        priority: "query",
      });
      const closedBefore = this.#rest.serverNow();
      const byTime = new Map<number, Candle>();
      for (const row of arr(result.list, "kline.list")) {
        const candle = parseKlineRow(row, range.symbol, range.interval);
        const openMs = toMillis(candle.openTime);
        if (openMs < cursor || openMs >= windowEnd) continue;
        // The newest bar may still be running.
        if (openMs + step > closedBefore) continue;
        byTime.set(candle.openTime, candle);
      }
      const page = [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
      if (page.length > 0) yield page;
      // A window past the venue's now has nothing more to give.
      if (windowEnd > closedBefore) return;
      cursor = windowEnd;
    }
  }
}
