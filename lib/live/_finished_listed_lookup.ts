/**
 * An order of ours the OMS saw finish that the venue lists open, asked for by its client id:
 * a listing alone does not say it is open (the venue's list lags its order state). Finished
 * there, the listing was stale and nothing is sent (a cancel would only be refused); open
 * there, it is a real mismatch: the `cancel` policy cancels it, `adopt` cannot (the OMS will
 * not take back an order it saw finish) and trading stays halted for the operator. A query that
 * fails, or finds no such order, settles nothing: trading stays halted until a pass settles it.
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import { isTerminal, type Order } from "../domain/mod.ts";
import { errorMessage } from "./_error_message.ts";
import type { OrderDifference, UnknownOrderPolicy } from "./order_difference.ts";

/** What the lookup asks and may send. */
export interface FinishedListedLookup {
  /** The venue's order by client id. */
  readonly venue: Pick<ExecutionClient, "orderByClientId">;
  /** The unknown-order policy (only `cancel` cancels an order confirmed open). */
  readonly policy: UnknownOrderPolicy;
  /** Sends the policy's cancel (`PolicyCancels.cancel`). */
  readonly cancel: (difference: OrderDifference) => Promise<OrderDifference>;
}

/** `difference` (a `finished-listed` one) with what the venue said of the order by its id. */
export async function lookUpFinishedListed(
  difference: OrderDifference,
  lookup: FinishedListedLookup,
): Promise<OrderDifference> {
  let found: Order | undefined;
  try {
    found = await lookup.venue.orderByClientId(difference.symbol, difference.clientOrderId);
  } catch (error) {
    return { ...difference, action: "query-failed", reason: errorMessage(error) };
  }
  if (found === undefined) {
    return { ...difference, action: "query-failed", reason: "the venue has no order of this id" };
  }
  const state = `the venue has it ${found.status}`;
  if (isTerminal(found.status)) return { ...difference, action: "stale-listing", reason: state };
  if (lookup.policy === "cancel") return await lookup.cancel(difference);
  return { ...difference, action: "untouched", reason: state };
}
