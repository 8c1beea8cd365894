/**
 * The port through which live market data arrives, whatever the venue.
 *
 * @module
 */

import type { Interval, SymbolId } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";

/** A kind of market data a stream can deliver. */
export type MarketChannel = "candles" | "trades" | "quotes" | "book";

/** What to receive for one symbol. */
export interface MarketSubscription {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** The kinds of data wanted. */
  readonly channels: readonly MarketChannel[];
  /** Bar interval when `candles` is asked for. */
  readonly interval?: Interval;
  /** Book depth when `book` is asked for (venue default when omitted). */
  readonly depth?: number;
}

/** A live market-data feed; adapters implement it over WebSocket. */
export interface MarketStream {
  /** The venue this stream speaks to. */
  readonly venue: string;
  /** Adds subscriptions; resolves once the venue confirmed them. */
  subscribe(subscriptions: readonly MarketSubscription[]): Promise<void>;
  /** The events, in arrival order, until {@linkcode MarketStream.close}. */
  events(): AsyncIterable<Event>;
  /** Stops the feed and releases its connection. */
  close(): Promise<void>;
}
