/**
 * The state machine of Binance USDⓈ-M market data, the one decoder of the live
 * {@linkcode BinanceMarketStream} and of replays of its recordings (it is the
 * `RecordingDecoder` the tick runner gets from recording.ts), so a replay emits exactly the
 * events the live stream emitted: frames are parsed ({@linkcode parseMarket}, depth frames
 * through one reused {@linkcode DepthUpdateReader}), diff-depth events go through one
 * {@linkcode DepthSync} per symbol, REST snapshots are handed in (the live stream fetches them
 * and calls `snapshot`; a replay's `decode` reads them from the recording), and a lost
 * connection resets every book. Pure: no I/O, no timers; events are appended to `out`.
 *
 * Replay rules (`decode`): a recorded `#rest GET /fapi/v1/depth?symbol=…` answer is that
 * symbol's snapshot; a capture's snapshot line (hftbacktest stores it among the frames, without
 * a symbol) goes to the one book waiting for it, or, when it comes before any depth event (the
 * 2023 captures), to the first book that starts waiting; a recorded close of the `/public`
 * socket and its reopening reset the books, as live. A depth stream never becomes a book
 * without a snapshot (the documented rule for captures without one): its events stay buffered
 * and are counted (`depthWithoutSnapshot`), while quotes and trades still replay.
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

import { fromMillis, type JsonValue, type Micros, type SymbolId } from "../../lib/domain/mod.ts";
import { badFrameEvent, connectivityEvent, type Event } from "../../lib/events/mod.ts";
import type { RecordedItem, RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { toBookLevels } from "./depth_book.ts";
import { DepthSync } from "./depth_sync.ts";
import {
  type DepthSnapshot,
  type DepthUpdate,
  DepthUpdateReader,
  parseDepthSnapshot,
} from "./depth_update.ts";
import { type MarketFrame, type MarkPrice, parseMarket } from "./parse_public.ts";
import { binanceSymbol, VENUE } from "./symbols.ts";

/** Counters of a decoder (the live stream's status; `stats()` derives the replay's from them). */
export interface DecoderStats {
  /** Frames decoded. */
  frames: number;
  /** Depth frames among them (parsed). */
  depthEvents: number;
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

const DEPTH = "GET /fapi/v1/depth?";
const PUBLIC = /\/public(\/|\?|$)/;

/** Binance market frames (live or recorded) → events, with the depth synchronisation. */
export class BinanceMarketDecoder implements RecordingDecoder {
  /** Always `binance`. */
  readonly venue = VENUE;
  readonly #books = new Map<string, Book>();
  readonly #reader = new DepthUpdateReader();
  readonly #depth: number;
  readonly #onMark: ((mark: MarkPrice) => void) | undefined;
  readonly #marks = new Map<SymbolId, MarkPrice>();
  readonly #stats: DecoderStats = {
    frames: 0,
    depthEvents: 0,
    snapshots: 0,
    deltas: 0,
    resyncs: 0,
    buffered: 0,
    stale: 0,
    badFrames: 0,
  };
  // Replay only: a capture's snapshot that came before any book waited, whether `/public` was
  // open before, and `#rest` depth answers that named no symbol.
  #pending: DepthSnapshot | undefined;
  #opened = false;
  #unmatched = 0;

  /** Makes a decoder with no books; a book appears with its symbol's first depth event. */
  constructor(options: BinanceMarketDecoderOptions = {}) {
    this.#depth = options.snapshotDepth ?? Infinity;
    this.#onMark = options.onMarkPrice;
  }

  /** The counters so far. */
  get counters(): Readonly<DecoderStats> {
    return this.#stats;
  }

  /**
   * The replay's counters (`diagnostics.recordings` of a tick report): `applied` is the chain
   * length, `staleEvents` the depth events neither applied nor waiting (below a snapshot's
   * `lastUpdateId`, or already applied), `depthWithoutSnapshot` those still waiting for one.
   */
  stats(): Readonly<Record<string, JsonValue>> {
    const s = this.#stats;
    let waiting = 0;
    for (const code of this.needsSnapshot()) waiting += this.book(code)?.buffered ?? 0;
    return {
      frames: s.frames,
      depthEvents: s.depthEvents,
      applied: s.deltas,
      staleEvents: s.depthEvents - s.deltas - waiting,
      snapshots: s.snapshots,
      gaps: s.resyncs,
      depthWithoutSnapshot: waiting,
      unmatchedSnapshots: this.#unmatched + (this.#pending === undefined ? 0 : 1),
      badFrames: s.badFrames,
    };
  }

  /** Appends the events of one recorded item, as the live stream handled it. */
  decode(item: RecordedItem, out: Event[]): void {
    const ms = item.tsRecv / 1000;
    switch (item.kind) {
      case "frame":
        this.frame(item.text, ms, out);
        return;
      case "rest": {
        if (!item.target.startsWith(DEPTH)) return;
        const code = new URLSearchParams(item.target.slice(DEPTH.length)).get("symbol");
        if (code === null) {
          this.#unmatched++;
          return;
        }
        this.snapshot(code, parseDepthSnapshot(item.body), ms, out);
        return;
      }
      case "close":
        // Only `/public` carries depth: the live stream resets its books when it drops …
        if (PUBLIC.test(item.url)) this.reset("connection lost: connection closed", ms, out);
        return;
      case "open":
        // … and again when it is back, since depth events are not replayed.
        if (!PUBLIC.test(item.url)) return;
        if (this.#opened) this.reset("reconnected", ms, out);
        this.#opened = true;
        return;
      case "drop":
      case "timer":
        // A drop shows as a `pu` break, which the synchroniser catches.
        return;
      default: {
        const never: never = item;
        throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
      }
    }
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
      if (text.startsWith('{"lastUpdateId"')) {
        this.#captureSnapshot(parseDepthSnapshot(text), nowMs, out);
        return;
      }
      frame = parseMarket(text, tsRecv, this.#reader);
    } catch (error) {
      this.#stats.badFrames++;
      out.push(badFrameEvent(tsRecv, "binance-bad-message", error));
      return;
    }
    switch (frame.type) {
      case "depth":
        this.#stats.depthEvents++;
        this.#depthEvent(frame.update, tsRecv, out);
        if (this.#pending !== undefined) this.#takePending(nowMs, out);
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
      out.push(marketConnectivity(at, "up", `${code}: book synchronised`, book.symbol));
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

  /**
   * A capture stores its REST snapshot among the frames, without the symbol: it belongs to the
   * one book waiting for it; taken before any depth event, it waits for the first book that
   * starts waiting. (The live stream never receives one.)
   */
  #captureSnapshot(snapshot: DepthSnapshot, nowMs: number, out: Event[]): void {
    const waiting = this.needsSnapshot();
    if (waiting.length === 1) {
      this.snapshot(waiting[0], snapshot, nowMs, out);
      return;
    }
    if (waiting.length === 0) {
      if (this.#pending !== undefined) this.#unmatched++;
      this.#pending = snapshot;
      return;
    }
    this.#unmatched++; // several books wait: nothing says which one it is for
  }

  #takePending(nowMs: number, out: Event[]): void {
    const waiting = this.needsSnapshot();
    if (waiting.length !== 1 || this.#pending === undefined) return;
    const snapshot = this.#pending;
    this.#pending = undefined;
    this.snapshot(waiting[0], snapshot, nowMs, out);
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
    out.push(marketConnectivity(at, "stale", `${book.symbol}: ${reason}`, book.symbol));
  }
}

/** A market `connectivity` event of the Binance venue (about one symbol when `symbol` is set). */
export function marketConnectivity(
  at: Micros,
  state: "up" | "down" | "stale",
  reason: string,
  symbol?: SymbolId,
): Event {
  return connectivityEvent(at, "market", VENUE, state, reason, symbol);
}
