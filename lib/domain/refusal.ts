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
  // Buying power, with the working orders' reservations.
  "insufficient-balance",
  "insufficient-margin",
  // The OMS's trading state and order lifecycle.
  "reducing-only",
  "trading-halted",
  "order-in-flight",
  "order-unknown",
  // The venue said no.
  "venue",
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

const RULES: ReadonlySet<string> = new Set(REFUSAL_RULES);

/** Whether `value` names a {@linkcode RefusalRule}. */
export function isRefusalRule(value: string): value is RefusalRule {
  return RULES.has(value);
}
