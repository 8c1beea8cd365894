/**
 * Signals: what a strategy wants, position-aware and free of sizing. The OMS turns them into
 * orders (sizer → risk → execution algorithm).
 *
 * @module
 */

import type { SymbolId } from "./symbol.ts";

/** The intent of a signal. Exits and Flatten act only on what is open. */
export type SignalKind = "enter-long" | "exit-long" | "enter-short" | "exit-short" | "flatten";

/** How the strategy would like the signal executed. */
export type ExecutionHint =
  | { readonly kind: "market" }
  | { readonly kind: "limit"; readonly price: number; readonly postOnly?: boolean }
  | { readonly kind: "twap"; readonly durationSecs: number; readonly slices: number }
  | { readonly kind: "vwap"; readonly durationSecs: number; readonly participation: number }
  | { readonly kind: "iceberg"; readonly price: number; readonly displayQuantity: number }
  | { readonly kind: "pegged-best"; readonly offsetTicks: number }
  | { readonly kind: "sniper"; readonly price: number; readonly timeoutSecs: number }
  | { readonly kind: "trailing-stop"; readonly trailPercent: number };

/** A strategy's request to change its exposure. */
export interface Signal {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** What to do. */
  readonly kind: SignalKind;
  /** 0..1, used by confidence-aware sizers. */
  readonly confidence: number;
  /** Protective stop price for the new position. */
  readonly stopLoss?: number;
  /** Profit target price for the new position. */
  readonly takeProfit?: number;
  /** Execution preference; market when omitted. */
  readonly hint?: ExecutionHint;
  /** Links signals of one intent (e.g. the two legs of a pair). */
  readonly groupId?: string;
  /** Free text for reports. */
  readonly note?: string;
  /** Quantity override in base units/contracts; the sizer decides when omitted. */
  readonly quantity?: number;
}

/** All signal kinds, for validation at the edge. */
export const SIGNAL_KINDS: readonly SignalKind[] = [
  "enter-long",
  "exit-long",
  "enter-short",
  "exit-short",
  "flatten",
];
