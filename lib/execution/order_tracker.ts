/**
 * The OMS's book of its own orders, built for venues that answer late, out of order, twice or
 * never: each order's local state with its in-flight step (pending-new, pending-cancel,
 * pending-amend), the venue's last report, the fills seen (by trade id, so none is applied
 * twice), and counters of duplicate, late and unknown reports. It decides; the
 * {@linkcode OrderManager} sends.
 *
 * @module
 */

import {
  type Decimal,
  type Fill,
  isTerminal,
  type Micros,
  type Order,
  type OrderRequest,
  type OrderStatus,
  type SymbolId,
  ZERO,
} from "../domain/mod.ts";
import { KeyQueue } from "./_key_queue.ts";
import { TradeMemory } from "./_trade_memory.ts";

/** A change an amend asks for. */
export interface AmendChange {
  /** New limit price. */
  readonly price?: Decimal;
  /** New total quantity. */
  readonly quantity?: Decimal;
}

/** The in-flight step of an order: what was sent and not yet answered. */
export type InFlight = "new" | "cancel" | "amend";

/** One tracked order (internal, mutable). */
export interface TrackedOrder {
  /** The request as the venue last confirmed it (as sent, before the first report). */
  request: OrderRequest;
  /** The venue's last report, if any came. */
  venue: Order | undefined;
  /** Unanswered step, if any. */
  inFlight: InFlight | undefined;
  /** The change the amend in flight asks for. */
  target: AmendChange | undefined;
  /** An amend asked while another step was in flight, sent when that one is answered. */
  next: AmendChange | undefined;
  /** Bumped with every step, so a timer knows whether its step is still the open one. */
  seq: number;
  /** The answer to the open step did not come in time. */
  ambiguous: boolean;
  /** Quantity of the fills seen (a fill may come before the report that counts it). */
  filledByFills: Decimal;
  /** When it was sent. */
  readonly createdTs: Micros;
  /** When its latest step was sent. */
  sentAt: Micros;
  /** The order as strategies see it (rebuilt after each change). */
  view: Order | undefined;
}

/** What a report meant to the book. */
export type ReportOutcome =
  | { readonly kind: "applied"; readonly order: TrackedOrder }
  | { readonly kind: "finished"; readonly order: TrackedOrder }
  | { readonly kind: "duplicate" }
  | { readonly kind: "late" }
  | { readonly kind: "unknown" };

/**
 * What a fill meant to the book: `duplicate` (its trade id was already applied: do not book
 * it), else whose it is: a `working` order's, a finished one's (`late`) or an order this book
 * does not know (`unknown`). All but `duplicate` are booked: positions come from fills.
 */
export type FillOutcome = "duplicate" | "working" | "late" | "unknown";

/** Counters of the reports that were not simply applied. */
export interface TrackerCounts {
  /** Reports equal to one already applied. */
  readonly duplicateReports: number;
  /** Reports older than what was already known (out of order, or after the order finished). */
  readonly lateReports: number;
  /** Reports and fills of orders this OMS never sent. */
  readonly unknownReports: number;
  /** Fills whose trade id was already applied. */
  readonly duplicateFills: number;
  /** Fills of an order after it finished (applied: positions come from fills). */
  readonly lateFills: number;
  /** In-flight steps whose answer never came in time. */
  readonly timeouts: number;
  /** Cancels and amends not sent because one was already in flight. */
  readonly suppressedCommands: number;
}

// How many finished orders and trade ids are remembered to recognise late and duplicate reports.
const FINISHED_MEMORY = 4096;
const TRADE_MEMORY = 65_536;

function sameChange(a: AmendChange | undefined, b: AmendChange | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const eq = (x: Decimal | undefined, y: Decimal | undefined) =>
    x === undefined ? y === undefined : y !== undefined && x.eq(y);
  return eq(a.price, b.price) && eq(a.quantity, b.quantity);
}

function applies(request: OrderRequest, change: AmendChange): boolean {
  const eq = (want: Decimal | undefined, got: Decimal | undefined) =>
    want === undefined || (got !== undefined && want.eq(got));
  return eq(change.price, request.price) && eq(change.quantity, request.quantity);
}

function sameReport(a: Order, b: Order): boolean {
  return a === b || (a.status === b.status && a.filledQuantity.eq(b.filledQuantity) &&
    a.request.quantity.eq(b.request.quantity) &&
    (a.request.price === undefined
      ? b.request.price === undefined
      : b.request.price !== undefined && a.request.price.eq(b.request.price)));
}

// A new step in flight (a cancel drops any waiting amend: the order is going away).
function begin(order: TrackedOrder, step: InFlight, target: AmendChange | undefined): void {
  order.inFlight = step;
  order.target = target;
  order.next = undefined;
  order.ambiguous = false;
  order.seq++;
  order.view = undefined;
}

/** The local status of a tracked order. */
export function localStatus(order: TrackedOrder): OrderStatus {
  switch (order.inFlight) {
    case "new":
      return "pending-new";
    case "cancel":
      return "pending-cancel";
    case "amend":
      return "pending-amend";
    case undefined:
      return order.venue?.status ?? "pending-new";
    default: {
      const unknown: never = order.inFlight;
      throw new TypeError(`Unknown in-flight step ${unknown}`);
    }
  }
}

/** The book of this OMS's orders. */
export class OrderTracker {
  readonly #working = new Map<string, TrackedOrder>();
  // The final report of each; undefined for one restored from a snapshot (only its id is kept).
  readonly #finished = new Map<string, Order | undefined>();
  readonly #finishedOrder = new KeyQueue();
  readonly #trades = new TradeMemory(TRADE_MEMORY);
  #duplicateReports = 0;
  #lateReports = 0;
  #unknownReports = 0;
  #duplicateFills = 0;
  #lateFills = 0;
  #timeouts = 0;
  #suppressed = 0;

  /** How many orders are working (in flight ones included). */
  get size(): number {
    return this.#working.size;
  }

  /** The working orders (not finished), in the order they were sent. */
  working(): IterableIterator<TrackedOrder> {
    return this.#working.values();
  }

  /** The tracked order with this client id, while it works. */
  get(clientOrderId: string): TrackedOrder | undefined {
    return this.#working.get(clientOrderId);
  }

  /** Counters of duplicate, late and unknown reports, timeouts and suppressed commands. */
  counts(): TrackerCounts {
    return {
      duplicateReports: this.#duplicateReports,
      lateReports: this.#lateReports,
      unknownReports: this.#unknownReports,
      duplicateFills: this.#duplicateFills,
      lateFills: this.#lateFills,
      timeouts: this.#timeouts,
      suppressedCommands: this.#suppressed,
    };
  }

  /** Starts tracking an order just sent (pending-new). */
  sent(request: OrderRequest, now: Micros): TrackedOrder {
    const order: TrackedOrder = {
      request,
      venue: undefined,
      inFlight: "new",
      target: undefined,
      next: undefined,
      seq: 0,
      ambiguous: false,
      filledByFills: ZERO,
      createdTs: now,
      sentAt: now,
      view: undefined,
    };
    this.#working.set(request.clientOrderId, order);
    return order;
  }

  /** Adopts a restored order as it was (restart from a snapshot). */
  adopt(order: TrackedOrder): void {
    this.#working.set(order.request.clientOrderId, order);
  }

  /**
   * Marks a cancel as sent; `false` (nothing to send) when the order is not working or a cancel
   * is already in flight (never select pending-cancel orders for cancelling).
   */
  cancel(clientOrderId: string): boolean {
    const order = this.#working.get(clientOrderId);
    if (order === undefined) return false;
    if (order.inFlight === "cancel") {
      this.#suppressed++;
      return false;
    }
    begin(order, "cancel", undefined);
    return true;
  }

  /**
   * Decides what to do with an amend: `"send"` (marked in flight), `"queued"` (another step is
   * in flight; the latest change is sent once it is answered), `"cancelling"` (a cancel is in
   * flight: refused) or `"not-working"`.
   */
  amend(
    clientOrderId: string,
    change: AmendChange,
  ): "send" | "queued" | "cancelling" | "not-working" {
    const order = this.#working.get(clientOrderId);
    if (order === undefined) return "not-working";
    switch (order.inFlight) {
      case "cancel":
        return "cancelling";
      case "new":
      case "amend":
        this.#suppressed++;
        // Asking again for what is already in flight needs nothing more.
        order.next = order.inFlight === "amend" && sameChange(order.target, change)
          ? undefined
          : change;
        return "queued";
      case undefined:
        this.startAmend(order, change);
        return "send";
      default: {
        const unknown: never = order.inFlight;
        throw new TypeError(`Unknown in-flight step ${unknown}`);
      }
    }
  }

  /** Marks `change` as the amend in flight. */
  startAmend(order: TrackedOrder, change: AmendChange): void {
    begin(order, "amend", change);
  }

  /**
   * Undoes the step `type` of an order: the port could not send it (a submit is forgotten), or
   * the venue refused a cancel or amend (the order is as it was). Returns the order if it is
   * still working.
   */
  undo(clientOrderId: string, type: "submit" | "cancel" | "amend"): TrackedOrder | undefined {
    const order = this.#working.get(clientOrderId);
    if (order === undefined) return undefined;
    const step: InFlight = type === "submit" ? "new" : type;
    if (order.inFlight !== step) return order;
    if (type === "submit") {
      this.#working.delete(clientOrderId);
      return undefined;
    }
    // A cancel sent before the acknowledgement replaced the "new" step; refused, the submit is
    // still unanswered (the caller re-arms its timeout).
    order.inFlight = order.venue === undefined ? "new" : undefined;
    order.target = undefined;
    order.ambiguous = false;
    order.seq++;
    order.view = undefined;
    return order;
  }

  /** Applies a venue report; see {@linkcode ReportOutcome}. */
  report(report: Order): ReportOutcome {
    const id = report.request.clientOrderId;
    const order = this.#working.get(id);
    if (order === undefined) {
      const finished = this.#finished.get(id);
      if (finished === undefined) return this.#reportOfRestored(id, report);
      if (sameReport(finished, report)) {
        this.#duplicateReports++;
        return { kind: "duplicate" };
      }
      this.#lateReports++;
      return { kind: "late" };
    }
    const last = order.venue;
    if (last !== undefined) {
      if (sameReport(last, report)) {
        this.#duplicateReports++;
        return { kind: "duplicate" };
      }
      // Fills and the venue's update time only grow, and an acknowledged order never goes back
      // to pending-new: anything else is an older report overtaken by a newer one. More fills
      // win over the time: a REST acknowledgement is stamped from our estimate of the venue's
      // clock, so it can look a little newer than the venue's own Filled report.
      const stale = report.filledQuantity.lt(last.filledQuantity) ||
        (report.updatedTs < last.updatedTs && !report.filledQuantity.gt(last.filledQuantity)) ||
        (report.status === "pending-new" && last.status !== "pending-new");
      if (stale) {
        this.#lateReports++;
        return { kind: "late" };
      }
    }
    order.venue = report;
    order.request = report.request;
    order.view = undefined;
    order.ambiguous = false;
    if (isTerminal(report.status)) {
      this.#working.delete(id);
      this.#remember(report);
      order.inFlight = undefined;
      return { kind: "finished", order };
    }
    switch (order.inFlight) {
      case "new":
        order.inFlight = undefined;
        break;
      case "amend":
        if (order.target !== undefined && applies(report.request, order.target)) {
          order.inFlight = undefined;
          order.target = undefined;
        }
        break;
      case "cancel":
      case undefined:
        break;
      default: {
        const unknown: never = order.inFlight;
        throw new TypeError(`Unknown in-flight step ${unknown}`);
      }
    }
    return { kind: "applied", order };
  }

  /**
   * Records a fill; see {@linkcode FillOutcome}. Fills of finished or unknown orders are new as
   * long as their trade id is: positions come from fills, whatever the order's state says.
   */
  fill(fill: Fill): FillOutcome {
    if (!this.#trades.add(fill.symbol, fill.tradeId)) {
      this.#duplicateFills++;
      return "duplicate";
    }
    const order = this.#working.get(fill.clientOrderId);
    if (order !== undefined) {
      order.filledByFills = order.filledByFills.plus(fill.quantity);
      return "working";
    }
    if (this.#finished.has(fill.clientOrderId)) {
      this.#lateFills++;
      return "late";
    }
    this.#unknownReports++;
    return "unknown";
  }

  /**
   * Remembers a fill's trade id without applying it (one that is not ours to book), so a later
   * delivery of it is a duplicate; `false` when it was remembered already.
   */
  passOver(fill: Fill): boolean {
    return this.#trades.add(fill.symbol, fill.tradeId);
  }

  /** The keys (`symbol|tradeId`) of the last `limit` fills applied, oldest first. */
  recentTrades(limit: number): readonly string[] {
    return this.#trades.recent(limit);
  }

  /** Remembers fills applied before a restart, so a re-delivered one is a duplicate. */
  seedTrades(keys: readonly string[]): void {
    this.#trades.seed(keys);
  }

  /** Client ids of the last `limit` orders that finished, oldest first. */
  recentFinished(limit: number): readonly string[] {
    return this.#finishedOrder.last(limit);
  }

  /**
   * Remembers orders that finished before a restart (their ids only), so the venue's reports of
   * them re-delivered after it are duplicate or late, not unknown; their fills with a new trade
   * id are late fills, still booked.
   */
  seedFinished(clientOrderIds: readonly string[]): void {
    for (const id of clientOrderIds) {
      if (this.#working.has(id) || this.#finished.has(id)) continue;
      this.#finished.set(id, undefined);
      this.#finishedOrder.push(id);
      this.#forgetOldestFinished();
    }
  }

  /** Whether `clientOrderId` names a recently finished order of ours (restored ones included). */
  finished(clientOrderId: string): boolean {
    return this.#finished.has(clientOrderId);
  }

  /** Whether `clientOrderId` names a working or recently finished order of ours. */
  knows(clientOrderId: string): boolean {
    return this.#working.has(clientOrderId) || this.#finished.has(clientOrderId);
  }

  /**
   * A timer of step `seq` of the order fired: when that step is still unanswered the order
   * becomes ambiguous (returned), else `undefined`.
   */
  timeout(clientOrderId: string, seq: number): TrackedOrder | undefined {
    const order = this.#working.get(clientOrderId);
    if (order === undefined || order.seq !== seq || order.inFlight === undefined) return undefined;
    if (order.ambiguous) return undefined;
    order.ambiguous = true;
    order.view = undefined;
    this.#timeouts++;
    return order;
  }

  /** The order as strategies see it: the local status, the venue's fills. */
  view(order: TrackedOrder): Order {
    if (order.view !== undefined) return order.view;
    const venue = order.venue;
    const view: Order = {
      id: venue?.id ?? "",
      request: order.request,
      status: localStatus(order),
      filledQuantity: venue?.filledQuantity ?? ZERO,
      averagePrice: venue?.averagePrice,
      createdTs: venue?.createdTs ?? order.createdTs,
      updatedTs: venue?.updatedTs ?? order.createdTs,
      ...(venue?.reason === undefined ? {} : { reason: venue.reason }),
      ...(order.ambiguous ? { ambiguous: true } : {}),
    };
    order.view = view;
    return view;
  }

  /** The unfilled quantity (the larger of the reported and the fills' filled quantity). */
  remaining(order: TrackedOrder): Decimal {
    const reported = order.venue?.filledQuantity ?? ZERO;
    const filled = reported.gt(order.filledByFills) ? reported : order.filledByFills;
    return order.request.quantity.minus(filled);
  }

  /** The working orders of one symbol (all when `symbol` is undefined). */
  *of(symbol: SymbolId | undefined): Generator<TrackedOrder> {
    for (const order of this.#working.values()) {
      if (symbol === undefined || order.request.symbol === symbol) yield order;
    }
  }

  #remember(report: Order): void {
    const id = report.request.clientOrderId;
    // One lookup: the map grows only for an id not remembered yet.
    const size = this.#finished.size;
    this.#finished.set(id, report);
    if (this.#finished.size > size) this.#finishedOrder.push(id);
    this.#forgetOldestFinished();
  }

  #forgetOldestFinished(): void {
    if (this.#finished.size <= FINISHED_MEMORY) return;
    const oldest = this.#finishedOrder.shift();
    if (oldest !== undefined) this.#finished.delete(oldest);
  }

  // A report of an order not working and not remembered with its final report: unknown, or one
  // that finished before a restart (its final report was not kept: a terminal report is taken
  // for a duplicate of it, any other for one it overtook).
  #reportOfRestored(id: string, report: Order): ReportOutcome {
    if (!this.#finished.has(id)) {
      this.#unknownReports++;
      return { kind: "unknown" };
    }
    if (isTerminal(report.status)) {
      this.#duplicateReports++;
      return { kind: "duplicate" };
    }
    this.#lateReports++;
    return { kind: "late" };
  }
}
