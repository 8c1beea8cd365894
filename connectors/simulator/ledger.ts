/**
 * The ledger: every order state and every fill the simulated venue produced, in order, as
 * frozen copies, and how many REST requests it received per route. Tests compare it with what
 * the client believes (`sim.ledger.orders()`, `sim.ledger.fills()`, `sim.ledger.requests()`).
 *
 * @module
 */

import type { SimFunding } from "./funding.ts";
import type { SimFill, SimOrder } from "./order.ts";

/** A frozen copy of an order at one moment. */
export type OrderRecord = Readonly<SimOrder>;

/** One ledger line. */
export type LedgerEntry =
  | { readonly kind: "order"; readonly order: OrderRecord }
  | { readonly kind: "fill"; readonly fill: SimFill }
  | { readonly kind: "funding"; readonly funding: SimFunding };

/** Filters of {@linkcode Ledger.orders} and {@linkcode Ledger.fills}. */
export interface LedgerFilter {
  /** Only this account. */
  readonly accountId?: number;
  /** Only this venue code. */
  readonly code?: string;
}

/** The record of everything the venue did with orders, and the funding it booked. */
export class Ledger {
  readonly #entries: LedgerEntry[] = [];
  readonly #latest = new Map<string, OrderRecord>();
  readonly #requests = new Map<string, number>();

  /** Records the current state of `order`. */
  recordOrder(order: SimOrder): void {
    const copy: OrderRecord = Object.freeze({ ...order });
    this.#entries.push({ kind: "order", order: copy });
    this.#latest.set(order.orderId, copy);
  }

  /** Records a fill. */
  recordFill(fill: SimFill): void {
    this.#entries.push({ kind: "fill", fill: Object.freeze({ ...fill }) });
  }

  /** Records a funding payment. */
  recordFunding(funding: SimFunding): void {
    this.#entries.push({ kind: "funding", funding: Object.freeze({ ...funding }) });
  }

  /** Counts one REST request the venue received for `route` (`METHOD path`). */
  recordRequest(route: string): void {
    this.#requests.set(route, (this.#requests.get(route) ?? 0) + 1);
  }

  /** How many REST requests the venue received for `route` (`METHOD path`), so far. */
  requests(route: string): number {
    return this.#requests.get(route) ?? 0;
  }

  /** Every entry in the order it happened. */
  entries(): readonly LedgerEntry[] {
    return [...this.#entries];
  }

  /** The latest state of every order, in creation order. */
  orders(filter: LedgerFilter = {}): readonly OrderRecord[] {
    return [...this.#latest.values()].filter((order) =>
      (filter.accountId === undefined || order.accountId === filter.accountId) &&
      (filter.code === undefined || order.code === filter.code)
    );
  }

  /** The latest state of one order, by venue id or client id. */
  order(id: string): OrderRecord | undefined {
    return this.#latest.get(id) ??
      [...this.#latest.values()].find((order) => order.clientId === id);
  }

  /** Every state an order went through (by venue id), oldest first. */
  history(orderId: string): readonly OrderRecord[] {
    const out: OrderRecord[] = [];
    for (const entry of this.#entries) {
      if (entry.kind === "order" && entry.order.orderId === orderId) out.push(entry.order);
    }
    return out;
  }

  /** Every fill, oldest first. */
  fills(filter: LedgerFilter = {}): readonly SimFill[] {
    const out: SimFill[] = [];
    for (const entry of this.#entries) {
      if (
        entry.kind === "fill" &&
        (filter.accountId === undefined || entry.fill.accountId === filter.accountId) &&
        (filter.code === undefined || entry.fill.code === filter.code)
      ) out.push(entry.fill);
    }
    return out;
  }

  /** Every funding payment, oldest first. */
  fundings(filter: LedgerFilter = {}): readonly SimFunding[] {
    const out: SimFunding[] = [];
    for (const entry of this.#entries) {
      if (
        entry.kind === "funding" &&
        (filter.accountId === undefined || entry.funding.accountId === filter.accountId) &&
        (filter.code === undefined || entry.funding.code === filter.code)
      ) out.push(entry.funding);
    }
    return out;
  }
}
