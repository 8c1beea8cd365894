/**
 * A market stream a test drives: it stamps what the test emits with the receive clock (as a
 * connector stamps frames) and keeps every event it delivered, so a test can replay exactly
 * what the live session received. Plus a seeded book-and-trades script around a mid price.
 */

import type { MarketStream, MarketSubscription } from "../../../lib/broker/mod.ts";
import type { BookLevel, Micros, SymbolId } from "../../../lib/domain/mod.ts";
import { BoundedQueue, type Event } from "../../../lib/events/mod.ts";
import type { MarketDataEvent } from "../../../lib/venues/mod.ts";

/** A stream whose events the test emits. */
export class ScriptedFeed implements MarketStream {
  readonly venue: string;
  /** Every event delivered, in order (what a recording of the session holds). */
  readonly delivered: MarketDataEvent[] = [];
  readonly #queue = new BoundedQueue<Event>({ capacity: 1_000_000, policy: "backpressure" });

  /** A feed for `venue`. */
  constructor(venue: string) {
    this.venue = venue;
  }

  subscribe(_subscriptions: readonly MarketSubscription[]): Promise<void> {
    return Promise.resolve();
  }

  /** Delivers `events` (one frame's worth), stamped by the caller. */
  emit(events: readonly MarketDataEvent[]): void {
    for (const event of events) {
      this.delivered.push(event);
      this.#queue.offer(event);
    }
  }

  events(): AsyncIterable<Event> {
    return this.#queue;
  }

  close(): Promise<void> {
    this.#queue.close();
    return Promise.resolve();
  }
}

/** A seeded generator of book deltas and trades around a walking mid (ticks of `tick`). */
export class BookScript {
  readonly #symbol: SymbolId;
  readonly #tick: number;
  #mid: number;
  #seed: number;
  #trade = 0;
  #levels = new Map<string, number>();

  /** Starts at `mid` (a multiple of `tick`). */
  constructor(symbol: SymbolId, mid: number, tick: number, seed: number) {
    this.#symbol = symbol;
    this.#tick = tick;
    this.#mid = Math.round(mid / tick);
    this.#seed = seed;
  }

  #random(): number {
    // Mulberry32: small, seeded, good enough for a test's market.
    let t = (this.#seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  #price(ticks: number): number {
    return Number((ticks * this.#tick).toFixed(6));
  }

  #book(): { bids: BookLevel[]; asks: BookLevel[] } {
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 1; i <= 5; i++) {
      bids.push({
        price: this.#price(this.#mid - i),
        size: Number((0.01 + this.#random() * 0.05).toFixed(3)),
      });
      asks.push({
        price: this.#price(this.#mid + i),
        size: Number((0.01 + this.#random() * 0.05).toFixed(3)),
      });
    }
    return { bids, asks };
  }

  /** The first frame: a snapshot. */
  snapshot(ts: Micros, tsRecv: Micros): MarketDataEvent[] {
    const { bids, asks } = this.#book();
    this.#levels = new Map<string, number>([
      ...bids.map((l) => [`b${l.price}`, l.size] as const),
      ...asks.map((l) => [`a${l.price}`, l.size] as const),
    ]);
    return [{ kind: "book-snapshot", ts, tsRecv, book: { symbol: this.#symbol, bids, asks } }];
  }

  /** The next frame: a book change (the mid may move a tick) or a trade at the touch. */
  step(ts: Micros, tsRecv: Micros): MarketDataEvent[] {
    if (this.#random() < 0.35) {
      const buy = this.#random() < 0.5;
      // Mostly at the touch; now and then through a level or two.
      const r = this.#random();
      const depth = 1 + Math.floor(r * r * r * 30);
      const price = this.#price(buy ? this.#mid + depth : this.#mid - depth);
      const quantity = Number((0.005 + this.#random() * 0.03).toFixed(3));
      return [{
        kind: "trade",
        ts,
        tsRecv,
        trade: {
          symbol: this.#symbol,
          price,
          quantity,
          side: buy ? "buy" : "sell",
          tradeId: `t${++this.#trade}`,
        },
      }];
    }
    const move = this.#random();
    if (move < 0.2) this.#mid--;
    else if (move > 0.8) this.#mid++;
    const { bids, asks } = this.#book();
    const next = new Map<string, number>([
      ...bids.map((l) => [`b${l.price}`, l.size] as const),
      ...asks.map((l) => [`a${l.price}`, l.size] as const),
    ]);
    const changedBids: BookLevel[] = [...bids];
    const changedAsks: BookLevel[] = [...asks];
    for (const key of this.#levels.keys()) {
      if (next.has(key)) continue;
      const level = { price: Number(key.slice(1)), size: 0 };
      if (key.startsWith("b")) changedBids.push(level);
      else changedAsks.push(level);
    }
    this.#levels = next;
    return [{
      kind: "book-delta",
      ts,
      tsRecv,
      delta: { symbol: this.#symbol, bids: changedBids, asks: changedAsks },
    }];
  }
}
