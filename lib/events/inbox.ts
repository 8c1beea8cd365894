/**
 * The live engine's inbox: two lanes behind one async {@linkcode Channel}. The priority lane
 * holds everything that is not market data (execution reports, order commands, connectivity,
 * alerts): never dropped, never refused, and always taken first. The market lane is the
 * bounded {@linkcode MarketLane} (quotes and snapshots conflate per symbol, trades drop oldest
 * first, book deltas turn their book stale and ask for a resync, candles and funding wait).
 *
 * Every loss is counted ({@linkcode Inbox.stats}) and published as events the engine sees:
 * an `inbox-overflow` warning alert when the market lane starts losing data, an
 * `inbox-overflow-end` alert with the episode's counts once it has drained, and a
 * `connectivity` event (`stale`, then `up`) for each book that had to be resynchronized.
 *
 * @module
 */

import type { Micros, SymbolId } from "../domain/mod.ts";
import { Channel, type ChannelStore } from "./channel.ts";
import { type Event, isMarketData } from "./event.ts";
import { Fifo } from "./fifo.ts";
import { MarketLane, type MarketLaneCounts, type MarketLaneEvent } from "./market_lane.ts";

/** Options of {@linkcode Inbox}. */
export interface InboxOptions {
  /** Most market-data events held (default 10,000). */
  readonly marketCapacity?: number;
  /** The time stamped on the events the inbox raises itself (the engine's clock). */
  readonly now: () => Micros;
  /**
   * Asked to resynchronize `symbol`'s book from a snapshot (the connector fetches one or
   * resubscribes, then offers the `book-snapshot`); called as the book goes stale. It may
   * offer the snapshot at once.
   */
  readonly onResync?: (symbol: SymbolId) => void;
}

/** The inbox counters. */
export interface InboxStats extends MarketLaneCounts {
  /** Market-data events waiting. */
  readonly market: number;
  /** Priority events waiting. */
  readonly priority: number;
  /** Books waiting for a snapshot. */
  readonly staleBooks: readonly SymbolId[];
  /** Times the market lane started losing data. */
  readonly overflowEpisodes: number;
  /** Offers refused for lack of room (`offer` returned `false`). */
  readonly refused: number;
  /** Pushes that had to wait for room (backpressure on candles, funding, a book resync). */
  readonly waited: number;
}

function venueOf(symbol: SymbolId): string {
  const colon = symbol.indexOf(":");
  return colon > 0 ? symbol.slice(0, colon) : symbol;
}

function describe(counts: MarketLaneCounts): string {
  return `${counts.droppedTrades} trades dropped, ${counts.conflated} quotes/book updates ` +
    `conflated, ${counts.discardedDeltas} book deltas discarded, ` +
    `${counts.resyncsRequested} book resyncs requested`;
}

function since(now: MarketLaneCounts, then: MarketLaneCounts): MarketLaneCounts {
  return {
    droppedTrades: now.droppedTrades - then.droppedTrades,
    conflated: now.conflated - then.conflated,
    discardedDeltas: now.discardedDeltas - then.discardedDeltas,
    resyncsRequested: now.resyncsRequested - then.resyncsRequested,
    resyncsCompleted: now.resyncsCompleted - then.resyncsCompleted,
  };
}

class TwoLanes implements ChannelStore<Event> {
  readonly priority = new Fifo<Event>();
  readonly market: MarketLane;
  readonly #now: () => Micros;
  readonly #onResync: ((symbol: SymbolId) => void) | undefined;
  #episodeStart: MarketLaneCounts | undefined;
  episodes = 0;

  constructor(options: InboxOptions) {
    this.#now = options.now;
    this.#onResync = options.onResync;
    this.market = new MarketLane(options.marketCapacity ?? 10_000, {
      lost: () => this.#lost(),
      stale: (symbol) => {
        this.#connectivity(
          symbol,
          "stale",
          "inbox overflow: book deltas lost; resynchronizing from a snapshot",
        );
        this.#onResync?.(symbol);
      },
      resynced: (symbol) => this.#connectivity(symbol, "up", "book resynchronized from a snapshot"),
    });
  }

  get size(): number {
    return this.priority.size + this.market.size;
  }

  offer(event: Event): boolean {
    if (!isMarketData(event)) {
      this.priority.push(event);
      return true;
    }
    // Sound: isMarketData is true for exactly the kinds of MarketLaneEvent.
    return this.market.offer(event as MarketLaneEvent);
  }

  poll(): Event | undefined {
    const event = this.priority.shift() ?? this.market.poll();
    // The episode ends once the market lane is empty, however it got there (taken, or its
    // deltas discarded by a stale book).
    if (this.#episodeStart !== undefined && this.market.size === 0) this.#endEpisode();
    return event;
  }

  #lost(): void {
    if (this.#episodeStart !== undefined) return;
    this.#episodeStart = this.market.counts;
    this.episodes++;
    this.#alert(
      "warning",
      "inbox-overflow",
      `market data lane full (${this.market.capacity} events): dropping trades, ` +
        `conflating quotes and books, resynchronizing books`,
    );
  }

  #endEpisode(): void {
    const start = this.#episodeStart;
    if (start === undefined) return;
    this.#episodeStart = undefined;
    this.#alert(
      "info",
      "inbox-overflow-end",
      `market data lane drained: ${describe(since(this.market.counts, start))}`,
    );
  }

  #alert(severity: "info" | "warning", code: string, message: string): void {
    const now = this.#now();
    this.priority.push({ kind: "alert", ts: now, tsRecv: now, severity, code, message });
  }

  #connectivity(symbol: SymbolId, state: "stale" | "up", reason: string): void {
    const now = this.#now();
    this.priority.push({
      kind: "connectivity",
      ts: now,
      tsRecv: now,
      channel: "market",
      venue: venueOf(symbol),
      symbol,
      state,
      reason,
    });
  }
}

/**
 * The two-lane inbox a live runner takes events from.
 *
 * @example
 * ```ts
 * import { Inbox } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const inbox = new Inbox({ marketCapacity: 1000, now: () => Date.now() * 1000 });
 * inbox.offer({ kind: "trade", ts: 1, tsRecv: 1,
 *   trade: { symbol: "bybit:BTCUSDT", price: 1, quantity: 1, side: "buy" } });
 * inbox.offer({ kind: "alert", ts: 2, tsRecv: 2, severity: "info", code: "x", message: "x" });
 * assert.equal((await inbox.take())?.kind, "alert"); // the priority lane goes first
 * ```
 */
export class Inbox extends Channel<Event> {
  readonly #lanes: TwoLanes;

  /**
   * An empty inbox.
   *
   * @throws {RangeError} when `marketCapacity` is not a positive integer.
   */
  constructor(options: InboxOptions) {
    const lanes = new TwoLanes(options);
    super(lanes, "Inbox");
    this.#lanes = lanes;
  }

  /** The counters and what is waiting. */
  get stats(): InboxStats {
    return {
      ...this.#lanes.market.counts,
      market: this.#lanes.market.size,
      priority: this.#lanes.priority.size,
      staleBooks: this.#lanes.market.staleBooks,
      overflowEpisodes: this.#lanes.episodes,
      refused: this.refused,
      waited: this.waited,
    };
  }
}
