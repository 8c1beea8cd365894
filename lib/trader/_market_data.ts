/**
 * The session's market-data wiring, the same in every mode: funding booked on open perpetual
 * positions, candles marked and fed to the ATR for sizing, and (with books) trades, quotes and
 * book events applied to our books, marked at the mid and handed to the strategy, in that order
 * for each event.
 *
 * @module
 */

import type { Instrument, Micros, SymbolId } from "../domain/mod.ts";
import type { Clock } from "../engine/mod.ts";
import type { EventBus } from "../events/mod.ts";
import { Atr } from "../indicators/mod.ts";
import type { Portfolio } from "../portfolio/mod.ts";
import type { MarkedBook, MarketBooks } from "./market_books.ts";
import type { StrategyHost } from "./strategy_host.ts";

/** What the wiring reads and writes. */
export interface MarketDataWiring {
  /** The engine's bus. */
  readonly bus: EventBus;
  /** The session's clock (the time marks are reported at). */
  readonly clock: Clock;
  /** The account. */
  readonly portfolio: Portfolio;
  /** Instruments of the traded symbols. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Symbols read but not traded (never marked). */
  readonly references: ReadonlySet<SymbolId>;
  /** ATR period (0: no volatility tracked). */
  readonly atrPeriod: number;
  /** The ATRs by symbol, filled here and read by the sizer. */
  readonly atrs: Map<SymbolId, Atr>;
  /** Our books, in tick and live modes. */
  readonly books: MarketBooks | undefined;
  /** The strategy host, once created. */
  readonly host: () => StrategyHost | undefined;
  /** Told of every new mark. */
  readonly markListeners: readonly ((symbol: SymbolId, price: number, ts: Micros) => void)[];
}

/** Subscribes the market-data handlers on the bus. */
export function subscribeMarketData(wiring: MarketDataWiring): void {
  const { bus, portfolio, instruments, references, atrPeriod, atrs, books, host } = wiring;
  bus.subscribe("funding", (event) => {
    const { symbol, rate, markPrice } = event.funding;
    const instrument = instruments.get(symbol);
    // An untraded or spot symbol pays no funding; before the first price nothing is open.
    if (instrument === undefined || instrument.kind === "spot") return;
    const price = markPrice ?? portfolio.lastPrice(symbol);
    if (!(price > 0)) return;
    portfolio.applyFunding(symbol, rate, price, event.ts);
  });
  // What a bar's symbol needs, kept for the symbol of the bar before (nearly always the same
  // one), so a bar costs no set or map lookup; the host is taken once it exists.
  let lastSymbol: SymbolId | undefined;
  let lastTraded = false;
  let lastAtr: Atr | undefined;
  let hosted: StrategyHost | undefined;
  bus.subscribe("candle", (event) => {
    const candle = event.candle;
    const symbol = candle.symbol;
    if (symbol !== lastSymbol) {
      lastSymbol = symbol;
      lastTraded = references.size === 0 || !references.has(symbol);
      lastAtr = undefined;
      if (lastTraded && atrPeriod > 0) {
        lastAtr = atrs.get(symbol);
        if (lastAtr === undefined) atrs.set(symbol, lastAtr = new Atr({ period: atrPeriod }));
      }
    }
    if (lastTraded) {
      portfolio.mark(symbol, candle.close);
      lastAtr?.update(candle);
    }
    if (hosted === undefined) hosted = host();
    hosted?.onCandle(candle);
  });
  if (books === undefined) return;
  const marked = new Map<SymbolId, number>();
  const listeners = wiring.markListeners;
  const clock = wiring.clock;
  const mark = (symbol: SymbolId, price: number): void => {
    if (price !== price || marked.get(symbol) === price || !instruments.has(symbol)) return;
    marked.set(symbol, price);
    portfolio.mark(symbol, price);
    const now = clock.now();
    for (let i = 0; i < listeners.length; i++) listeners[i](symbol, price, now);
  };
  bus.subscribe("trade", (event) => {
    const trade = event.trade;
    // The mid while both sides are known; the trade price before (or without) a book.
    const mid = books.book(trade.symbol).mid();
    mark(trade.symbol, mid === mid ? mid : trade.price);
    host()?.onTrade(trade);
  });
  bus.subscribe("quote", (event) => {
    const book = books.apply(event);
    if (book !== undefined) mark(book.symbol, book.mid());
    const hosted = host();
    if (hosted === undefined) return;
    hosted.onQuote(event.quote);
    if (book !== undefined) hosted.onBook(book);
  });
  const onBook = (book: MarkedBook | undefined): void => {
    if (book === undefined) return;
    mark(book.symbol, book.mid());
    host()?.onBook(book);
  };
  bus.subscribe("book-snapshot", (event) => onBook(books.apply(event)));
  bus.subscribe("book-delta", (event) => onBook(books.apply(event)));
}
