/**
 * One Binance order book as two price → size maps with cached best prices; levels arrive as
 * flat `[price, size, …]` pairs with absolute sizes, 0 removing the level (removing a level
 * the book does not hold is normal on Binance, exchanges.md §2.4 step 6). Sorted only when read.
 *
 * @module
 */

import type { BookLevel } from "../../lib/domain/mod.ts";

/** A price → size book of one symbol. */
export class DepthBook {
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();
  // NaN = unknown; recomputed by a scan only after the best level was removed.
  #bestBid = NaN;
  #bestAsk = NaN;

  /** Empties the book. */
  clear(): void {
    this.#bids.clear();
    this.#asks.clear();
    this.#bestBid = NaN;
    this.#bestAsk = NaN;
  }

  /** Replaces the book with an image. */
  replace(bids: readonly number[], asks: readonly number[]): void {
    this.clear();
    this.apply(bids, asks);
  }

  /** Applies changed levels. */
  apply(bids: readonly number[], asks: readonly number[]): void {
    this.#bestBid = setLevels(this.#bids, bids, true, this.#bestBid);
    this.#bestAsk = setLevels(this.#asks, asks, false, this.#bestAsk);
  }

  /** Best bid price (NaN on an empty side). */
  get bestBid(): number {
    return this.#bestBid;
  }

  /** Best ask price (NaN on an empty side). */
  get bestAsk(): number {
    return this.#bestAsk;
  }

  /** Size at `price` on a side, 0 when absent. */
  size(side: "bid" | "ask", price: number): number {
    return (side === "bid" ? this.#bids : this.#asks).get(price) ?? 0;
  }

  /** Number of levels on each side. */
  get depth(): { readonly bids: number; readonly asks: number } {
    return { bids: this.#bids.size, asks: this.#asks.size };
  }

  /** Bids, best first (at most `depth`). */
  bids(depth = Infinity): readonly BookLevel[] {
    return sorted(this.#bids, true, depth);
  }

  /** Asks, best first (at most `depth`). */
  asks(depth = Infinity): readonly BookLevel[] {
    return sorted(this.#asks, false, depth);
  }
}

function setLevels(
  side: Map<number, number>,
  levels: readonly number[],
  highest: boolean,
  best: number,
): number {
  let result = best;
  let lost = false;
  for (let i = 0; i < levels.length; i += 2) {
    const price = levels[i];
    const size = levels[i + 1];
    if (size === 0) {
      if (side.delete(price) && price === result) lost = true;
    } else {
      side.set(price, size);
      if (!lost && (result !== result || (highest ? price > result : price < result))) {
        result = price;
      }
    }
  }
  return lost || result !== result ? scanBest(side, highest) : result;
}

function scanBest(side: Map<number, number>, highest: boolean): number {
  let result = NaN;
  for (const price of side.keys()) {
    if (result !== result || (highest ? price > result : price < result)) result = price;
  }
  return result;
}

function sorted(side: Map<number, number>, descending: boolean, depth: number): BookLevel[] {
  const prices = [...side.keys()].sort(descending ? (a, b) => b - a : (a, b) => a - b);
  const count = Math.min(prices.length, depth);
  const out: BookLevel[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const price = prices[i];
    out[i] = { price, size: side.get(price) ?? 0 };
  }
  return out;
}

/** Flat pairs as book levels (for `book-delta` events). */
export function toBookLevels(flat: readonly number[]): BookLevel[] {
  const out: BookLevel[] = new Array(flat.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = { price: flat[2 * i], size: flat[2 * i + 1] };
  return out;
}
