/**
 * A per-symbol L2 order book rebuilt from snapshots and deltas: the live book (and any reader
 * of recorded L2 data). It is the same {@linkcode BookView} strategies read in tick backtests,
 * so a strategy gets the same answers from it as from the simulated book.
 *
 * Each side is a pair of parallel sorted arrays kept with the best price at the END (bids
 * ascending, asks descending). A level is found by binary search (O(log n)); inserting or
 * removing it moves only the levels between it and the best price. Real update flow clusters
 * at the top of the book, so that distance is small, and best bid/ask is O(1); a tree would
 * add allocation and pointer chasing for no gain at the depths venues publish (≤ a few
 * thousand levels).
 *
 * @module
 */

import type {
  BookDelta,
  BookLevel,
  BookSideView,
  BookSnapshot,
  BookView,
  SymbolId,
} from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent } from "../events/mod.ts";

/** A book side. */
export type BookSide = "bid" | "ask";

/** One side of an {@linkcode OrderBook}, best first; a {@linkcode BookSideView}. */
export class OrderBookSide implements BookSideView {
  readonly #prices: number[] = [];
  readonly #sizes: number[] = [];
  // bids: ascending (best = highest at end); asks: descending (best = lowest at end)
  readonly #ascending: boolean;

  /** Bids are ascending (best = highest last), asks descending. */
  constructor(ascending: boolean) {
    this.#ascending = ascending;
  }

  /** Number of levels. */
  get depth(): number {
    return this.#prices.length;
  }

  /** Price of level `i` (0 = best); NaN at or beyond the depth. */
  price(i: number): number {
    const at = this.#prices.length - 1 - i;
    return at >= 0 ? this.#prices[at] : NaN;
  }

  /** Size of level `i` (0 = best); 0 at or beyond the depth. */
  size(i: number): number {
    const at = this.#sizes.length - 1 - i;
    return at >= 0 ? this.#sizes[at] : 0;
  }

  /** Index of `price`, or -(insertion point) - 1. */
  #find(price: number): number {
    const prices = this.#prices;
    let lo = 0;
    let hi = prices.length - 1;
    const asc = this.#ascending;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid] as number;
      if (p === price) return mid;
      if (asc ? p < price : p > price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /** Sets a level; size 0 removes it. */
  set(price: number, size: number): void {
    const at = this.#find(price);
    if (at >= 0) {
      if (size === 0) {
        this.#prices.splice(at, 1);
        this.#sizes.splice(at, 1);
      } else this.#sizes[at] = size;
    } else if (size !== 0) {
      const insert = -at - 1;
      if (insert === this.#prices.length) {
        this.#prices.push(price);
        this.#sizes.push(size);
      } else {
        this.#prices.splice(insert, 0, price);
        this.#sizes.splice(insert, 0, size);
      }
    }
  }

  /** Removes every level. */
  clear(): void {
    this.#prices.length = 0;
    this.#sizes.length = 0;
  }

  /** Level `depth` (0 = best), if there is one. */
  level(depth: number): BookLevel | undefined {
    const i = this.#prices.length - 1 - depth;
    if (i < 0) return undefined;
    return { price: this.#prices[i] as number, size: this.#sizes[i] as number };
  }

  /** The best `count` levels, best first. */
  levels(count: number = Infinity): BookLevel[] {
    const out: BookLevel[] = [];
    for (let d = 0; d < count; d++) {
      const level = this.level(d);
      if (level === undefined) break;
      out.push(level);
    }
    return out;
  }

  /** Total size at prices at least as good as `limit`. */
  sizeWithin(limit: number): number {
    let total = 0;
    for (let i = this.#prices.length - 1; i >= 0; i--) {
      const p = this.#prices[i] as number;
      if (this.#ascending ? p < limit : p > limit) break;
      total += this.#sizes[i] as number;
    }
    return total;
  }
}

/**
 * One symbol's L2 book.
 *
 * @example
 * ```ts
 * import { OrderBook } from "@tesser/tesser/data";
 * import assert from "node:assert/strict";
 *
 * const book = new OrderBook("bitmex:XBTUSD");
 * book.applySnapshot({ symbol: "bitmex:XBTUSD", bids: [{ price: 100, size: 5 }],
 *   asks: [{ price: 101, size: 7 }] });
 * book.applyDelta({ symbol: "bitmex:XBTUSD", bids: [{ price: 100.5, size: 2 }], asks: [] });
 * assert.deepEqual(book.bestBid(), { price: 100.5, size: 2 });
 * ```
 */
export class OrderBook implements BookView {
  /** The symbol this book is for. */
  readonly symbol: SymbolId;
  /** Bids, best first. */
  readonly bids: OrderBookSide = new OrderBookSide(true);
  /** Asks, best first. */
  readonly asks: OrderBookSide = new OrderBookSide(false);

  /** Makes an empty book. */
  constructor(symbol: SymbolId) {
    this.symbol = symbol;
  }

  /** Replaces the whole book (rows need not be sorted). */
  applySnapshot(snapshot: BookSnapshot): void {
    this.clear();
    for (const level of snapshot.bids) this.bids.set(level.price, level.size);
    for (const level of snapshot.asks) this.asks.set(level.price, level.size);
  }

  /** Applies changed levels in order; size 0 removes a level. */
  applyDelta(delta: BookDelta): void {
    for (const level of delta.bids) this.bids.set(level.price, level.size);
    for (const level of delta.asks) this.asks.set(level.price, level.size);
  }

  /** Applies a book event (snapshot or delta) for this symbol. */
  apply(event: BookSnapshotEvent | BookDeltaEvent): void {
    switch (event.kind) {
      case "book-snapshot":
        this.applySnapshot(event.book);
        return;
      case "book-delta":
        this.applyDelta(event.delta);
        return;
      default: {
        const never: never = event;
        throw new TypeError(`unknown book event ${String(never)}`);
      }
    }
  }

  /** Sets one level (size 0 removes it). */
  setLevel(side: BookSide, price: number, size: number): void {
    (side === "bid" ? this.bids : this.asks).set(price, size);
  }

  /** Empties both sides. */
  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Best (highest) bid, if any. */
  bestBid(): BookLevel | undefined {
    return this.bids.level(0);
  }

  /** Best (lowest) ask, if any. */
  bestAsk(): BookLevel | undefined {
    return this.asks.level(0);
  }

  /** Midpoint of best bid and ask, if both exist. */
  mid(): number | undefined {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid === undefined || ask === undefined ? undefined : (bid.price + ask.price) / 2;
  }

  /** Best ask minus best bid, if both exist. */
  spread(): number | undefined {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid === undefined || ask === undefined ? undefined : ask.price - bid.price;
  }

  /** Total size resting at prices at least as good as `limit` (bids ≥ limit, asks ≤ limit). */
  sizeWithin(side: BookSide, limit: number): number {
    return (side === "bid" ? this.bids : this.asks).sizeWithin(limit);
  }

  /** A snapshot of the current book (best first on both sides). */
  snapshot(): BookSnapshot {
    return { symbol: this.symbol, bids: this.bids.levels(), asks: this.asks.levels() };
  }
}
