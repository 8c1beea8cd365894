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

/**
 * Where a stream can hand its events as it parses them ({@linkcode MarketStream.deliverTo}): the
 * live runtime's inbox. It keeps their order and never loses one: an event it has no room for
 * waits inside it, behind the ones already waiting.
 */
export interface MarketSink {
  /** Takes `event` now, or queues it behind the events already waiting for room. */
  push(event: Event): void;
  /** Events waiting for room (the stream's bound on them is its own capacity). */
  readonly waiting: number;
}

/** A live market-data feed; adapters implement it over WebSocket. */
export interface MarketStream {
  /** The venue this stream speaks to. */
  readonly venue: string;
  /** Adds subscriptions; resolves once the venue confirmed them. */
  subscribe(subscriptions: readonly MarketSubscription[]): Promise<void>;
  /** The events, in arrival order, until {@linkcode MarketStream.close}. */
  events(): AsyncIterable<Event>;
  /**
   * Optional: from now on, hand every event to `sink` inside the socket's message handler
   * instead of queueing it for {@linkcode MarketStream.events} (which then only ends at close):
   * no promise hop between a frame and the consumer. Call it before subscribing.
   */
  deliverTo?(sink: MarketSink): void;
  /** Stops the feed and releases its connection. */
  close(): Promise<void>;
}
