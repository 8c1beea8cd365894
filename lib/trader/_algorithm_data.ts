/**
 * The market events the execution algorithms see: each traded symbol's bars (with the candle
 * venue's OHLC path and their volume), trades (with their size) and book changes (the touch),
 * after the session has marked them. Nothing is built while no parent works and no VWAP
 * profile is kept, so a run without algorithms pays one check per event.
 *
 * @module
 */

import type { Instrument, SymbolId } from "../domain/mod.ts";
import type { EventBus } from "../events/mod.ts";
import type { ExecutionAlgorithms } from "../execution/mod.ts";
import type { MarketBooks } from "./market_books.ts";

/** Subscribes the algorithms' market observations on the bus. */
export function observeForAlgorithms(
  bus: EventBus,
  algorithms: ExecutionAlgorithms,
  instruments: ReadonlyMap<SymbolId, Instrument>,
  books: MarketBooks | undefined,
  keepProfiles: boolean,
): void {
  const wanted = (symbol: SymbolId): boolean =>
    (algorithms.working || keepProfiles) && instruments.has(symbol);
  const touch = (symbol: SymbolId, last: number): { bid: number; ask: number } => {
    if (books === undefined) return { bid: last, ask: last };
    const book = books.book(symbol);
    const bid = book.bids.price(0);
    const ask = book.asks.price(0);
    return { bid: bid > 0 ? bid : last, ask: ask > 0 ? ask : last };
  };
  bus.subscribe("candle", (event) => {
    const c = event.candle;
    if (!wanted(c.symbol)) return;
    // The OHLC path: the extreme nearer the open first (a rising bar dips before it rallies).
    const path = c.close >= c.open
      ? [c.open, c.low, c.high, c.close]
      : [c.open, c.high, c.low, c.close];
    const last = c.close;
    // Without books (the candle venue) the touch is the close: no object for it on every bar
    // a parent works.
    if (books === undefined) {
      algorithms.observe(c.symbol, {
        ts: event.ts,
        last,
        bid: last,
        ask: last,
        volume: c.volume,
        path,
      });
      return;
    }
    const { bid, ask } = touch(c.symbol, last);
    algorithms.observe(c.symbol, { ts: event.ts, last, bid, ask, volume: c.volume, path });
  });
  if (books === undefined) return;
  bus.subscribe("trade", (event) => {
    const t = event.trade;
    if (!wanted(t.symbol)) return;
    const { bid, ask } = touch(t.symbol, t.price);
    algorithms.observe(t.symbol, {
      ts: event.ts,
      last: t.price,
      bid,
      ask,
      volume: t.quantity,
      path: [t.price],
    });
  });
  const onBook = (symbol: SymbolId, ts: number): void => {
    if (!wanted(symbol) || books === undefined) return;
    const book = books.book(symbol);
    const mid = book.mid();
    if (mid !== mid) return;
    const { bid, ask } = touch(symbol, mid);
    algorithms.observe(symbol, { ts, last: mid, bid, ask, volume: 0, path: [mid] });
  };
  bus.subscribe("quote", (event) => onBook(event.quote.symbol, event.ts));
  bus.subscribe("book-snapshot", (event) => onBook(event.book.symbol, event.ts));
  bus.subscribe("book-delta", (event) => onBook(event.delta.symbol, event.ts));
}
