/**
 * The books strategies see: the same data as the venue's books, applied at local time (so a
 * handler running between two events never sees the venue's newer state). A symbol without
 * L2 data gets a one-level book from its quotes.
 *
 * @module
 */

import type { SymbolId } from "../../domain/mod.ts";
import type { MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import { SimBook } from "../../venues/tick/sim_book.ts";

interface LocalBook {
  readonly book: SimBook;
  l2: boolean;
}

/** Local books by symbol. */
export class LocalBooks {
  readonly #books = new Map<SymbolId, LocalBook>();

  #get(symbol: SymbolId): LocalBook {
    let entry = this.#books.get(symbol);
    if (entry === undefined) {
      entry = { book: new SimBook(symbol), l2: false };
      this.#books.set(symbol, entry);
    }
    return entry;
  }

  /** The book of `symbol` (created empty on first use). */
  book(symbol: SymbolId): SimBook {
    return this.#get(symbol).book;
  }

  /**
   * Applies a book event or quote; returns the changed book, or undefined when the event does
   * not change a book (trades, quotes of an L2 symbol, deltas before a snapshot).
   */
  apply(event: MarketDataEvent): SimBook | undefined {
    switch (event.kind) {
      case "book-snapshot": {
        const entry = this.#get(event.book.symbol);
        entry.l2 = true;
        const { book } = entry;
        book.clear();
        const { bids, asks } = event.book;
        for (let i = 0; i < bids.length; i++) book.bids.set(bids[i].price, bids[i].size);
        for (let i = 0; i < asks.length; i++) book.asks.set(asks[i].price, asks[i].size);
        return book;
      }
      case "book-delta": {
        const entry = this.#get(event.delta.symbol);
        if (!entry.l2) return undefined;
        const { book } = entry;
        const { bids, asks } = event.delta;
        for (let i = 0; i < bids.length; i++) book.bids.set(bids[i].price, bids[i].size);
        for (let i = 0; i < asks.length; i++) book.asks.set(asks[i].price, asks[i].size);
        return book;
      }
      case "quote": {
        const entry = this.#get(event.quote.symbol);
        if (entry.l2) return undefined;
        const q = event.quote;
        const { book } = entry;
        book.clear();
        if (q.bidSize > 0) book.bids.set(q.bidPrice, q.bidSize);
        if (q.askSize > 0) book.asks.set(q.askPrice, q.askSize);
        return book;
      }
      case "trade":
        return undefined;
      default: {
        const never: never = event;
        throw new TypeError(`Unknown market data ${JSON.stringify(never)}`);
      }
    }
  }
}
