/**
 * Signals: what a strategy wants, position-aware and free of sizing. The OMS turns them into
 * orders (sizer → risk → execution algorithm).
 *
 * @module
 */

import type { SymbolId } from "./symbol.ts";

/** The intent of a signal. Exits and Flatten act only on what is open. */
export type SignalKind = "enter-long" | "exit-long" | "enter-short" | "exit-short" | "flatten";

/**
 * How the strategy would like the signal executed. Besides `market` and `limit`, each kind is
 * an execution algorithm that works the sized signal as a parent order through child orders
 * (docs/execution_algorithms.md); optional fields have the defaults named there.
 */
export type ExecutionHint =
  | { readonly kind: "market" }
  | { readonly kind: "limit"; readonly price: number; readonly postOnly?: boolean }
  | {
    readonly kind: "twap";
    /** Time over which the slices are spread (s). */
    readonly durationSecs: number;
    /** Number of child orders. */
    readonly slices: number;
    /** Limit price of every child (market children when absent). */
    readonly price?: number;
    /** Seeded jitter of slice times and sizes, as a fraction of a slice (0..1, default 0). */
    readonly randomize?: number;
    /** Seed of the jitter (default 1). */
    readonly seed?: number;
  }
  | {
    readonly kind: "vwap";
    /** Time over which the parent is worked (s). */
    readonly durationSecs: number;
    /** Cap on our share of the volume observed since the start (0..1]. */
    readonly participation: number;
    /** Volume weights per bucket (default: the volume seen at those times of day before). */
    readonly profile?: readonly number[];
    /** Length of one bucket (s, default 60). */
    readonly bucketSecs?: number;
  }
  | { readonly kind: "iceberg"; readonly price: number; readonly displayQuantity: number }
  | {
    readonly kind: "pegged-best";
    /** Ticks behind the touch (0 = at the best bid for a buy, best ask for a sell). */
    readonly offsetTicks: number;
    /** How often the peg is re-checked (s, default 1). */
    readonly refreshSecs?: number;
    /** Largest child quantity (default: the whole parent). */
    readonly clipSize?: number;
    /** How far (price) the peg must be off before the child moves (default one tick). */
    readonly minChaseDistance?: number;
  }
  | { readonly kind: "sniper"; readonly price: number; readonly timeoutSecs: number }
  | {
    readonly kind: "trailing-stop";
    /** Retrace from the best price since arming that triggers the exit (percent). */
    readonly callbackRate: number;
    /** Price at which it arms (default: armed at once). */
    readonly activationPrice?: number;
  };

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
