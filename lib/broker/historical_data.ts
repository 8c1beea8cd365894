/**
 * The port through which past market data is downloaded from a venue.
 *
 * @module
 */

import type { Candle, Interval, Micros, SymbolId } from "../domain/mod.ts";

/** A range of candles to fetch. */
export interface CandleRange {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Bar interval. */
  readonly interval: Interval;
  /** First bar open time, inclusive (µs). */
  readonly from: Micros;
  /** Last bar open time, exclusive (µs). */
  readonly to: Micros;
}

/** A source of historical candles; adapters page through the venue's REST API. */
export interface HistoricalData {
  /** The venue this source reads. */
  readonly venue: string;
  /** Closed candles of the range in time order, in pages. */
  fetchCandles(range: CandleRange): AsyncIterable<readonly Candle[]>;
}
