/**
 * The outcome of each order request, once: what feeds the `order-failures` streak. A request
 * fails when the venue refuses it, when its outcome is unknown, or when no answer comes within
 * the acknowledgement timeout; it succeeds when the venue acknowledges or fills it. Only the
 * first outcome of a client id counts: the late REST answer of a request the private stream
 * already settled, or a duplicate report, is no new success that would end a streak of real
 * failures (nor a new failure).
 *
 * @module
 */

import type { Event } from "../../events/mod.ts";

/** Where the outcomes go (an {@linkcode Alerter} and a {@linkcode LiveMetrics} fit). */
export interface OrderOutcomeSinks {
  /** The streak of failures. */
  readonly alerter: {
    orderFailed(kind: string, detail?: string): void;
    orderSucceeded(): void;
  };
  /** Errors by kind. */
  readonly metrics?: { orderError(kind: string): void };
}

/** How many client ids are remembered (the oldest are forgotten first). */
const REMEMBERED = 10_000;

/**
 * Counts the first outcome of each order request.
 *
 * @example
 * ```ts
 * import { OrderOutcomes } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const outcomes = new OrderOutcomes({
 *   alerter: { orderFailed: (kind) => seen.push(kind), orderSucceeded: () => seen.push("ok") },
 * });
 * outcomes.alert("order-ambiguous", "t-1", "no answer within 5 s");
 * outcomes.alert("order-ambiguous", "t-1", "again"); // the same request: counted once
 * assert.deepEqual(seen, ["timeout"]);
 * ```
 */
export class OrderOutcomes {
  readonly #sinks: OrderOutcomeSinks;
  readonly #counted = new Set<string>();

  /** Creates the counter. */
  constructor(sinks: OrderOutcomeSinks) {
    this.#sinks = sinks;
  }

  /** Sees an engine event: order updates and the venue's alerts about a request. */
  observe(event: Event): void {
    if (event.kind === "order-update") {
      const { order } = event;
      switch (order.status) {
        case "rejected":
          this.#failed(order.request.clientOrderId, "rejected", order.reason);
          return;
        case "accepted":
        case "partially-filled":
        case "filled":
          this.#succeeded(order.request.clientOrderId);
          return;
        case "pending-new":
        case "pending-cancel":
        case "pending-amend":
        case "canceled":
        case "expired":
          return;
        default: {
          const never: never = order.status;
          throw new TypeError(`unknown order status ${String(never)}`);
        }
      }
    }
    if (event.kind === "alert" && event.clientOrderId !== undefined) {
      this.alert(event.code, event.clientOrderId, event.message);
    }
  }

  /**
   * A venue alert about request `clientOrderId`: `order-outcome-unknown` (the request failed
   * in a way that may or may not have placed it) and `order-ambiguous` (no answer in time)
   * are failures; other codes are not about a request's outcome.
   */
  alert(code: string, clientOrderId: string, message: string): void {
    if (code === "order-outcome-unknown") this.#failed(clientOrderId, "unknown", message);
    else if (code === "order-ambiguous") this.#failed(clientOrderId, "timeout", message);
  }

  #failed(clientOrderId: string, kind: string, detail: string | undefined): void {
    if (!this.#first(clientOrderId)) return;
    this.#sinks.metrics?.orderError(kind);
    this.#sinks.alerter.orderFailed(kind, detail);
  }

  #succeeded(clientOrderId: string): void {
    if (this.#first(clientOrderId)) this.#sinks.alerter.orderSucceeded();
  }

  #first(clientOrderId: string): boolean {
    if (this.#counted.has(clientOrderId)) return false;
    this.#counted.add(clientOrderId);
    if (this.#counted.size > REMEMBERED) {
      const oldest = this.#counted.values().next();
      if (oldest.done !== true) this.#counted.delete(oldest.value);
    }
    return true;
  }
}
