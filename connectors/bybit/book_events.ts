/**
 * The event a Bybit book topic's message makes once applied to its book, the same in the live
 * stream (market_stream.ts) and in the replay of a recording (recording.ts): on an
 * `orderbook.1` topic the top of the book as a quote, on a deeper one the whole book after a
 * snapshot or the message's own levels after a delta.
 *
 * @module
 */

import type { BookLevel, Micros, SymbolId } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import type { BybitBook, WireLevels } from "./book.ts";
import type { BookFrame } from "./parse_public.ts";

/**
 * The event of `frame` once `book` took it as a snapshot or a delta (`applied`), for a topic
 * of `symbol` that delivers quotes (`orderbook.1`) or the book; undefined for a quote while a
 * side is empty. Positional, not an options object: it runs once per book frame, live and in
 * every replay.
 */
export function bookFrameEvent(
  applied: "snapshot" | "delta",
  frame: BookFrame,
  symbol: SymbolId,
  book: BybitBook,
  quotes: boolean,
  tsRecv: Micros,
): Event | undefined {
  if (quotes) {
    const [bid] = book.bids(1);
    const [ask] = book.asks(1);
    if (bid === undefined || ask === undefined) return undefined;
    return {
      kind: "quote",
      ts: frame.ts,
      tsRecv,
      quote: {
        symbol,
        bidPrice: bid.price,
        bidSize: bid.size,
        askPrice: ask.price,
        askSize: ask.size,
      },
    };
  }
  if (applied === "snapshot") {
    return {
      kind: "book-snapshot",
      ts: frame.ts,
      tsRecv,
      book: { symbol, bids: book.bids(), asks: book.asks() },
    };
  }
  return {
    kind: "book-delta",
    ts: frame.ts,
    tsRecv,
    delta: { symbol, bids: toLevels(frame.message.b), asks: toLevels(frame.message.a) },
  };
}

function toLevels(levels: WireLevels): BookLevel[] {
  const out: BookLevel[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    out[i] = { price: +levels[i][0], size: +levels[i][1] };
  }
  return out;
}
