/**
 * What every venue's kline download shares, whatever its endpoint: a row of cells read into a
 * checked {@linkcode Candle}, and the forward paging of a {@linkcode CandleRange} in windows
 * of whole bars, deduplicated on open time, sorted, and cut at the first bar that has not
 * closed by the venue's clock. The connectors say how their rows look and how one window is
 * asked for.
 *
 * @module
 */

import {
  type Candle,
  candleProblem,
  DataError,
  fromMillis,
  intervalMillis,
  toMillis,
} from "../domain/mod.ts";
import type { CandleRange } from "./historical_data.ts";

/** How one venue's kline rows read: `[openTime, open, high, low, close, volume, …]`. */
export interface KlineRowFormat {
  /** Names the venue's rows in errors (`Binance kline`). */
  readonly label: string;
  /** The venue's name of the open time cell (`openTime`, `start`), for errors. */
  readonly openTimeName: string;
  /** A cell as a number; `NaN` when the venue would not send it as one. */
  cellNumber(cell: unknown): number;
}

/**
 * The candle of one kline row's `cells`.
 *
 * @throws {DataError} when a cell is not a number or the bar breaks the OHLC rules.
 */
export function klineCandle(
  cells: readonly unknown[],
  symbol: string,
  interval: Candle["interval"],
  format: KlineRowFormat,
): Candle {
  const value = (i: number, name: string): number => {
    const result = format.cellNumber(cells[i]);
    if (!Number.isFinite(result)) {
      throw new DataError(
        `${format.label}: ${name} is not a number (${JSON.stringify(cells[i])})`,
      );
    }
    return result;
  };
  const candle: Candle = {
    symbol,
    interval,
    openTime: fromMillis(value(0, format.openTimeName)),
    open: value(1, "open"),
    high: value(2, "high"),
    low: value(3, "low"),
    close: value(4, "close"),
    volume: value(5, "volume"),
  };
  const problem = candleProblem(candle);
  if (problem !== undefined) {
    throw new DataError(`${format.label} ${symbol} at ${cells[0]}: ${problem}`);
  }
  return candle;
}

/** How one venue answers a window of klines. */
export interface KlineWindows {
  /** Bars per window (at most what the venue gives in one answer). */
  readonly pageBars: number;
  /** The venue's rows for the bars opening in `[startMs, lastMs]` (ms), in any order. */
  rows(startMs: number, lastMs: number): Promise<readonly unknown[]>;
  /** One of those rows as a candle. */
  parse(row: unknown): Candle;
  /** The venue's clock now (ms), as the transport last measured it. */
  venueNowMs(): number;
}

/** Closed candles of `[from, to)` in time order, one page per window the venue answers. */
export async function* closedKlinePages(
  range: CandleRange,
  windows: KlineWindows,
): AsyncIterable<readonly Candle[]> {
  const step = intervalMillis(range.interval);
  // Start on the bar grid, so a resumed download asks for whole bars.
  let cursor = Math.ceil(toMillis(range.from) / step) * step;
  const end = toMillis(range.to);
  while (cursor < end) {
    const windowEnd = Math.min(cursor + windows.pageBars * step, end);
    const rows = await windows.rows(cursor, windowEnd - 1);
    const closedBefore = windows.venueNowMs();
    const byTime = new Map<number, Candle>();
    for (const row of rows) {
      const candle = windows.parse(row);
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
