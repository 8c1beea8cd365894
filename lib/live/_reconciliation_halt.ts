/**
 * The halting rule of reconciliation: while a pass runs, and for as long as a mismatch stays
 * open, the OMS is halted (nothing but cancels goes out); a pass that finds none restores the
 * trading state from before.
 *
 * @module
 */

import type { TradingState } from "../execution/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { OrderDifference } from "./order_difference.ts";

/** The OMS's halt while reconciliation has not found the venue and the OMS agreeing. */
export class ReconciliationHalt {
  readonly #session: TradingSession;
  readonly #inEngine: (action: () => void) => void;
  #halted = false;
  #before: TradingState = "active";

  /** Halts `session`'s OMS through `inEngine` (see `ReconcilerOptions.inEngine`). */
  constructor(session: TradingSession, inEngine: (action: () => void) => void) {
    this.#session = session;
    this.#inEngine = inEngine;
  }

  /** Whether trading is halted. */
  get halted(): boolean {
    return this.#halted;
  }

  /** Halts trading, remembering the state to restore (a second halt keeps the first's). */
  halt(): void {
    if (this.#halted) return;
    const session = this.#session;
    this.#before = session.oms.tradingState;
    this.#halted = true;
    this.#inEngine(() => session.oms.setTradingState("halted"));
  }

  /** Restores the trading state from before the halt. */
  resume(): void {
    if (!this.#halted) return;
    const session = this.#session;
    this.#halted = false;
    // The kill switch may have tripped while the pass ran: it wins over the state from before.
    const state: TradingState = session.risk.liquidateOnly ? "reducing-only" : this.#before;
    this.#inEngine(() => session.oms.setTradingState(state));
  }
}

/**
 * Whether `difference` keeps trading halted: an order the OMS holds that the venue does not
 * list, an order of ours the pass could neither adopt nor have cancelled, or one the OMS saw
 * finish that the venue did not confirm finished (or was not cancelled). An order that is not
 * ours never does: it is the policy's to handle (a cancel refused is sent again next pass).
 */
export function keepsHalted(difference: OrderDifference): boolean {
  switch (difference.kind) {
    case "missing":
      return true;
    case "unknown-ours":
      return difference.action !== "adopted" && difference.action !== "canceled";
    case "finished-listed":
      return difference.action !== "stale-listing" && difference.action !== "canceled";
    case "external":
      return false;
    default: {
      const unknown: never = difference.kind;
      throw new TypeError(`Unknown order difference ${unknown}`);
    }
  }
}
