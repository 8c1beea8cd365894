/**
 * Funding settlement: at a funding time the venue charges every open position `size × mark ×
 * rate` (a positive rate makes longs pay and shorts receive), booked on the wallet to 8
 * decimals as Bybit and Binance print it. Tests settle funding when they choose
 * (`sim.exchange.settleFunding`), so no clock has to pass an 8-hour boundary.
 *
 * @module
 */

import { type Decimal, decimal } from "./_lib.ts";

/** Decimals of a funding amount in the venues' reports. */
const FUNDING_DECIMALS = 8;

/** A funding payment the venue booked on one account's position. */
export interface SimFunding {
  /** Venue-unique id (Bybit `execId`, Binance `tranId`). */
  readonly id: string;
  /** Sequence number, shared with the fills. */
  readonly seq: number;
  /** Owner. */
  readonly accountId: number;
  /** Venue code. */
  readonly code: string;
  /** Signed position size it was charged on. */
  readonly size: Decimal;
  /** Mark price it was charged at. */
  readonly markPrice: Decimal;
  /** Funding rate. */
  readonly rate: Decimal;
  /** Amount charged: positive = paid by the account, negative = received. */
  readonly amount: Decimal;
  /** Time, ms. */
  readonly ts: number;
}

/** What a position of signed `size` pays at `mark` and `rate` (negative: it receives). */
export function fundingAmount(size: Decimal, mark: Decimal, rate: Decimal): Decimal {
  return decimal(size.times(mark).times(rate).toFixed(FUNDING_DECIMALS));
}
