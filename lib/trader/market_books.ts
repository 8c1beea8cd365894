/**
 * The order books a session keeps for its strategy: our view of each symbol's book, applied at
 * the time we receive the data (tick backtests use the simulated venue's book type, live runs
 * the live book). The session marks positions at their mids and hands changed books to the
 * strategy.
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, TradeEvent } from "../events/mod.ts";
import type { BookView } from "../strategies/mod.ts";

/** The market data that moves a book or a mark. */
export type BookInput = BookSnapshotEvent | BookDeltaEvent | QuoteEvent | TradeEvent;

/** A book the strategy reads, with its mid price. */
export interface MarkedBook extends BookView {
  /** The mid price (NaN while either side is empty). */
  mid(): number;
}

/** Our books by symbol. */
export interface MarketBooks {
  /**
   * Applies a book event or quote; returns the book it changed, or undefined when it changed
   * none (trades, quotes of a symbol with L2 data, deltas before a snapshot).
   */
  apply(event: BookInput): MarkedBook | undefined;
  /** The book of `symbol` (empty when nothing was applied to it yet). */
  book(symbol: SymbolId): MarkedBook;
}
