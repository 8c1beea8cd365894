/**
 * One Bybit order book rebuilt from `orderbook.<depth>.<symbol>` snapshots and deltas, with the
 * continuity rules of exchanges.md §1.5: a snapshot (or any message with `u` = 1, a service
 * restart) replaces the book; a delta must carry `u` = previous `u` + 1 and a `seq` that does
 * not go back; a repeated `u` is a no-op; anything else leaves the book inconsistent until the
 * next snapshot, and nothing may be read from it meanwhile.
 *
 * @module
 */

import type { BookLevel } from "../../lib/domain/mod.ts";

/** One side's changes as Bybit sends them: `[price, size]` strings, size "0" deletes. */
export type WireLevels = readonly (readonly [string, string])[];

/** A book message reduced to what the book needs. */
export interface BookMessage {
  /** `snapshot` or `delta`. */
  readonly type: "snapshot" | "delta";
  /** Update id, +1 per message of the topic. */
  readonly u: number;
  /** Cross sequence (smaller is older). */
  readonly seq: number;
  /** Bid changes. */
  readonly b: WireLevels;
  /** Ask changes. */
  readonly a: WireLevels;
}

/** What applying a message did. */
export type BookApply =
  | { readonly kind: "snapshot" }
  | { readonly kind: "delta" }
  | { readonly kind: "duplicate" }
  | { readonly kind: "waiting" }
  | { readonly kind: "gap"; readonly reason: string };

/** The book of one topic; sides are price → size maps, sorted only when read. */
export class BybitBook {
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();
  #u = 0;
  #seq = -1;
  #synced = false;
  // Cached best prices; NaN = unknown (recomputed by a scan only after the best was deleted).
  #bestBid = NaN;
  #bestAsk = NaN;

  /** Whether the book is consistent (a snapshot and an unbroken chain of deltas since). */
  get synced(): boolean {
    return this.#synced;
  }

  /** The last applied update id. */
  get updateId(): number {
    return this.#u;
  }

  /** Forgets everything until the next snapshot (after a gap, a reconnect, a stale stream). */
  reset(): void {
    this.#bids.clear();
    this.#asks.clear();
    this.#synced = false;
    this.#bestBid = NaN;
    this.#bestAsk = NaN;
    this.#u = 0;
    this.#seq = -1;
  }

  /** Applies one message under the continuity rules. */
  apply(message: BookMessage): BookApply {
    if (message.type === "snapshot" || message.u === 1) {
      this.#bids.clear();
      this.#asks.clear();
      this.#bestBid = setLevels(this.#bids, message.b, true, NaN);
      this.#bestAsk = setLevels(this.#asks, message.a, false, NaN);
      this.#u = message.u;
      this.#seq = message.seq;
      this.#synced = true;
      return { kind: "snapshot" };
    }
    if (!this.#synced) return { kind: "waiting" };
    if (message.u === this.#u) return { kind: "duplicate" };
    if (message.u !== this.#u + 1) {
      const reason = `update id ${message.u} after ${this.#u}`;
      this.reset();
      return { kind: "gap", reason };
    }
    if (message.seq < this.#seq) {
      const reason = `cross sequence ${message.seq} went back from ${this.#seq}`;
      this.reset();
      return { kind: "gap", reason };
    }
    this.#bestBid = setLevels(this.#bids, message.b, true, this.#bestBid);
    this.#bestAsk = setLevels(this.#asks, message.a, false, this.#bestAsk);
    this.#u = message.u;
    this.#seq = message.seq;
    const bid = this.#bestBid;
    const ask = this.#bestAsk;
    if (bid >= ask) {
      const reason = `crossed book: bid ${bid} ≥ ask ${ask}`;
      this.reset();
      return { kind: "gap", reason };
    }
    return { kind: "delta" };
  }

  /** Bids, best first (at most `depth`). */
  bids(depth = Infinity): readonly BookLevel[] {
    return sorted(this.#bids, true, depth);
  }

  /** Asks, best first (at most `depth`). */
  asks(depth = Infinity): readonly BookLevel[] {
    return sorted(this.#asks, false, depth);
  }
}

/** Applies `levels` to `side`; returns the side's best price given the previous `best`. */
function setLevels(
  side: Map<number, number>,
  levels: WireLevels,
  highest: boolean,
  best: number,
): number {
  let result = best;
  let lost = false;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    const price = +level[0];
    const size = +level[1];
    // Deleting a level we do not hold happens (exchanges.md §1.5): deleting is then a no-op.
    if (size === 0) {
      if (side.delete(price) && price === result) lost = true;
    } else {
      side.set(price, size);
      if (!lost && (Number.isNaN(result) || (highest ? price > result : price < result))) {
        result = price;
      }
    }
  }
  return lost || Number.isNaN(result) ? scanBest(side, highest) : result;
}

function scanBest(side: Map<number, number>, highest: boolean): number {
  let result = NaN;
  for (const price of side.keys()) {
    if (Number.isNaN(result) || (highest ? price > result : price < result)) result = price;
  }
  return result;
}

function sorted(side: Map<number, number>, descending: boolean, depth: number): BookLevel[] {
  const prices = [...side.keys()].sort(descending ? (a, b) => b - a : (a, b) => a - b);
  const count = Math.min(prices.length, depth);
  const out: BookLevel[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const price = prices[i];
    out[i] = { price, size: side.get(price) ?? 0 };
  }
  return out;
}
