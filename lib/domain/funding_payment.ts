/**
 * A funding payment a venue booked on a position: the exact amount it moved, as the venue
 * reports it. Live sessions book these; backtests apply a funding rate to their own notional.
 *
 * @module
 */

import type { Decimal } from "./decimal.ts";
import type { SymbolId } from "./symbol.ts";

/** One funding payment of the account, as booked by the venue. */
export interface FundingPayment {
  /** The venue's id of the payment (Bybit `execId`, Binance `tranId`). */
  readonly id: string;
  /** Venue-qualified symbol of the position it was booked on. */
  readonly symbol: SymbolId;
  /** Amount in `currency`: positive = paid by the account, negative = received. */
  readonly amount: Decimal;
  /** Currency of the amount (the instrument's settle currency). */
  readonly currency: string;
}
