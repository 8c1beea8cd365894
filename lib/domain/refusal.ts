/**
 * Typed refusals: why a signal, order, amend or cancel was not sent (or was refused by the
 * venue), as a closed set of rules with the numbers behind them, so reports, logs and metrics
 * read the same facts.
 *
 * @module
 */

import type { SymbolId } from "./symbol.ts";

/** Every rule a refusal can name, in a fixed order (for tables and tests). */
export const REFUSAL_RULES = [
  // The order itself (instrument grid and limits, shared with the venues' validator).
  "quantity",
  "lot",
  "min-quantity",
  "price",
  "tick",
  "min-notional",
  // Signals the OMS cannot turn into an order.
  "unknown-symbol",
  "no-price",
  "bad-size",
  "zero-size",
  "unsupported-hint",
  "unsupported-amend",
  // Pre-trade risk.
  "kill-switch",
  "max-order-quantity",
  "max-order-notional",
  "max-position",
  "price-band",
  "order-rate",
  // Buying power, with the working orders' reservations.
  "insufficient-balance",
  "insufficient-margin",
  // The OMS's trading state and order lifecycle.
  "reducing-only",
  "trading-halted",
  "order-in-flight",
  // The venue said no.
  "venue",
  // The strategy's own output, malformed, refused at the host edge before the OMS sees it.
  "malformed-signal",
  "malformed-order",
  "malformed-amend",
] as const;

/** The closed set of refusal rules. */
export type RefusalRule = typeof REFUSAL_RULES[number];

/** One refusal with the numbers that decided it (in the unit its message names). */
export interface Refusal {
  /** Which rule refused. */
  readonly rule: RefusalRule;
  /** One line for humans, with the numbers. */
  readonly message: string;
  /** The symbol, when the refusal concerns one. */
  readonly symbol?: SymbolId;
  /** The order's client id, when one was assigned or named. */
  readonly clientOrderId?: string;
  /** The limit that was hit (a risk limit, the free margin, …). */
  readonly limit?: number;
  /** What was asked (order quantity, notional, the margin it needs, …). */
  readonly requested?: number;
  /** What already counts against the limit (position, reserved margin, drawdown, …). */
  readonly current?: number;
}

/** One line per rule saying what it guards, for reports and logs. */
export const REFUSAL_RULE_HELP: Readonly<Record<RefusalRule, string>> = {
  "quantity": "the order quantity is not a positive number",
  "lot": "the quantity is not a multiple of the instrument's lot size",
  "min-quantity": "the quantity is below the instrument's minimum",
  "price": "a price is not a positive number",
  "tick": "a price is not on the instrument's tick grid",
  "min-notional": "the order's value is below the instrument's minimum notional",
  "unknown-symbol": "the symbol has no instrument in the markets file",
  "no-price": "a signal came before any price to size it with",
  "bad-size": "the sizer returned a negative or non-finite quantity",
  "zero-size": "the sized quantity rounds down to zero lots",
  "unsupported-hint": "the execution hint cannot be carried out in this venue mode",
  "unsupported-amend": "the venue mode cannot amend orders",
  "kill-switch": "the drawdown kill switch tripped: only reducing orders pass",
  "max-order-quantity": "the order is larger than the risk limit on one order's quantity",
  "max-order-notional": "the order's notional is above the risk limit on one order",
  "max-position": "the position could pass its risk limit if the working orders on its side fill",
  "price-band": "the limit price is farther from the last mark than the risk limit's band",
  "order-rate": "the order would pass the risk limit on orders per minute",
  "insufficient-balance": "spot: the balance, less what working orders reserve, cannot pay",
  "insufficient-margin":
    "perpetual: the free margin, less what working orders reserve, cannot cover initial margin and fee",
  "reducing-only": "the OMS trades reducing-only: the order does not shrink the position",
  "trading-halted": "the OMS is halted: nothing but cancels is sent",
  "order-in-flight": "a cancel of the order is in flight: it cannot be amended",
  "venue": "the venue rejected the order or an amend",
  "malformed-signal":
    "the strategy emitted a malformed signal (unknown kind, bad number, unknown symbol or hint)",
  "malformed-order":
    "the strategy placed a malformed order (bad side, type, quantity, price or symbol)",
  "malformed-amend": "the strategy asked for a malformed amend (a price or quantity not positive)",
};

const RULES: ReadonlySet<string> = new Set(REFUSAL_RULES);

/** Whether `value` names a {@linkcode RefusalRule}. */
export function isRefusalRule(value: string): value is RefusalRule {
  return RULES.has(value);
}
