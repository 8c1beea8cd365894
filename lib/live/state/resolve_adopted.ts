/**
 * Settling the orders a restart adopted: those with a step the dead process sent and never
 * had answered — a submit, cancel or amend, written after the last commit or committed before
 * its answer came (the process may or may not have sent it). {@linkcode restoreSession} makes
 * each ambiguous; the private stream's catch-up answers those the venue carried out (filled,
 * cancelled, amended). What is left after it is settled here against the venue's open orders,
 * once the request's fence has passed (a request older than the venue's receive window can no
 * longer be carried out): a submit listed → the venue's report applies; not listed → it never
 * arrived, and the order is rejected; a cancel or amend of an order the venue lists unchanged
 * never took effect, and is undone (the order works as the venue lists it). Never resent.
 *
 * @module
 */

import { type Micros, type Order, ZERO } from "../../domain/mod.ts";
import type { AlertEvent } from "../../events/mod.ts";
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
  let latest: number | undefined;
  for (const { sentAt } of waiting(oms, adopted)) {
    const at = sentAt / 1000 + fenceMs;
    if (latest === undefined || at > latest) latest = at;
  }
  return latest;
}

/**
 * The reports that settle the adopted orders still waiting: the venue's own report of an order
 * it lists open, else, for an order the venue never acknowledged, a rejection (the request
 * never arrived). Call it past {@linkcode adoptedFence}, with the venue's open orders read
 * after the catch-up; process each report as an `order-update` at `now`, then the alerts of
 * {@linkcode refusedSteps}.
 */
export function resolveAdopted(
  oms: AdoptedOms,
  adopted: readonly string[],
  venueOpen: readonly Order[],
  now: Micros,
): Order[] {
  const listed = new Map(venueOpen.map((o) => [o.request.clientOrderId, o]));
  const reports: Order[] = [];
  for (const { order, acknowledged } of waiting(oms, adopted)) {
    const found = listed.get(order.request.clientOrderId);
    if (found !== undefined) {
      reports.push(found);
      continue;
    }
    // An acknowledged order the venue no longer lists is gone (cancelled or filled): its own
    // report comes with the catch-up or the reconciliation, never guessed here.
    if (acknowledged) continue;
    reports.push({
      id: "",
      request: order.request,
      status: "rejected",
      filledQuantity: ZERO,
      averagePrice: undefined,
      createdTs: now,
      updatedTs: now,
      reason: "sent before the process died and not at the venue after the restart: " +
        "the request never arrived (not resent)",
    });
  }
  return reports;
}

/**
 * The cancels and amends of adopted orders that the venue did not carry out, as the refusals
 * that undo them: the order is still open at the venue past the fence (a cancel that arrived
 * would have ended it), and an amend still in flight after the venue's report was applied did
 * not change it. Call it after the reports of {@linkcode resolveAdopted} are processed, with
 * the same open orders; process each alert at `now`.
 */
export function refusedSteps(
  oms: AdoptedOms,
  adopted: readonly string[],
  venueOpen: readonly Order[],
  now: Micros,
): AlertEvent[] {
  const listed = new Set(venueOpen.map((o) => o.request.clientOrderId));
  const alerts: AlertEvent[] = [];
  for (const { order, step } of waiting(oms, adopted)) {
    const { clientOrderId, symbol } = order.request;
    if (step === "new" || !listed.has(clientOrderId)) continue;
    alerts.push({
      kind: "alert",
      ts: now,
      tsRecv: now,
      severity: "warning",
      code: step === "cancel" ? "cancel-refused" : "amend-refused",
      message: `${symbol}: the ${step} of ${clientOrderId} sent before the restart was not ` +
        "carried out (the venue lists the order unchanged): it works as before (not resent)",
      symbol,
      clientOrderId,
    });
  }
  return alerts;
}

interface Waiting {
  readonly order: Order;
  readonly step: "new" | "cancel" | "amend";
  readonly acknowledged: boolean;
  readonly sentAt: Micros;
}

// The adopted orders still working with a step in flight.
function waiting(oms: AdoptedOms, adopted: readonly string[]): Waiting[] {
  const ids = new Set(adopted);
  const views = new Map(oms.openOrders().map((o) => [o.request.clientOrderId, o]));
  const out: Waiting[] = [];
  for (const order of oms.snapshot().orders) {
    const id = order.request.clientOrderId;
    const view = views.get(id);
    if (!ids.has(id) || order.inFlight === undefined || view === undefined) continue;
    out.push({
      order: view,
      step: order.inFlight,
      acknowledged: order.venue !== undefined,
      sentAt: order.sentAt,
    });
  }
  return out;
}
