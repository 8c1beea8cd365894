/**
 * Settling the orders a restart adopted from the outbox (submits written after the last commit:
 * the dead process may or may not have sent them). {@linkcode restoreSession} makes each an
 * ambiguous pending-new order; the private stream's catch-up answers those the venue took and
 * then filled or cancelled. What is left after it is settled here against the venue's open
 * orders, once the request's fence has passed (a request older than the venue's receive window
 * can no longer be carried out): listed → the venue's report applies; not listed → the request
 * never arrived, and the order is rejected. Never resent either way.
 *
 * @module
 */

import { type Micros, type Order, ZERO } from "../../domain/mod.ts";
import type { OmsSnapshot } from "../../execution/mod.ts";

/** How long after a request left its outcome may still change at the venue (ms). */
export const ADOPTED_FENCE_MS = 5_000;

/** What the OMS says about the adopted orders (the session's OMS has these). */
export interface AdoptedOms {
  /** The working orders as the OMS sees them. */
  openOrders(): readonly Order[];
  /** The working orders with their in-flight steps (`sentAt`: when the request left, µs). */
  snapshot(): OmsSnapshot;
}

/**
 * The fence of the adopted orders still waiting for an answer: the time (ms) after which
 * {@linkcode resolveAdopted} may conclude, or undefined when none is waiting.
 */
export function adoptedFence(
  oms: AdoptedOms,
  adopted: readonly string[],
  fenceMs: number = ADOPTED_FENCE_MS,
): number | undefined {
  const ids = new Set(waiting(oms, adopted).map((o) => o.request.clientOrderId));
  let latest: number | undefined;
  for (const order of oms.snapshot().orders) {
    if (!ids.has(order.request.clientOrderId)) continue;
    const at = order.sentAt / 1000 + fenceMs;
    if (latest === undefined || at > latest) latest = at;
  }
  return latest;
}

/**
 * The reports that settle the adopted orders still pending-new: the venue's own report of an
 * order it lists open, else a rejection (the request never arrived). Call it past
 * {@linkcode adoptedFence}, with the venue's open orders read after the catch-up; process each
 * report as an `order-update` at `now`.
 */
export function resolveAdopted(
  oms: AdoptedOms,
  adopted: readonly string[],
  venueOpen: readonly Order[],
  now: Micros,
): Order[] {
  const listed = new Map(venueOpen.map((o) => [o.request.clientOrderId, o]));
  return waiting(oms, adopted).map((order): Order => {
    const found = listed.get(order.request.clientOrderId);
    if (found !== undefined) return found;
    return {
      id: "",
      request: order.request,
      status: "rejected",
      filledQuantity: ZERO,
      averagePrice: undefined,
      createdTs: now,
      updatedTs: now,
      reason: "sent before the process died and not at the venue after the restart: " +
        "the request never arrived (not resent)",
    };
  });
}

function waiting(oms: AdoptedOms, adopted: readonly string[]): Order[] {
  const ids = new Set(adopted);
  return oms.openOrders().filter((o) =>
    ids.has(o.request.clientOrderId) && o.status === "pending-new"
  );
}
