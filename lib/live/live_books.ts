/**
 * Our order books in a live session (the session's `MarketBooks`): L2 books from the feeds'
 * snapshots and deltas, and a one-level book from quotes for a symbol without L2 data. With
 * them the session marks traded symbols at the mid (or the last trade while a side is empty)
 * and hands trades, quotes and changed books to strategies that subscribe to them.
 *
 * @module
 */

import { OrderBook } from "../data/mod.ts";
import type { SymbolId } from "../domain/mod.ts";
import type { BookInput, MarkedBook, MarketBooks } from "../trader/mod.ts";

class LiveBook extends OrderBook implements MarkedBook {
  // Whether L2 data arrived for the symbol: quotes then no longer rewrite the book.
  l2 = false;

  override mid(): number {
    return super.mid() ?? Number.NaN;
  }
}

/** The live session's books by symbol. */
export class LiveBooks implements MarketBooks {
  readonly #books = new Map<SymbolId, LiveBook>();

  /** The book of `symbol` (empty until something is applied to it). */
  book(symbol: SymbolId): MarkedBook {
    return this.#get(symbol);
  }

  /** Applies a book event or quote; returns the book it changed. */
  apply(event: BookInput): MarkedBook | undefined {
    switch (event.kind) {
      case "trade":
        return undefined;
      case "book-snapshot": {
        const book = this.#get(event.book.symbol);
        book.l2 = true;
        book.apply(event);
        return book;
      }
      case "book-delta": {
        const book = this.#get(event.delta.symbol);
        // A delta before any snapshot has nothing to apply to.
        if (!book.l2) return undefined;
        book.apply(event);
        return book;
      }
      case "quote": {
        const book = this.#get(event.quote.symbol);
        if (book.l2) return undefined;
        const { bidPrice, bidSize, askPrice, askSize } = event.quote;
        book.clear();
        book.setLevel("bid", bidPrice, bidSize);
        book.setLevel("ask", askPrice, askSize);
        return book;
      }
      default: {
        const unknown: never = event;
        throw new TypeError(`Unknown book input ${JSON.stringify(unknown)}`);
      }
    }
  }

  #get(symbol: SymbolId): LiveBook {
    let book = this.#books.get(symbol);
    if (book === undefined) {
      book = new LiveBook(symbol);
      this.#books.set(symbol, book);
    }
    return book;
  }
}
