/**
 * The ports of the order manager: what it reads of the account, where it sends orders, and how
 * it is configured. Runners (backtest, live) implement the first two.
 *
 * @module
 */

import type { Decimal, Instrument, OrderRequest, SymbolId } from "../domain/mod.ts";
import type { PreTradeRisk } from "./risk.ts";
import type { Sizer } from "./sizer.ts";

/** What the OMS reads of the account. */
export interface AccountView {
  /** Signed position. */
  position(symbol: SymbolId): Decimal;
  /** Equity in the reporting currency. */
  equity(): number;
  /** Value of one unit of `currency` in the reporting currency (NaN when not yet known). */
  rateOf(currency: string): number;
  /** Margin free for new exposure in `currency` (perps), or its balance (spot). */
  freeMargin(currency: string): number;
  /** Leverage of the symbol's positions. */
  leverage(symbol: SymbolId): number;
  /** Last price seen for the symbol (NaN when none). */
  lastPrice(symbol: SymbolId): number;
  /** Latest ATR of the symbol for risk-adjusted sizing, when tracked. */
  volatility(symbol: SymbolId): number | undefined;
}

/** Where the OMS sends orders. */
export interface OrderSink {
  /** Sends a new order. */
  submit(request: OrderRequest): void;
  /** Cancels a working order. */
  cancel(symbol: SymbolId, clientOrderId: string): void;
  /** Changes a working order's price and/or quantity. */
  amend(
    symbol: SymbolId,
    clientOrderId: string,
    price: Decimal | undefined,
    quantity: Decimal | undefined,
  ): void;
}

/** Options of {@linkcode OrderManager}. */
export interface OrderManagerOptions {
  /** Instruments by symbol. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Decides quantities. */
  readonly sizer: Sizer;
  /** Pre-trade risk checks. */
  readonly risk: PreTradeRisk;
  /** Allow adding to an open position with another Enter signal (default false). */
  readonly pyramiding?: boolean;
  /** Prefix of client order ids (default `t`). */
  readonly idPrefix?: string;
}
