/**
 * The state machine of Binance USDⓈ-M market data, shared by the live
 * {@linkcode BinanceMarketStream} and by replays of its recordings, so a replay emits exactly
 * the events the live stream emitted: frames are parsed ({@linkcode parseMarket}), diff-depth
 * events go through one {@linkcode DepthSync} per symbol, REST snapshots are handed in by the
 * caller (the live stream fetches them; a replay reads them from the recording), and a lost
 * connection resets every book. Pure: no I/O, no timers; events are appended to `out`.
 *
 * @example
 * ```ts
 * import type { Event } from "../../lib/events/mod.ts";
 * import { BinanceMarketDecoder } from "./market_decoder.ts";
 * const decoder = new BinanceMarketDecoder();
 * const out: Event[] = [];
 * decoder.frame(
 *   '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["100","1"]],"a":[]}}',
 *   1000,
 *   out,
 * );
 * decoder.needsSnapshot(); // ["BTCUSDT"]
 * decoder.snapshot("BTCUSDT", { lastUpdateId: 7, eventTime: 1, bids: [100, 2], asks: [101, 1] }, 1001, out);
 * out.map((e) => e.kind); // ["book-snapshot", "connectivity"]
 * ```
 *
 * @module
 */

import { fromMillis, type Micros, type SymbolId } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import { toBookLevels } from "./depth_book.ts";
import { DepthSync } from "./depth_sync.ts";
import type { DepthSnapshot, DepthUpdate } from "./depth_update.ts";
import { type MarketFrame, type MarkPrice, parseMarket } from "./parse_public.ts";
import { binanceSymbol, VENUE } from "./symbols.ts";

/** Counters of a decoder (live status, replay diagnostics). */
export interface DecoderStats {
  /** Frames decoded. */
  frames: number;
  /** Snapshots that synchronised a book. */
  snapshots: number;
  /** Depth events applied. */
  deltas: number;
  /** Resyncs: chain breaks, stale snapshots, resets. */
  resyncs: number;
  /** Depth events buffered while a book waited for its snapshot. */
  buffered: number;
  /** Depth events older than the book (replayed frames). */
  stale: number;
  /** Frames that did not parse (an alert each). */
  badFrames: number;
}

interface Book {
  readonly symbol: SymbolId;
  readonly sync: DepthSync;
  stale: boolean;
  /** Receive time of the last depth event (µs; 0 before any). */
  lastEvent: Micros;
}

/** Options of {@linkcode BinanceMarketDecoder}. */
export interface BinanceMarketDecoderOptions {
  /** Levels per side in `book-snapshot` events; default all the snapshot gave. */
  readonly snapshotDepth?: number;
  /** Mark prices (information about the next funding, not a payment). */
  readonly onMarkPrice?: (mark: MarkPrice) => void;
}

/** Binance market frames → events, with the depth synchronisation. */
export class BinanceMarketDecoder {
  readonly #books = new Map<string, Book>();
  readonly #depth: number;
  readonly #onMark: ((mark: MarkPrice) => void) | undefined;
  readonly #marks = new Map<SymbolId, MarkPrice>();
  readonly #stats: DecoderStats = {
    frames: 0,
    snapshots: 0,
    deltas: 0,
    resyncs: 0,
    buffered: 0,
    stale: 0,
    badFrames: 0,
  };

  /** Makes a decoder with no books; a book appears with its symbol's first depth event. */
  constructor(options: BinanceMarketDecoderOptions = {}) {
    this.#depth = options.snapshotDepth ?? Infinity;
    this.#onMark = options.onMarkPrice;
  }

  /** The counters so far. */
  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  /** The synchroniser of `code`'s book (for status and tests). */
  book(code: string): DepthSync | undefined {
    return this.#books.get(code)?.sync;
  }

  /** The last mark price of `symbol`. */
  markPrice(symbol: SymbolId): MarkPrice | undefined {
    return this.#marks.get(symbol);
  }

  /** Registers a book before its first event (the live stream does on subscribe). */
  track(code: string): void {
    this.#book(code);
  }

  /** Codes whose book waits for a REST snapshot and has buffered events to start from. */
  needsSnapshot(): string[] {
    const out: string[] = [];
    for (const [code, book] of this.#books) {
      if (book.sync.needsSnapshot && book.sync.buffered > 0) out.push(code);
    }
    return out;
  }

  /** Decodes one frame received at `nowMs`. */
  frame(text: string, nowMs: number, out: Event[]): void {
    this.#stats.frames++;
    const tsRecv = fromMillis(nowMs);
    let frame: MarketFrame;
    try {
      frame = parseMarket(text, tsRecv);
    } catch (error) {
      this.#stats.badFrames++;
      out.push({
        kind: "alert",
        ts: tsRecv,
        tsRecv,
        severity: "warning",
        code: "binance-bad-message",
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    switch (frame.type) {
      case "depth":
        this.#depthEvent(frame.update, tsRecv, out);
        return;
      case "quote":
      case "trade":
      case "candle":
        out.push(frame.event);
        return;
      case "mark":
        this.#marks.set(frame.mark.symbol, frame.mark);
        this.#onMark?.(frame.mark);
        return;
      case "snapshot": {
        // A capture stores its REST snapshot among the frames, without the symbol: it belongs
        // to the one book waiting for it.
        const waiting = this.needsSnapshot();
        if (waiting.length === 1) this.snapshot(waiting[0], frame.snapshot, nowMs, out);
        return;
      }
      case "kline-open":
      case "control":
      case "other":
        return;
      default: {
        const never: never = frame;
        throw new TypeError(`Unknown frame ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Applies a REST snapshot to `code`'s book. Returns false when the snapshot is older than the
   * buffered stream (a newer one is needed).
   */
  snapshot(code: string, snapshot: DepthSnapshot, nowMs: number, out: Event[]): boolean {
    const book = this.#book(code);
    const step = book.sync.snapshot(snapshot);
    const at = fromMillis(nowMs);
    if (step.kind === "gap") {
      this.#gap(book, step.reason, at, out);
      return false;
    }
    this.#stats.snapshots++;
    this.#stats.deltas += step.kind === "synced" ? step.applied : 0;
    out.push({
      kind: "book-snapshot",
      ts: snapshot.eventTime > 0 ? fromMillis(snapshot.eventTime) : at,
      tsRecv: at,
      book: {
        symbol: book.symbol,
        bids: book.sync.book.bids(this.#depth),
        asks: book.sync.book.asks(this.#depth),
      },
    });
    if (book.stale) {
      book.stale = false;
      out.push(connectivity(at, "up", `${code}: book synchronised`, book.symbol));
    }
    return true;
  }

  /** Resets `code`'s book (or every book) and reports it stale: a new snapshot rebuilds it. */
  reset(reason: string, nowMs: number, out: Event[], code?: string): void {
    const at = fromMillis(nowMs);
    for (const [each, book] of this.#books) {
      if (code !== undefined && each !== code) continue;
      book.sync.reset(reason);
      this.#stats.resyncs++;
      this.#markStale(book, `${reason}; resync #${this.#stats.resyncs}`, at, out);
    }
  }

  /** Receive time (µs) of `code`'s last depth event, 0 before any. */
  lastEvent(code: string): Micros {
    return this.#books.get(code)?.lastEvent ?? 0;
  }

  /** Whether `code`'s book is consistent. */
  synced(code: string): boolean {
    return this.#books.get(code)?.sync.synced === true;
  }

  #book(code: string): Book {
    let book = this.#books.get(code);
    if (book === undefined) {
      book = { symbol: binanceSymbol(code), sync: new DepthSync(), stale: true, lastEvent: 0 };
      this.#books.set(code, book);
    }
    return book;
  }

  #depthEvent(update: DepthUpdate, tsRecv: Micros, out: Event[]): void {
    const book = this.#book(update.code);
    book.lastEvent = tsRecv;
    const step = book.sync.push(update);
    switch (step.kind) {
      case "buffered":
        this.#stats.buffered++;
        return;
      case "stale":
        this.#stats.stale++;
        return;
      case "gap":
        this.#gap(book, step.reason, tsRecv, out);
        return;
      case "applied":
        this.#stats.deltas++;
        out.push({
          kind: "book-delta",
          ts: fromMillis(update.transactionTime),
          tsRecv,
          delta: {
            symbol: book.symbol,
            bids: toBookLevels(update.bids),
            asks: toBookLevels(update.asks),
          },
        });
        return;
      case "synced":
        return;
      default: {
        const never: never = step;
        throw new TypeError(`Unknown depth step ${JSON.stringify(never)}`);
      }
    }
  }

  #gap(book: Book, reason: string, at: Micros, out: Event[]): void {
    this.#stats.resyncs++;
    this.#markStale(book, `${reason}; resync #${this.#stats.resyncs}`, at, out);
  }

  #markStale(book: Book, reason: string, at: Micros, out: Event[]): void {
    if (book.stale) return;
    book.stale = true;
    out.push(connectivity(at, "stale", `${book.symbol}: ${reason}`, book.symbol));
  }
}

function connectivity(
  at: Micros,
  state: "up" | "stale",
  reason: string,
  symbol: SymbolId,
): Event {
  return {
    kind: "connectivity",
    ts: at,
    tsRecv: at,
    channel: "market",
    venue: VENUE,
    state,
    reason,
    symbol,
  };
}
