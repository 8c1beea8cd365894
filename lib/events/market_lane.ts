/**
 * The market-data lane of the live {@linkcode Inbox}: bounded, with a policy per kind of data
 * for when it is full.
 *
 * - Quotes (the BBO) and book snapshots are conflatable: a new one replaces every older one of
 *   its symbol still waiting (a snapshot also replaces the symbol's waiting deltas, which it
 *   supersedes), so the latest per symbol is always kept.
 * - Trades are dropped oldest first.
 * - Book deltas are never dropped silently: when one does not fit, its symbol's book goes stale
 *   (its waiting deltas are discarded, the owner is told so that it resynchronizes from a
 *   snapshot), and no delta of that symbol is delivered until a snapshot arrives.
 * - Candles and funding are never dropped: the lane refuses them and the producer waits
 *   (backpressure), as it does for a quote or snapshot when nothing else can make room.
 *
 * To make room it first drops the oldest trade, then an older quote of a symbol that has a
 * newer one waiting. Everything it drops, conflates or discards is counted.
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";
import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  CandleEvent,
  FundingEvent,
  QuoteEvent,
  TradeEvent,
} from "./event.ts";
import { Fifo } from "./fifo.ts";

/** The events the market lane holds. */
export type MarketLaneEvent =
  | CandleEvent
  | TradeEvent
  | QuoteEvent
  | BookSnapshotEvent
  | BookDeltaEvent
  | FundingEvent;

/** What the lane tells its owner about books. */
export interface MarketLaneListener {
  /** `symbol`'s book went stale: deltas were lost, a snapshot is needed. */
  stale(symbol: SymbolId): void;
  /** The snapshot that resynchronized `symbol`'s book was taken from the lane. */
  resynced(symbol: SymbolId): void;
  /**
   * The lane is about to drop, conflate or discard something (called before it counts it, so
   * the first loss can start an episode).
   */
  lost(): void;
}

/** Counters of a {@linkcode MarketLane}. */
export interface MarketLaneCounts {
  /** Trades dropped (oldest first). */
  readonly droppedTrades: number;
  /** Quotes, snapshots and deltas replaced by a newer snapshot or quote of their symbol. */
  readonly conflated: number;
  /** Book deltas discarded because their book was (or went) stale. */
  readonly discardedDeltas: number;
  /** Times a book went stale (each asks for one resynchronization). */
  readonly resyncsRequested: number;
  /** Snapshots that ended a stale period, once taken. */
  readonly resyncsCompleted: number;
}

interface Entry {
  readonly event: MarketLaneEvent;
  live: boolean;
  /** A snapshot that ends its symbol's stale period. */
  resync: boolean;
}

function unknownMarketData(event: never): never {
  throw new TypeError(`Unknown market data ${JSON.stringify(event)}`);
}

function bookSymbol(event: BookSnapshotEvent | BookDeltaEvent): SymbolId {
  return event.kind === "book-snapshot" ? event.book.symbol : event.delta.symbol;
}

/** The bounded market-data lane. */
export class MarketLane {
  readonly #capacity: number;
  readonly #listener: MarketLaneListener;
  // Arrival order, with entries removed from the middle marked dead and skipped.
  #order = new Fifo<Entry>();
  #dead = 0;
  #live = 0;
  // Live entries by category, oldest first (each a subsequence of #order).
  readonly #trades = new Fifo<Entry>();
  readonly #quotes = new Map<SymbolId, Entry[]>();
  readonly #books = new Map<SymbolId, Entry[]>();
  #supersededQuotes = 0;
  readonly #stale = new Set<SymbolId>();
  #droppedTrades = 0;
  #conflated = 0;
  #discardedDeltas = 0;
  #resyncsRequested = 0;
  #resyncsCompleted = 0;

  /**
   * An empty lane of `capacity` events.
   *
   * @throws {RangeError} when `capacity` is not a positive integer.
   */
  constructor(capacity: number, listener: MarketLaneListener) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(
        `Inbox: option "marketCapacity" must be a positive integer, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
    this.#listener = listener;
  }

  /** Events waiting. */
  get size(): number {
    return this.#live;
  }

  /** Maximum events held. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Symbols whose book is stale (waiting for a snapshot), in the order they went stale. */
  get staleBooks(): readonly SymbolId[] {
    return [...this.#stale];
  }

  /** The counters so far. */
  get counts(): MarketLaneCounts {
    return {
      droppedTrades: this.#droppedTrades,
      conflated: this.#conflated,
      discardedDeltas: this.#discardedDeltas,
      resyncsRequested: this.#resyncsRequested,
      resyncsCompleted: this.#resyncsCompleted,
    };
  }

  /**
   * Takes an event in under the lane's policy; `false` when it must wait for room (candles,
   * funding, and a quote or snapshot that nothing can make room for).
   */
  offer(event: MarketLaneEvent): boolean {
    if (event.kind === "book-delta" && this.#stale.has(event.delta.symbol)) {
      // Counted, but not a new loss: the stale period was announced when it began, and one
      // alert per delta until the snapshot comes would flood the operator.
      this.#discardedDeltas++;
      return true;
    }
    if (this.#live >= this.#capacity && !this.#makeRoom(event)) {
      switch (event.kind) {
        case "trade":
          this.#listener.lost();
          this.#droppedTrades++;
          return true;
        case "book-delta":
          this.#goStale(event.delta.symbol);
          this.#discardedDeltas++;
          return true;
        case "quote":
        case "book-snapshot":
        case "candle":
        case "funding":
          return false;
        default:
          return unknownMarketData(event);
      }
    }
    this.#append(event);
    return true;
  }

  /** Removes and returns the oldest waiting event. */
  poll(): MarketLaneEvent | undefined {
    let entry = this.#order.shift();
    while (entry !== undefined && !entry.live) {
      this.#dead--;
      entry = this.#order.shift();
    }
    if (entry === undefined) return undefined;
    entry.live = false;
    this.#live--;
    const event = entry.event;
    switch (event.kind) {
      case "trade":
        this.#trades.shift();
        break;
      case "quote": {
        const list = this.#quotes.get(event.quote.symbol);
        list?.shift();
        if (list !== undefined && list.length > 0) this.#supersededQuotes--;
        else this.#quotes.delete(event.quote.symbol);
        break;
      }
      case "book-snapshot":
      case "book-delta": {
        const symbol = bookSymbol(event);
        const list = this.#books.get(symbol);
        list?.shift();
        if (list === undefined || list.length === 0) this.#books.delete(symbol);
        if (entry.resync) {
          this.#resyncsCompleted++;
          this.#listener.resynced(symbol);
        }
        break;
      }
      case "candle":
      case "funding":
        break;
      default:
        unknownMarketData(event);
    }
    return event;
  }

  #append(event: MarketLaneEvent): void {
    const entry: Entry = { event, live: true, resync: false };
    switch (event.kind) {
      case "trade":
        this.#trades.push(entry);
        break;
      case "quote": {
        const list = this.#quotes.get(event.quote.symbol);
        if (list === undefined) this.#quotes.set(event.quote.symbol, [entry]);
        else {
          if (list.length > 0) this.#supersededQuotes++;
          list.push(entry);
        }
        break;
      }
      case "book-snapshot":
      case "book-delta": {
        const symbol = bookSymbol(event);
        if (event.kind === "book-snapshot" && this.#stale.delete(symbol)) entry.resync = true;
        const list = this.#books.get(symbol);
        if (list === undefined) this.#books.set(symbol, [entry]);
        else list.push(entry);
        break;
      }
      case "candle":
      case "funding":
        break;
      default:
        unknownMarketData(event);
    }
    this.#order.push(entry);
    this.#live++;
  }

  /** Frees at least one slot for `event`, or returns false when its own policy must decide. */
  #makeRoom(event: MarketLaneEvent): boolean {
    if (event.kind === "quote") {
      const list = this.#quotes.get(event.quote.symbol);
      if (list !== undefined && list.length > 0) {
        this.#supersededQuotes -= list.length - 1;
        this.#removeAll(list, list.length);
        this.#quotes.delete(event.quote.symbol);
        return true;
      }
    } else if (event.kind === "book-snapshot") {
      const list = this.#books.get(event.book.symbol);
      if (list !== undefined && list.length > 0) {
        // The newer snapshot takes over a waiting resync: marking the book stale again for the
        // moment makes #append flag it, and no delta can arrive in between.
        if (list.some((entry) => entry.resync)) this.#stale.add(event.book.symbol);
        this.#removeAll(list, list.length);
        this.#books.delete(event.book.symbol);
        return true;
      }
    }
    const trade = this.#trades.shift();
    if (trade !== undefined) {
      this.#listener.lost();
      this.#kill(trade);
      this.#droppedTrades++;
      return true;
    }
    if (this.#supersededQuotes > 0) {
      for (const list of this.#quotes.values()) {
        if (list.length < 2) continue;
        this.#supersededQuotes--;
        this.#removeAll(list, 1);
        return true;
      }
    }
    return false;
  }

  /** Removes the first `count` entries of `list` as conflated. */
  #removeAll(list: Entry[], count: number): void {
    this.#listener.lost();
    for (const entry of list.splice(0, count)) this.#kill(entry);
    this.#conflated += count;
  }

  #goStale(symbol: SymbolId): void {
    this.#listener.lost();
    const list = this.#books.get(symbol) ?? [];
    const kept: Entry[] = [];
    for (const entry of list) {
      if (entry.event.kind === "book-delta") {
        this.#kill(entry);
        this.#discardedDeltas++;
      } else kept.push(entry);
    }
    if (kept.length > 0) this.#books.set(symbol, kept);
    else this.#books.delete(symbol);
    this.#stale.add(symbol);
    this.#resyncsRequested++;
    this.#listener.stale(symbol);
  }

  #kill(entry: Entry): void {
    entry.live = false;
    this.#live--;
    this.#dead++;
    // Keep dead entries from piling up behind a head that is not taken (a stalled consumer).
    if (this.#dead > this.#capacity) this.#compact();
  }

  #compact(): void {
    const order = new Fifo<Entry>();
    for (let entry = this.#order.shift(); entry !== undefined; entry = this.#order.shift()) {
      if (entry.live) order.push(entry);
    }
    this.#order = order;
    this.#dead = 0;
  }
}
