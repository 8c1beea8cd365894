/**
 * The book a consumer keeps from a market stream's book events, for comparing with the book
 * the venue (the simulator or a fake) holds.
 *
 * @module
 */

import type { Event } from "../../../lib/events/mod.ts";

/** Price → size, per side. */
export interface MirroredBook {
  /** The bids. */
  readonly bids: Map<number, number>;
  /** The asks. */
  readonly asks: Map<number, number>;
}

/** Applies `event` to `book`: a snapshot replaces both sides, a delta's size 0 removes a level. */
export function mirrorBookEvent(book: MirroredBook, event: Event): void {
  if (event.kind === "book-snapshot") {
    book.bids.clear();
    book.asks.clear();
    for (const l of event.book.bids) book.bids.set(l.price, l.size);
    for (const l of event.book.asks) book.asks.set(l.price, l.size);
  } else if (event.kind === "book-delta") {
    for (
      const [side, levels] of [[book.bids, event.delta.bids], [
        book.asks,
        event.delta.asks,
      ]] as const
    ) {
      for (const l of levels) l.size === 0 ? side.delete(l.price) : side.set(l.price, l.size);
    }
  }
}
