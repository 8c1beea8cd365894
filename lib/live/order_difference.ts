/**
 * The open-order differences a reconciliation pass finds between the venue and the OMS, and
 * what it did with each (live.md §2, steps 6 and 7).
 *
 * Ours is the full client-id shape `<prefix>-<epoch>-<counter>` of our prefix, so another
 * strategy whose prefix extends ours (`mm2` next to `mm`) is not mistaken for us.
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";

/**
 * What reconciliation does with an open venue order that is not ours (`live.unknown_order_policy`):
 * `adopt` it into the OMS and leave it at the venue, or `cancel` it there.
 */
export type UnknownOrderPolicy = "cancel" | "adopt";

/**
 * What a pass did with an order the OMS does not hold open: `adopted` into the OMS, `canceled`
 * at the venue, `cancel-refused` (the venue refused or failed; the next pass sends it again),
 * `untouched` (it has no client id: it can be neither cancelled by one nor told apart in the
 * OMS; or the OMS saw it finish and the `adopt` policy cannot take it back), `stale-listing`
 * (the OMS saw it finish and so does the venue, asked by id: nothing sent), or `query-failed`
 * (the query by id failed or found no order: nothing sent).
 */
export type ExternalOrderAction =
  | "adopted"
  | "canceled"
  | "cancel-refused"
  | "untouched"
  | "stale-listing"
  | "query-failed";

/** One open-order difference between the venue and the OMS. */
export interface OrderDifference {
  /** The order's client id. */
  readonly clientOrderId: string;
  /** Its symbol. */
  readonly symbol: SymbolId;
  /**
   * `unknown-ours`: the venue holds an order of our client-id shape the OMS does not know;
   * `external`: an order that is not ours (both handled by the unknown-order policy);
   * `finished-listed`: the venue lists open an order of ours the OMS saw finish;
   * `missing`: the OMS holds it open, the venue does not list it.
   */
  readonly kind: "unknown-ours" | "external" | "finished-listed" | "missing";
  /** All but missing orders: what the pass did with it. */
  readonly action?: ExternalOrderAction;
  /** A refused cancel, a failed query, a finished order's state at the venue: why. */
  readonly reason?: string;
}
