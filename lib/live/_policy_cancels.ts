/**
 * The `cancel` side of the unknown-order policy: the cancels a pass sends at the venue for open
 * orders the OMS does not know. A cancel the venue refuses is not remembered as done: the order
 * is still open on the next pass, which cancels it again. The ids of orders that were cancelled
 * are remembered (bounded) because the venue's reports of them are expected, not news.
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import { errorMessage } from "./_error_message.ts";
import type { OrderDifference } from "./order_difference.ts";

// How many cancelled orders that were not ours are remembered (their late reports expected).
const CANCELLED_MEMORY = 1024;

/** The venue's cancel, as the policy sends it. */
export type VenueCancel = Pick<ExecutionClient, "cancelOrder">;

/** The policy's cancels, and the orders they took (see the module doc). */
export class PolicyCancels {
  readonly #venue: VenueCancel;
  // The cancels sent that the venue took, or that are on their way (bounded, oldest out).
  readonly #cancelled = new Set<string>();

  /** Cancels sent through `venue`. */
  constructor(venue: VenueCancel) {
    this.#venue = venue;
  }

  /** Whether a cancel of `clientOrderId` was taken by the venue, or is on its way. */
  cancelled(clientOrderId: string): boolean {
    return this.#cancelled.has(clientOrderId);
  }

  /** Cancels `difference`'s order at the venue; the difference with what the venue said. */
  async cancel(difference: OrderDifference): Promise<OrderDifference> {
    const id = difference.clientOrderId;
    // Marked before it is sent: the venue's report may come before its answer.
    this.#cancelled.add(id);
    if (this.#cancelled.size > CANCELLED_MEMORY) {
      this.#cancelled.delete(this.#cancelled.values().next().value ?? id);
    }
    try {
      await this.#venue.cancelOrder(difference.symbol, id);
      return { ...difference, action: "canceled" };
    } catch (error) {
      this.#cancelled.delete(id);
      return { ...difference, action: "cancel-refused", reason: errorMessage(error) };
    }
  }
}
