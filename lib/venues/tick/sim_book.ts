/**
 * The tick-mode order book: one symbol's L2 book in float64, rebuilt from snapshots and deltas.
 * Unlike `lib/data`'s `OrderBook` it reports the previous size of every level it changes (the
 * queue models need it), looks levels up by price without allocating, optionally tracks how much
 * of each level our own fills consumed (so the same historical liquidity is not taken twice
 * until the data changes that level), and is itself the zero-copy {@linkcode BookView} that
 * strategies read.
 *
 * @module
 */

import type { SymbolId } from "../../domain/mod.ts";
import type { BookSideView, BookView } from "../../strategies/mod.ts";

/** One side of a {@linkcode SimBook}: parallel arrays with the best price at the end. */
export class SimBookSide implements BookSideView {
  readonly #prices: number[] = [];
  readonly #sizes: number[] = [];
  readonly #consumed = new Map<number, number>();
  readonly #ascending: boolean;

  /** Bids are ascending (best = highest last), asks descending. */
  constructor(ascending: boolean) {
    this.#ascending = ascending;
  }

  /** Number of levels. */
  get depth(): number {
    return this.#prices.length;
  }

  /** Price of level `i` (0 = best); NaN beyond the depth. */
  price(i: number): number {
    const at = this.#prices.length - 1 - i;
    return at >= 0 ? this.#prices[at] : NaN;
  }

  /** Size of level `i` (0 = best); 0 beyond the depth. */
  size(i: number): number {
    const at = this.#sizes.length - 1 - i;
    return at >= 0 ? this.#sizes[at] : 0;
  }

  /** Best price, NaN when empty. */
  get best(): number {
    const n = this.#prices.length;
    return n > 0 ? this.#prices[n - 1] : NaN;
  }

  /** Size at the best price, 0 when empty. */
  get bestSize(): number {
    const n = this.#sizes.length;
    return n > 0 ? this.#sizes[n - 1] : 0;
  }

  #find(price: number): number {
    const prices = this.#prices;
    let lo = 0;
    let hi = prices.length - 1;
    const asc = this.#ascending;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid];
      if (p === price) return mid;
      if (asc ? p < price : p > price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /** Displayed size at `price` (0 when there is no level). */
  sizeAt(price: number): number {
    const at = this.#find(price);
    return at >= 0 ? this.#sizes[at] : 0;
  }

  /** Sets a level (0 removes it) and returns its previous size; forgets consumption there. */
  set(price: number, size: number): number {
    const at = this.#find(price);
    if (this.#consumed.size > 0) this.#consumed.delete(price);
    const prices = this.#prices;
    const sizes = this.#sizes;
    // The levels between the change and the best (the end) move by one, in a plain loop: most
    // changes are near the best, where that is a few moves, and splice costs more than them.
    if (at >= 0) {
      const previous = sizes[at];
      if (size !== 0) {
        sizes[at] = size;
        return previous;
      }
      const last = prices.length - 1;
      for (let i = at; i < last; i++) {
        prices[i] = prices[i + 1];
        sizes[i] = sizes[i + 1];
      }
      prices.pop();
      sizes.pop();
      return previous;
    }
    if (size !== 0) {
      const insert = -at - 1;
      let i = prices.length;
      prices.push(price);
      sizes.push(size);
      for (; i > insert; i--) {
        prices[i] = prices[i - 1];
        sizes[i] = sizes[i - 1];
      }
      prices[insert] = price;
      sizes[insert] = size;
    }
    return 0;
  }

  /** Empties the side. */
  clear(): void {
    this.#prices.length = 0;
    this.#sizes.length = 0;
    this.#consumed.clear();
  }

  /** Size at level `i` not yet consumed by our fills. */
  available(i: number): number {
    const size = this.size(i);
    if (this.#consumed.size === 0) return size;
    const used = this.#consumed.get(this.price(i)) ?? 0;
    return size > used ? size - used : 0;
  }

  /** Records that our fills took `quantity` at `price`. */
  consume(price: number, quantity: number): void {
    this.#consumed.set(price, (this.#consumed.get(price) ?? 0) + quantity);
  }

  /** Whether `price` is at least as good as `limit` for this side's takers. */
  within(price: number, limit: number): boolean {
    // Asks are taken by buyers (price ≤ limit), bids by sellers (price ≥ limit).
    return this.#ascending ? price >= limit : price <= limit;
  }
}

/** One symbol's simulated book. */
export class SimBook implements BookView {
  /** The symbol. */
  readonly symbol: SymbolId;
  /** Bids, best first. */
  readonly bids: SimBookSide = new SimBookSide(true);
  /** Asks, best first. */
  readonly asks: SimBookSide = new SimBookSide(false);

  /** Makes an empty book. */
  constructor(symbol: SymbolId) {
    this.symbol = symbol;
  }

  /** Midpoint of the touch, NaN unless both sides have levels. */
  mid(): number {
    return (this.bids.best + this.asks.best) / 2;
  }

  /** Whether the best bid is at or above the best ask. */
  crossed(): boolean {
    return this.bids.best >= this.asks.best;
  }

  /** Empties both sides. */
  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
