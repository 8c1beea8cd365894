/**
 * Market data values. Prices and sizes here are float64 `number`s: exchange decimal strings
 * of up to 15 significant digits round-trip exactly, and the hot path stays free of Decimal.
 *
 * @module
 */

import type { Interval } from "./interval.ts";
import type { SymbolId } from "./symbol.ts";
import type { Micros } from "./time.ts";

/** A closed OHLCV bar; `openTime` is the start of the bar (it covers `[openTime, openTime + interval)`). */
export interface Candle {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Bar length. */
  readonly interval: Interval;
  /** Start of the bar, µs since the epoch. */
  readonly openTime: Micros;
  /** First trade price. */
  readonly open: number;
  /** Highest trade price. */
  readonly high: number;
  /** Lowest trade price. */
  readonly low: number;
  /** Last trade price. */
  readonly close: number;
  /** Traded quantity (base units or contracts, as the venue reports). */
  readonly volume: number;
}

/** The side that took liquidity in a trade, or the side of an order. */
export type Side = "buy" | "sell";

/** One public trade. */
export interface Trade {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Trade price. */
  readonly price: number;
  /** Trade quantity. */
  readonly quantity: number;
  /** The aggressor's side: `buy` lifted an ask, `sell` hit a bid. */
  readonly side: Side;
  /** The venue's trade id, when known. */
  readonly tradeId?: string;
}

/** Best bid and offer. */
export interface Quote {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Best bid price. */
  readonly bidPrice: number;
  /** Size at the best bid. */
  readonly bidSize: number;
  /** Best ask price. */
  readonly askPrice: number;
  /** Size at the best ask. */
  readonly askSize: number;
}

/** One price level of an order book; in a delta, size 0 removes the level. */
export interface BookLevel {
  /** Level price. */
  readonly price: number;
  /** Total size resting at the price (absolute, not a change). */
  readonly size: number;
}

/** A full order book image that replaces whatever was known. */
export interface BookSnapshot {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Bids, best (highest) first. */
  readonly bids: readonly BookLevel[];
  /** Asks, best (lowest) first. */
  readonly asks: readonly BookLevel[];
}

/** Changed levels of an order book, applied in order; size 0 removes a level. */
export interface BookDelta {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Changed bid levels. */
  readonly bids: readonly BookLevel[];
  /** Changed ask levels. */
  readonly asks: readonly BookLevel[];
}

/** A funding payment instant for a perpetual. */
export interface FundingRate {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Rate for the period; positive means longs pay shorts. */
  readonly rate: number;
  /** Mark price used for the notional, when the venue gives it. */
  readonly markPrice?: number;
}

/**
 * Checks a candle's OHLC invariants and returns the first violation, or `undefined`.
 * Used by readers at the edge so the core can trust candles.
 */
export function candleProblem(candle: Candle): string | undefined {
  const { open, high, low, close, volume } = candle;
  for (
    const [name, value] of [["open", open], ["high", high], ["low", low], ["close", close]] as const
  ) {
    if (!Number.isFinite(value)) return `${name} is not a finite number (${value})`;
    if (value <= 0) return `${name} must be positive, got ${value}`;
  }
  if (!Number.isFinite(volume)) return `volume is not a finite number (${volume})`;
  if (volume < 0) return `volume must not be negative, got ${volume}`;
  if (high < low) return `high ${high} is below low ${low}`;
  if (open < low || open > high) return `open ${open} is outside [low ${low}, high ${high}]`;
  if (close < low || close > high) return `close ${close} is outside [low ${low}, high ${high}]`;
  return undefined;
}
