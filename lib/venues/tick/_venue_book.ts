/**
 * The market-data side of the matching engine: applies snapshots, deltas, quotes (as an L1
 * book while a symbol has no L2 data) and trades to a symbol's historical book, moves our
 * resting orders' queue positions, and finds the passive fills the data implies. Float64 only;
 * the exact booking of a fill is delegated back to the venue.
 *
 * @module
 */

import type { Micros, SymbolId } from "../../domain/mod.ts";
import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  QuoteEvent,
  TradeEvent,
} from "../../events/mod.ts";
import type { QueueModel } from "./queue_model.ts";
import type { SimBookSide } from "./sim_book.ts";
import { remainingLots, type SymbolState, type VenueOrder, wholeLots } from "./_venue_order.ts";

/** Market data the matching engine consumes. */
export type MarketDataEvent = TradeEvent | QuoteEvent | BookSnapshotEvent | BookDeltaEvent;

/** The symbol a market-data event is about. */
export function eventSymbol(event: MarketDataEvent): SymbolId {
  return event.kind === "trade"
    ? event.trade.symbol
    : event.kind === "quote"
    ? event.quote.symbol
    : event.kind === "book-snapshot"
    ? event.book.symbol
    : event.delta.symbol;
}

/** What the book side needs from the venue. */
export interface VenueBookHooks {
  /** Books a maker fill of `lots` at the order's limit; returns the lots executed. */
  passiveFill(state: SymbolState, o: VenueOrder, lots: number, ts: Micros): number;
  /** Triggers stop orders after the last trade price moved. */
  triggerStops(state: SymbolState, ts: Micros): void;
}

/** Applies market data to symbol states. */
export class VenueBook {
  readonly #model: QueueModel;
  readonly #hooks: VenueBookHooks;
  readonly #consume: boolean;
  /** Events applied. */
  marketEvents = 0;
  /** Deltas skipped before a snapshot. */
  deltasBeforeSnapshot = 0;
  /** Book events that left the historical book crossed. */
  crossedBooks = 0;

  /**
   * Makes the market-data side around a queue model; with `consume`, liquidity our resting
   * orders took when the book moved through them is remembered like a taker's.
   */
  constructor(model: QueueModel, hooks: VenueBookHooks, consume: boolean) {
    this.#model = model;
    this.#hooks = hooks;
    this.#consume = consume;
  }

  /** Applies one event; false when it was skipped (a delta before any snapshot). */
  apply(state: SymbolState, event: MarketDataEvent, ts: Micros): boolean {
    this.marketEvents++;
    switch (event.kind) {
      case "book-snapshot": {
        const { bids, asks } = event.book;
        state.l2 = true;
        const before = this.#sizesAtOurPrices(state);
        state.book.clear();
        for (let i = 0; i < bids.length; i++) state.book.bids.set(bids[i].price, bids[i].size);
        for (let i = 0; i < asks.length; i++) state.book.asks.set(asks[i].price, asks[i].size);
        this.#afterReplace(state, before);
        this.#afterBookChange(state, ts);
        return true;
      }
      case "book-delta": {
        if (!state.l2) {
          this.deltasBeforeSnapshot++;
          return false;
        }
        const { bids, asks } = event.delta;
        for (let i = 0; i < bids.length; i++) {
          this.#level(state, true, bids[i].price, bids[i].size);
        }
        for (let i = 0; i < asks.length; i++) {
          this.#level(state, false, asks[i].price, asks[i].size);
        }
        this.#afterBookChange(state, ts);
        return true;
      }
      case "quote": {
        if (state.l2) return true;
        const q = event.quote;
        const before = this.#sizesAtOurPrices(state);
        state.book.clear();
        if (q.bidSize > 0) state.book.bids.set(q.bidPrice, q.bidSize);
        if (q.askSize > 0) state.book.asks.set(q.askPrice, q.askSize);
        this.#afterReplace(state, before);
        this.#afterBookChange(state, ts);
        return true;
      }
      case "trade":
        this.#trade(state, event.trade.price, event.trade.quantity, event.trade.side, ts);
        return true;
      default: {
        const never: never = event;
        throw new TypeError(`Unknown market data ${JSON.stringify(never)}`);
      }
    }
  }

  #level(state: SymbolState, bid: boolean, price: number, size: number): void {
    const side = bid ? state.book.bids : state.book.asks;
    const previous = side.set(price, size);
    const ours = bid ? state.bids : state.asks;
    for (let i = 0; i < ours.length; i++) {
      const o = ours[i];
      if (o.price === price) this.#model.onDepthChange(o.queue, previous, size);
    }
  }

  // The displayed size at each of our prices, or NaN where the book does not show that level.
  #sizesAtOurPrices(state: SymbolState): number[] {
    const sizes: number[] = [];
    for (const o of state.bids) sizes.push(shownSize(state.book.bids, true, o.price));
    for (const o of state.asks) sizes.push(shownSize(state.book.asks, false, o.price));
    return sizes;
  }

  /**
   * After a snapshot or quote replaced the book: a level the new book does not show (behind a
   * one-level quote, beyond a depth-limited snapshot) is unknown, not empty, so the queue
   * estimate stays; a level shown again after being hidden only caps the queue at its size.
   */
  #afterReplace(state: SymbolState, before: readonly number[]): void {
    let k = 0;
    for (const o of state.bids) {
      this.#requeue(o, before[k++], shownSize(state.book.bids, true, o.price));
    }
    for (const o of state.asks) {
      this.#requeue(o, before[k++], shownSize(state.book.asks, false, o.price));
    }
  }

  #requeue(o: VenueOrder, before: number, after: number): void {
    if (Number.isNaN(after)) return;
    this.#model.onDepthChange(o.queue, Number.isNaN(before) ? after : before, after);
  }

  /** Counts a crossed book; otherwise fills resting orders the opposite side moved through. */
  #afterBookChange(state: SymbolState, ts: Micros): void {
    const book = state.book;
    if (book.crossed()) {
      this.crossedBooks++;
      return;
    }
    if (state.bids.length > 0) this.#through(state, state.bids, book.asks, ts);
    if (state.asks.length > 0) this.#through(state, state.asks, book.bids, ts);
  }

  /**
   * Resting orders the opposite best price reached fill, best price first, against the
   * liquidity within their price; what they took is consumed so that neither another of our
   * orders nor a later event that leaves those levels unchanged can take it again.
   */
  #through(state: SymbolState, ours: VenueOrder[], opposite: SimBookSide, ts: Micros): void {
    const best = opposite.best;
    let any = false;
    for (let i = 0; i < ours.length && !any; i++) any = opposite.within(best, ours[i].price);
    if (!any) return;
    for (const o of inPriority(ours.filter((o) => opposite.within(best, o.price)))) {
      if (o.state === "done") continue;
      let size = 0;
      for (let i = 0; i < opposite.depth; i++) {
        if (!opposite.within(opposite.price(i), o.price)) break;
        size += opposite.available(i);
      }
      const lots = Math.min(remainingLots(o), wholeLots(size, state.lot));
      if (lots <= 0) continue;
      const done = this.#hooks.passiveFill(state, o, lots, ts);
      if (this.#consume && done > 0) consumeWithin(opposite, o.price, done * state.lot);
    }
  }

  #trade(state: SymbolState, price: number, quantity: number, aggressor: string, ts: Micros): void {
    state.lastTrade = price;
    // A sell aggressor hits bids: our resting buys; a buy aggressor lifts our resting sells.
    const buys = aggressor === "sell";
    const ours = buys ? state.bids : state.asks;
    // Most trades print away from our orders: find that out without allocating.
    let printedThrough = false;
    let atPrice = false;
    for (let i = 0; i < ours.length; i++) {
      const p = ours[i].price;
      if (buys ? p > price : p < price) printedThrough = true;
      else if (p === price) atPrice = true;
    }
    if (printedThrough || atPrice) {
      // What our orders took of this trade: it reached them in price-time priority, the
      // better-priced ones (the trade printed through them) before the queue at its price.
      let taken = 0;
      if (printedThrough) {
        const through = (o: VenueOrder): boolean => buys ? o.price > price : o.price < price;
        for (const o of inPriority(ours.filter(through))) {
          if (taken >= quantity) break;
          if (o.state === "done") continue;
          const lots = Math.min(remainingLots(o), wholeLots(quantity - taken, state.lot));
          if (lots > 0) taken += this.#hooks.passiveFill(state, o, lots, ts) * state.lot;
        }
      }
      // What filled our better-priced orders never reached the queue at the trade's price: only
      // the rest of the trade advances it (one trade's volume is counted once).
      const reached = Math.max(quantity - taken, 0);
      taken = 0;
      for (const o of [...ours]) {
        if (o.state === "done" || o.price !== price) continue;
        this.#model.onTrade(o.queue, reached);
        if (o.queue.ahead >= 0) continue;
        // The part of the trade beyond the queue ahead, less what reached our orders first.
        const excess = -o.queue.ahead - taken;
        o.queue.ahead = 0;
        const lots = Math.min(remainingLots(o), wholeLots(excess, state.lot));
        if (lots > 0) taken += this.#hooks.passiveFill(state, o, lots, ts) * state.lot;
      }
    }
    this.#hooks.triggerStops(state, ts);
  }
}

/**
 * The size `side` shows at `price`, 0 for a price inside the shown range without a level, NaN
 * for a price the book does not show (worse than its last level, or an empty side).
 */
function shownSize(side: SimBookSide, bid: boolean, price: number): number {
  const depth = side.depth;
  if (depth === 0) return NaN;
  const last = side.price(depth - 1);
  if (bid ? price < last : price > last) return NaN;
  return side.sizeAt(price);
}

/** Orders in price-time priority (`orders` is in time priority and all on one side). */
function inPriority(orders: VenueOrder[]): VenueOrder[] {
  if (orders.length < 2) return orders;
  const buy = orders[0].buy;
  // Array.prototype.sort is stable: equal prices keep their time priority.
  return orders.sort((a, b) => buy ? b.price - a.price : a.price - b.price);
}

/**
 * Whole lots a taker could take from `side` within `limit`, level by level (the liquidity not
 * yet consumed by our fills when `consume`, else the displayed size).
 */
export function lotsWithin(
  side: SimBookSide,
  limit: number,
  lot: number,
  consume: boolean,
): number {
  let lots = 0;
  for (let i = 0; i < side.depth; i++) {
    if (!side.within(side.price(i), limit)) break;
    lots += wholeLots(consume ? side.available(i) : side.size(i), lot);
  }
  return lots;
}

/** Consumes `quantity` of `side`'s levels within `limit`, best level first. */
function consumeWithin(side: SimBookSide, limit: number, quantity: number): void {
  let left = quantity;
  for (let i = 0; i < side.depth && left > 0; i++) {
    const p = side.price(i);
    if (!side.within(p, limit)) break;
    const take = Math.min(side.available(i), left);
    if (take > 0) side.consume(p, take);
    left -= take;
  }
}
