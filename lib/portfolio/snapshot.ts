/**
 * The JSON-safe snapshot of a portfolio, for live restarts: exact decimals travel as strings,
 * marks as numbers.
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";
import type { TradeLedgerSnapshot } from "./trade_ledger.ts";

/** Snapshot format version written by this code. */
export const PORTFOLIO_SNAPSHOT_VERSION = 1;

/** One symbol's exact state. */
export interface PositionSnapshot {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Signed quantity. */
  readonly quantity: string;
  /** Entry notional of the open quantity, in the settle currency. */
  readonly cost: string;
  /** Realized PnL so far, in the settle currency, before fees. */
  readonly realizedPnl: string;
  /** A liquidation was reported and no fill has followed yet. */
  readonly liquidationPending: boolean;
  /** Funding drawn from the position's isolated margin (absent when none). */
  readonly marginDrawn?: string;
}

/** The whole state of a portfolio. */
export interface PortfolioSnapshot {
  /** Format version ({@linkcode PORTFOLIO_SNAPSHOT_VERSION}). */
  readonly version: number;
  /** Reporting currency; must match the options given to restore. */
  readonly reportingCurrency: string;
  /** Wallet balances by currency. */
  readonly balances: Readonly<Record<string, string>>;
  /** Every symbol that ever traded. */
  readonly positions: readonly PositionSnapshot[];
  /** Last marks (only symbols that have one). */
  readonly marks: Readonly<Record<SymbolId, number>>;
  /** Fees paid by currency. */
  readonly feesByCurrency: Readonly<Record<string, string>>;
  /** Funding paid by currency. */
  readonly fundingByCurrency: Readonly<Record<string, string>>;
  /** Fees paid in the reporting currency. */
  readonly feesPaid: string;
  /** Funding paid in the reporting currency. */
  readonly fundingPaid: string;
  /** Realized PnL in the reporting currency. */
  readonly realizedPnl: string;
  /** Σ fill notional in the reporting currency. */
  readonly turnover: string;
  /** Liquidations counted. */
  readonly liquidations: number;
  /**
   * The time (µs) of the last venue funding payment booked per symbol, so a payment delivered
   * again after a restart is not booked twice (absent in snapshots written before).
   */
  readonly venueFundingTs?: Readonly<Record<SymbolId, number>>;
  /** Round trips, open and completed. */
  readonly ledger: TradeLedgerSnapshot;
}
