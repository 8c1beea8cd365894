// An asynchronous fake venue for the OMS property test: commands arrive after a random latency
// (in order, as over one connection), and every report travels on its own: delayed at random,
// so reports overtake each other, some far past the acknowledgement timeout, and some twice.
import {
  type Decimal,
  decimal,
  type Fill,
  type Order,
  type OrderRequest,
  ZERO,
} from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";

/** A time-ordered queue of callbacks (ties run in insertion order). */
export class Timeline {
  readonly #items: { at: number; seq: number; run: () => void }[] = [];
  #seq = 0;
  now = 0;

  /** Runs `run` at `at`. */
  at(at: number, run: () => void): void {
    // Whole µs, as every engine time is.
    const item = { at: Math.max(Math.round(at), this.now), seq: this.#seq++, run };
    // Binary insertion keeps the queue sorted by (at, seq).
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#items[mid];
      if (other.at < item.at || (other.at === item.at && other.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#items.splice(lo, 0, item);
  }

  /** Runs the next item; false when none is left. */
  step(): boolean {
    const item = this.#items.shift();
    if (item === undefined) return false;
    this.now = item.at;
    item.run();
    return true;
  }
}

/** What the venue reports to. */
export interface VenueReports {
  orderUpdate(order: Order): void;
  fill(fill: Fill): void;
  /** The venue port's `amend-refused` alert. */
  amendRefused(clientOrderId: string, symbol: string): void;
}

/** Knobs of the fake venue's faults. */
export interface VenueFaults {
  /** Random number in [0, 1). */
  readonly random: () => number;
  /** Command latency range (µs). */
  readonly commandLatency: readonly [number, number];
  /** Report latency range (µs). */
  readonly reportLatency: readonly [number, number];
  /** Chance a report is held far longer (past the OMS's acknowledgement timeout). */
  readonly stragglerChance: number;
  /** How long a straggler is held (µs). */
  readonly stragglerDelay: number;
  /** Chance a report is delivered twice. */
  readonly duplicateChance: number;
  /** Chance a submit is rejected. */
  readonly rejectChance: number;
}

interface VenueOrder {
  order: Order;
  readonly lot: Decimal;
}

/** The fake venue: the truth the OMS must converge to. */
export class AsyncVenue {
  readonly #timeline: Timeline;
  readonly #faults: VenueFaults;
  readonly #reports: VenueReports;
  readonly #orders = new Map<string, VenueOrder>();
  #lastArrival = 0;
  #clock = 0;
  #trades = 0;
  /** Every execution, by trade id. */
  readonly executions = new Map<string, Fill>();

  constructor(timeline: Timeline, faults: VenueFaults, reports: VenueReports) {
    this.#timeline = timeline;
    this.#faults = faults;
    this.#reports = reports;
  }

  /** The orders still working at the venue. */
  working(): Order[] {
    return [...this.#orders.values()].map((o) => o.order).filter((o) =>
      o.status === "accepted" || o.status === "partially-filled"
    );
  }

  /** Sends a command; it arrives after the latency, never before an earlier one. */
  send(command: OrderCommand): void {
    const [lo, hi] = this.#faults.commandLatency;
    const at = Math.max(
      this.#lastArrival,
      this.#timeline.now + lo + this.#faults.random() * (hi - lo),
    );
    this.#lastArrival = at;
    this.#timeline.at(at, () => this.#arrive(command));
  }

  /** Fills part of a random working order (a trade against it). */
  trade(): void {
    const working = [...this.#orders.values()].filter((o) =>
      o.order.status === "accepted" || o.order.status === "partially-filled"
    );
    if (working.length === 0) return;
    const target = working[Math.floor(this.#faults.random() * working.length)];
    const remaining = target.order.request.quantity.minus(target.order.filledQuantity);
    const lots = Math.max(1, Math.floor(this.#faults.random() * 3));
    const chunk = target.lot.times(lots);
    const quantity = remaining.lt(chunk) ? remaining : chunk;
    this.#execute(target, quantity);
  }

  #arrive(command: OrderCommand): void {
    switch (command.type) {
      case "submit": {
        const request = command.request;
        if (this.#orders.has(request.clientOrderId)) {
          throw new Error(`venue: ${request.clientOrderId} submitted twice`);
        }
        const order: Order = {
          id: `v-${request.clientOrderId}`,
          request,
          status: "pending-new",
          filledQuantity: ZERO,
          averagePrice: undefined,
          createdTs: this.#tick(),
          updatedTs: this.#clock,
        };
        const venueOrder: VenueOrder = { order, lot: decimal("0.001") };
        this.#orders.set(request.clientOrderId, venueOrder);
        if (this.#faults.random() < this.#faults.rejectChance) {
          this.#update(venueOrder, "rejected", { reason: "fake venue says no" });
          return;
        }
        this.#update(venueOrder, "accepted");
        if (request.type === "market") {
          this.#execute(venueOrder, request.quantity);
        }
        return;
      }
      case "cancel": {
        const venueOrder = this.#orders.get(command.clientOrderId);
        if (venueOrder === undefined) {
          throw new Error(`venue: cancel of unknown ${command.clientOrderId}`);
        }
        const status = venueOrder.order.status;
        // Already finished: the venue's answer is the order as it stands.
        if (status !== "accepted" && status !== "partially-filled") {
          this.#deliver(() => this.#reports.orderUpdate(venueOrder.order));
          return;
        }
        this.#update(venueOrder, "canceled");
        return;
      }
      case "amend": {
        const venueOrder = this.#orders.get(command.clientOrderId);
        if (venueOrder === undefined) {
          throw new Error(`venue: amend of unknown ${command.clientOrderId}`);
        }
        const order = venueOrder.order;
        const working = order.status === "accepted" || order.status === "partially-filled";
        const quantity = command.quantity ?? order.request.quantity;
        if (!working || quantity.lte(order.filledQuantity)) {
          const { clientOrderId, symbol } = order.request;
          this.#deliver(() => this.#reports.amendRefused(clientOrderId, symbol));
          return;
        }
        const request: OrderRequest = {
          ...order.request,
          ...(command.price === undefined ? {} : { price: command.price }),
          quantity,
        };
        venueOrder.order = { ...order, request };
        this.#update(venueOrder, order.status);
        return;
      }
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  #execute(venueOrder: VenueOrder, quantity: Decimal): void {
    const request = venueOrder.order.request;
    const fill: Fill = {
      orderId: venueOrder.order.id,
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      price: request.price ?? decimal("50000"),
      quantity,
      fee: ZERO,
      feeCurrency: "USDT",
      liquidity: "taker",
      tradeId: `x${++this.#trades}`,
    };
    this.executions.set(fill.tradeId, fill);
    this.#deliver(() => this.#reports.fill(fill));
    const filled = venueOrder.order.filledQuantity.plus(quantity);
    venueOrder.order = { ...venueOrder.order, filledQuantity: filled };
    this.#update(venueOrder, filled.eq(request.quantity) ? "filled" : "partially-filled");
  }

  #update(venueOrder: VenueOrder, status: Order["status"], extra: Partial<Order> = {}): void {
    venueOrder.order = { ...venueOrder.order, ...extra, status, updatedTs: this.#tick() };
    const report = venueOrder.order;
    this.#deliver(() => this.#reports.orderUpdate(report));
  }

  // Venue time only moves forward: every update has its own timestamp.
  #tick(): number {
    this.#clock = Math.max(this.#clock + 1, this.#timeline.now);
    return this.#clock;
  }

  #deliver(report: () => void): void {
    const { random, reportLatency: [lo, hi] } = this.#faults;
    const delay = (): number =>
      lo + random() * (hi - lo) +
      (random() < this.#faults.stragglerChance ? this.#faults.stragglerDelay : 0);
    this.#timeline.at(this.#timeline.now + delay(), report);
    if (random() < this.#faults.duplicateChance) {
      this.#timeline.at(this.#timeline.now + delay(), report);
    }
  }
}
