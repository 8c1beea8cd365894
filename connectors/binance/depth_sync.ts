/**
 * The documented diff-depth synchronisation of Binance USDⓈ-M (exchanges.md §2.4) as pure code:
 * buffer `depthUpdate`s until a REST snapshot arrives, drop every event with `u` below the
 * snapshot's `lastUpdateId`, start at the event that spans it (`U ≤ lastUpdateId ≤ u`, or one
 * that continues it directly with `pu = lastUpdateId`), then require each event's `pu` to equal
 * the previous event's `u`. Any break resets the book and asks for a new snapshot; resyncs are
 * counted so a caller can publish them. No I/O: the caller fetches snapshots and owns time.
 *
 * @example
 * ```ts
 * import { DepthSync } from "./depth_sync.ts";
 * const sync = new DepthSync();
 * sync.push({ code: "BTCUSDT", eventTime: 1, transactionTime: 1, firstId: 5, lastId: 9,
 *   prevId: 4, bids: [100, 1], asks: [101, 2] }); // { kind: "buffered" }
 * sync.snapshot({ lastUpdateId: 7, eventTime: 1, bids: [100, 3], asks: [101, 1] });
 * sync.synced; // true (the buffered event spans 7 and was applied)
 * sync.book.bestBid; // 100
 * ```
 *
 * @module
 */

import { DepthBook } from "./depth_book.ts";
import { copyDepthUpdate, type DepthSnapshot, type DepthUpdate } from "./depth_update.ts";

/** What one step of the synchroniser did. */
export type DepthStep =
  /** Held until a snapshot arrives. */
  | { readonly kind: "buffered" }
  /** Older than the book (`u` below the snapshot, or an event already applied): ignored. */
  | { readonly kind: "stale" }
  /** Applied to a synchronised book. */
  | { readonly kind: "applied" }
  /** A snapshot was taken and `applied` buffered events replayed on it: the book is usable. */
  | { readonly kind: "synced"; readonly applied: number }
  /** The chain broke: the book was reset and a new snapshot is needed. */
  | { readonly kind: "gap"; readonly reason: string };

// The steps without data, shared: one per event would be garbage on the hot path.
const BUFFERED: DepthStep = Object.freeze({ kind: "buffered" });
const STALE: DepthStep = Object.freeze({ kind: "stale" });
const APPLIED: DepthStep = Object.freeze({ kind: "applied" });

/** Options of {@linkcode DepthSync}. */
export interface DepthSyncOptions {
  /** Events held while waiting for a snapshot; the oldest are dropped beyond it (default 10 000). */
  readonly maxBuffer?: number;
}

/** One symbol's book under the `U`/`u`/`pu` rules. */
export class DepthSync {
  /** The book; read it only while {@linkcode DepthSync.synced}. */
  readonly book: DepthBook = new DepthBook();
  readonly #maxBuffer: number;
  #buffer: DepthUpdate[] = [];
  #synced = false;
  // After a snapshot, the first event must span lastUpdateId (or continue it via pu).
  #first = false;
  #lastId = 0;
  #resyncs = 0;
  #lastGap = "";

  /** Makes an unsynchronised book waiting for its first snapshot. */
  constructor(options: DepthSyncOptions = {}) {
    this.#maxBuffer = options.maxBuffer ?? 10_000;
  }

  /** Whether the book is consistent with the venue's (a snapshot and an unbroken chain since). */
  get synced(): boolean {
    return this.#synced;
  }

  /** Whether a REST snapshot is needed (first start, or after a gap). */
  get needsSnapshot(): boolean {
    return !this.#synced;
  }

  /** The final update id `u` the book is current to (0 before the first snapshot). */
  get updateId(): number {
    return this.#lastId;
  }

  /** How many times the chain broke and the book had to be rebuilt. */
  get resyncs(): number {
    return this.#resyncs;
  }

  /** Why the last resync happened (empty before any). */
  get lastGap(): string {
    return this.#lastGap;
  }

  /** Events held for the next snapshot. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Feeds one stream event. The update may share a reader's buffers (depth_update.ts): an event
   * the synchroniser keeps for later is copied, an applied one is not retained.
   */
  push(update: DepthUpdate): DepthStep {
    if (!this.#synced) {
      this.#buffer.push(copyDepthUpdate(update));
      if (this.#buffer.length > this.#maxBuffer) this.#buffer.shift();
      return BUFFERED;
    }
    return this.#next(update);
  }

  /**
   * Takes a REST snapshot and replays the buffered events on it. The result is `synced`, or
   * `gap` when the buffered events start after the snapshot (events between were lost or the
   * snapshot is too old): then a newer snapshot is needed and the buffer is kept.
   */
  snapshot(snapshot: DepthSnapshot): DepthStep {
    const buffer = this.#buffer;
    let start = 0;
    while (start < buffer.length && buffer[start].lastId < snapshot.lastUpdateId) start++;
    const firstKept = buffer[start];
    if (firstKept !== undefined && !spans(firstKept, snapshot.lastUpdateId)) {
      // The snapshot predates the buffered stream: nothing links them. Keep the events: a later
      // snapshot may cover them.
      this.#buffer = buffer.slice(start);
      return this.#gap(
        `snapshot ${snapshot.lastUpdateId} is older than the first buffered event (U=${firstKept.firstId}, pu=${firstKept.prevId})`,
        false,
      );
    }
    this.book.replace(snapshot.bids, snapshot.asks);
    this.#lastId = snapshot.lastUpdateId;
    this.#synced = true;
    this.#first = true;
    this.#buffer = [];
    let applied = 0;
    for (let i = start; i < buffer.length; i++) {
      const step = this.#next(buffer[i]);
      if (step.kind === "gap") {
        // Keep what followed the break for the next snapshot.
        this.#buffer = buffer.slice(i);
        return step;
      }
      if (step.kind === "applied") applied++;
    }
    return { kind: "synced", applied };
  }

  /** Forgets the book (a reconnect, a stale stream): the next snapshot rebuilds it. */
  reset(reason: string): void {
    this.#gap(reason, true);
    this.#buffer = [];
  }

  #next(update: DepthUpdate): DepthStep {
    if (this.#first) {
      if (update.lastId < this.#lastId) return STALE;
      if (!spans(update, this.#lastId)) {
        return this.#gap(
          `first event after snapshot ${this.#lastId} does not span it (U=${update.firstId}, u=${update.lastId}, pu=${update.prevId})`,
          true,
          update,
        );
      }
      this.#first = false;
    } else if (update.prevId !== this.#lastId) {
      // An event we already applied (a replayed frame) is harmless; anything else is a hole.
      if (update.lastId <= this.#lastId) return STALE;
      return this.#gap(`pu ${update.prevId} after u ${this.#lastId}`, true, update);
    }
    this.book.apply(update.bids, update.asks);
    this.#lastId = update.lastId;
    return APPLIED;
  }

  #gap(reason: string, resetBook: boolean, keep?: DepthUpdate): DepthStep {
    if (resetBook) {
      this.book.clear();
      this.#synced = false;
      this.#first = false;
      this.#lastId = 0;
      // The breaking event is the first of the new chain: the next snapshot may be spanned by it.
      this.#buffer = keep === undefined ? [] : [copyDepthUpdate(keep)];
    }
    this.#resyncs++;
    this.#lastGap = reason;
    return { kind: "gap", reason };
  }
}

function spans(update: DepthUpdate, lastUpdateId: number): boolean {
  return (update.firstId <= lastUpdateId && update.lastId >= lastUpdateId) ||
    update.prevId === lastUpdateId;
}
