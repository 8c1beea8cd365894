/**
 * One Binance order book: a {@linkcode DepthSide} hash table per side. Levels arrive as flat
 * `[price, size, …]` pairs with absolute sizes, 0 removing the level (removing a level the book
 * does not hold is normal on Binance, exchanges.md §2.4 step 6). Sorted only when read.
 *
 * @module
 */

import type { BookLevel } from "../../lib/domain/mod.ts";
import { DepthSide } from "./depth_side.ts";

/** A price → size book of one symbol. */
export class DepthBook {
  readonly #bids = new DepthSide(true);
  readonly #asks = new DepthSide(false);

  /** Empties the book. */
  clear(): void {
    this.#bids.clear();
    this.#asks.clear();
  }

  /** Replaces the book with an image. */
  replace(bids: ArrayLike<number>, asks: ArrayLike<number>): void {
    this.clear();
    this.apply(bids, asks);
  }

  /** Applies changed levels. */
  apply(bids: ArrayLike<number>, asks: ArrayLike<number>): void {
    this.#bids.apply(bids);
    this.#asks.apply(asks);
  }

  /** Best bid price (NaN on an empty side). */
  get bestBid(): number {
    return this.#bids.best;
  }

  /** Best ask price (NaN on an empty side). */
  get bestAsk(): number {
    return this.#asks.best;
  }

  /** Size at `price` on a side, 0 when absent. */
  size(side: "bid" | "ask", price: number): number {
    return (side === "bid" ? this.#bids : this.#asks).size(price);
  }

  /** Number of levels on each side. */
  get depth(): { readonly bids: number; readonly asks: number } {
    return { bids: this.#bids.count, asks: this.#asks.count };
  }

  /** Bids, best first (at most `depth`). */
  bids(depth = Infinity): readonly BookLevel[] {
    return this.#bids.levels(depth);
  }

  /** Asks, best first (at most `depth`). */
  asks(depth = Infinity): readonly BookLevel[] {
    return this.#asks.levels(depth);
  }
}

/** Flat pairs as book levels (for `book-delta` events). */
export function toBookLevels(flat: ArrayLike<number>): BookLevel[] {
  const out: BookLevel[] = new Array(flat.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = { price: flat[2 * i], size: flat[2 * i + 1] };
  return out;
}
