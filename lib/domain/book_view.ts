/**
 * The read-only order book view strategies read: the same interface for the simulated book of
 * tick backtests (`lib/venues`) and the live L2 book (`lib/data`), so a strategy gets the same
 * answers from either for the same snapshot and deltas. Levels are indexed best first.
 *
 * @module
 */

import type { SymbolId } from "./symbol.ts";

/** A read-only view of one side of a book: best first. */
export interface BookSideView {
  /** Number of levels. */
  readonly depth: number;
  /** Price of level `i` (0 = best); NaN at or beyond the depth. */
  price(i: number): number;
  /** Size of level `i`; 0 at or beyond the depth. */
  size(i: number): number;
}

/** A read-only view of an order book at the current time. */
export interface BookView {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Bids, best first. */
  readonly bids: BookSideView;
  /** Asks, best first. */
  readonly asks: BookSideView;
}
