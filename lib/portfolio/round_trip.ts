/**
 * A round-trip trade: from flat to flat in one symbol (FIFO over partial fills), the unit
 * that trade statistics (win rate, profit factor, holding time) are computed on.
 *
 * @module
 */

import type { Decimal, Micros, SymbolId } from "../domain/mod.ts";

/** One completed round trip. Amounts are in the instrument's settle currency. */
export interface RoundTrip {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Long (bought first) or short (sold first). */
  readonly direction: "long" | "short";
  /** Time of the first entry fill. */
  readonly entryTs: Micros;
  /** Time of the fill that made the position flat. */
  readonly exitTs: Micros;
  /** Total quantity entered (and exited). */
  readonly quantity: Decimal;
  /** Volume-weighted entry price. */
  readonly entryPrice: Decimal;
  /** Volume-weighted exit price. */
  readonly exitPrice: Decimal;
  /** PnL from prices alone. */
  readonly grossPnl: Decimal;
  /** Fees paid on entry and exit fills (negative = rebates earned). */
  readonly fees: Decimal;
  /** Funding paid (positive) or received (negative) while open. */
  readonly funding: Decimal;
  /** grossPnl − fees − funding. */
  readonly netPnl: Decimal;
  /** Currency of the amounts. */
  readonly settle: string;
  /** Number of fills in the round trip. */
  readonly fills: number;
}
