/**
 * Replay of Binance USDⓈ-M recordings: {@linkcode BinanceRecordingDecoder} turns recorded
 * market frames and depth snapshots into the events {@linkcode BinanceMarketStream} emits live,
 * through the same parser (`parseMarket`) and the same synchronizer ({@linkcode DepthSync}): the
 * depth stream is buffered until a snapshot, events with `u` below its `lastUpdateId` are dropped,
 * the first kept event must span it, and every later event's `pu` must equal the previous `u`;
 * a break resets the book until the next snapshot in the file. A snapshot is a recorded
 * `#rest GET /fapi/v1/depth…` response, or, in hftbacktest's captures, a frame line without a
 * `stream` key. A recorded close of the `/public` socket marks the books stale and its reopening
 * resets them until their next snapshot, as live.
 *
 * Missing snapshot (the rule for captures that have none, like hftbacktest's 2023 `…0405` file):
 * a depth stream is never turned into a book without a snapshot. Its events stay buffered and
 * are counted (`depthWithoutSnapshot`); quotes (`bookTicker`) and trades still replay, so the
 * tick venue matches against the one-level book of the quotes. Pass the capture's previous file
 * too (`--lob-data …0404.dat.gz --lob-data …0405.dat.gz`): one venue's recordings are decoded as
 * one stream, so the chain continues from the earlier file's snapshot.
 *
 * @module
 */

import { fromMillis, type JsonValue, type Micros, type SymbolId } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import type { RecordedItem, RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { toBookLevels } from "./depth_book.ts";
import { DepthSync } from "./depth_sync.ts";
import { type DepthSnapshot, type DepthUpdate, parseDepthSnapshot } from "./depth_update.ts";
import { parseMarket } from "./parse_public.ts";
import { binanceSymbol, VENUE } from "./symbols.ts";

interface ReplayBook {
  readonly symbol: SymbolId;
  /** The depth stream's name (`btcusdt@depth@100ms`), as the live stream names it. */
  stream: string;
  readonly sync: DepthSync;
  stale: boolean;
  // The update ids buffered since the book last needed a snapshot, to match a capture's
  // snapshot line (which names no symbol) to its book.
  firstWaiting: number;
  lastWaiting: number;
}

/** Counters of a Binance replay. */
export interface BinanceReplayStats {
  /** Frames decoded. */
  frames: number;
  /** Depth events seen. */
  depthEvents: number;
  /** Depth events applied to a synchronized book (the unbroken `pu` chain). */
  applied: number;
  /** Depth events older than the book (`u` below the snapshot): dropped as documented. */
  staleEvents: number;
  /** Snapshots taken. */
  snapshots: number;
  /** Chain breaks (`pu` ≠ previous `u`, or a snapshot older than the stream): resyncs. */
  gaps: number;
  /** Books started over after the `/public` socket reconnected. */
  reconnects: number;
  /** Depth events still waiting for a snapshot at the end (no snapshot in the data). */
  depthWithoutSnapshot: number;
  /** Capture snapshot lines that came while no book waited for one. */
  unmatchedSnapshots: number;
  /** Frames that did not parse (an alert each, as live). */
  badFrames: number;
}

const DEPTH_PATH = "GET /fapi/v1/depth";

/** Decodes a Binance recording as the live market stream would have. */
export class BinanceRecordingDecoder implements RecordingDecoder {
  /** Always `binance`. */
  readonly venue = VENUE;
  readonly #books = new Map<string, ReplayBook>();
  #opened = false;
  #pending: string | undefined;
  readonly #stats: BinanceReplayStats = {
    frames: 0,
    depthEvents: 0,
    applied: 0,
    staleEvents: 0,
    snapshots: 0,
    gaps: 0,
    reconnects: 0,
    depthWithoutSnapshot: 0,
    unmatchedSnapshots: 0,
    badFrames: 0,
  };

  /** Appends the events of `item`. */
  decode(item: RecordedItem, out: Event[]): void {
    switch (item.kind) {
      case "frame":
        this.#frame(item.text, item.tsRecv, out);
        return;
      case "rest": {
        if (!item.target.startsWith(DEPTH_PATH)) return;
        const code = new URLSearchParams(item.target.slice(item.target.indexOf("?") + 1)).get(
          "symbol",
        );
        if (code === null) return;
        this.#snapshot(code, item.body, item.tsRecv, out);
        return;
      }
      case "close":
        // The live stream marks the books stale when `/public` drops …
        if (!isPublic(item.url)) return;
        for (const book of this.#books.values()) {
          this.#markStale(book, item.tsRecv, "connection lost: connection closed", out);
        }
        return;
      case "open":
        // … and starts every book over from a new snapshot when it is back.
        if (!isPublic(item.url)) return;
        if (!this.#opened) {
          this.#opened = true;
          return;
        }
        for (const book of this.#books.values()) {
          this.#stats.reconnects++;
          book.sync.reset("reconnected");
          book.firstWaiting = Infinity;
          book.lastWaiting = -Infinity;
          this.#markStale(book, item.tsRecv, `reconnected; resync #${this.#resyncs()}`, out);
        }
        return;
      case "drop":
      case "timer":
        // A drop shows as a `pu` break, which the synchronizer catches.
        return;
      default: {
        const never: never = item;
        throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
      }
    }
  }

  /** The counters (`depthWithoutSnapshot` as of now). */
  stats(): Readonly<Record<string, JsonValue>> {
    let waiting = 0;
    for (const book of this.#books.values()) waiting += book.sync.buffered;
    const unmatched = this.#stats.unmatchedSnapshots + (this.#pending === undefined ? 0 : 1);
    return { ...this.#stats, depthWithoutSnapshot: waiting, unmatchedSnapshots: unmatched };
  }

  #book(code: string): ReplayBook {
    let book = this.#books.get(code);
    if (book === undefined) {
      book = {
        symbol: binanceSymbol(code),
        stream: `${code.toLowerCase()}@depth`,
        sync: new DepthSync(),
        stale: true,
        firstWaiting: Infinity,
        lastWaiting: -Infinity,
      };
      this.#books.set(code, book);
    }
    return book;
  }

  #frame(text: string, tsRecv: Micros, out: Event[]): void {
    this.#stats.frames++;
    // hftbacktest's captures hold the REST snapshot as a line of its own.
    if (text.startsWith('{"lastUpdateId"')) {
      this.#captureSnapshot(text, tsRecv, out);
      return;
    }
    let frame;
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
        this.#depth(frame.stream, frame.update, tsRecv, out);
        return;
      case "quote":
      case "trade":
      case "candle":
        out.push(frame.event);
        return;
      case "snapshot":
        // A snapshot line laid out differently from the capture's usual `{"lastUpdateId"…`.
        this.#captureSnapshot(text, tsRecv, out);
        return;
      case "mark":
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

  #depth(stream: string, update: DepthUpdate, tsRecv: Micros, out: Event[]): void {
    this.#stats.depthEvents++;
    const book = this.#book(update.code);
    if (stream !== "") book.stream = stream;
    const step = book.sync.push(update);
    switch (step.kind) {
      case "buffered": {
        if (update.firstId < book.firstWaiting) book.firstWaiting = update.firstId;
        if (update.lastId > book.lastWaiting) book.lastWaiting = update.lastId;
        const pending = this.#pending;
        if (pending !== undefined) {
          this.#pending = undefined;
          this.#snapshot(update.code, pending, tsRecv, out);
        }
        return;
      }
      case "stale":
        this.#stats.staleEvents++;
        return;
      case "gap":
        this.#stats.gaps++;
        book.firstWaiting = update.firstId;
        book.lastWaiting = update.lastId;
        this.#markStale(book, tsRecv, `${step.reason}; resync #${this.#resyncs()}`, out);
        return;
      case "applied":
        this.#stats.applied++;
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

  // A snapshot line of a capture names no symbol: it belongs to the book waiting for a
  // snapshot whose buffered updates span its lastUpdateId (else the nearest such book), or,
  // when no depth event came yet, to the book of the first one.
  #captureSnapshot(text: string, tsRecv: Micros, out: Event[]): void {
    const id = /"lastUpdateId"\s*:\s*(\d+)/.exec(text);
    const lastUpdateId = id === null ? NaN : Number(id[1]);
    let best: string | undefined;
    let distance = Infinity;
    for (const [code, book] of this.#books) {
      if (!book.sync.needsSnapshot) continue;
      const d = lastUpdateId < book.firstWaiting
        ? book.firstWaiting - lastUpdateId
        : lastUpdateId > book.lastWaiting
        ? lastUpdateId - book.lastWaiting
        : 0;
      if (d < distance) {
        distance = d;
        best = code;
      }
    }
    if (best === undefined) {
      // Taken before the first depth event (the 2023 captures): it waits for that event.
      if (this.#pending !== undefined) this.#stats.unmatchedSnapshots++;
      this.#pending = text;
      return;
    }
    this.#snapshot(best, text, tsRecv, out);
  }

  #snapshot(code: string, body: string, tsRecv: Micros, out: Event[]): void {
    const book = this.#book(code);
    let snapshot: DepthSnapshot;
    try {
      snapshot = parseDepthSnapshot(body);
    } catch (error) {
      this.#stats.badFrames++;
      out.push({
        kind: "alert",
        ts: tsRecv,
        tsRecv,
        severity: "warning",
        code: "binance-depth-snapshot",
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const before = book.sync.buffered;
    const step = book.sync.snapshot(snapshot);
    if (step.kind === "gap") {
      this.#stats.gaps++;
      this.#markStale(book, tsRecv, `${step.reason}; resync #${this.#resyncs()}`, out);
      return;
    }
    this.#stats.snapshots++;
    book.firstWaiting = Infinity;
    book.lastWaiting = -Infinity;
    if (step.kind === "synced") {
      this.#stats.applied += step.applied;
      this.#stats.staleEvents += before - step.applied;
    }
    out.push({
      kind: "book-snapshot",
      ts: snapshot.eventTime > 0 ? fromMillis(snapshot.eventTime) : tsRecv,
      tsRecv,
      book: { symbol: book.symbol, bids: book.sync.book.bids(), asks: book.sync.book.asks() },
    });
    if (book.stale) {
      book.stale = false;
      out.push(connectivity(tsRecv, "up", `${book.stream}: book synchronised`, book.symbol));
    }
  }

  #markStale(book: ReplayBook, at: Micros, reason: string, out: Event[]): void {
    if (book.stale) return;
    book.stale = true;
    out.push(connectivity(at, "stale", `${book.stream}: ${reason}`, book.symbol));
  }

  // The live stream numbers its resyncs (chain breaks and reconnects) in its messages.
  #resyncs(): number {
    return this.#stats.gaps + this.#stats.reconnects;
  }
}

function isPublic(url: string): boolean {
  return /\/public(\/|\?|$)/.test(url) || url.includes("@depth");
}

function connectivity(
  at: Micros,
  state: "up" | "down" | "stale",
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

/** The Binance codec of the tick replay. */
export const binanceRecordingCodec: {
  readonly venue: string;
  recognizes(frame: string): boolean;
  decoder(): RecordingDecoder;
} = {
  venue: VENUE,
  recognizes(frame: string): boolean {
    // Combined-stream frames (`{"stream":"btcusdt@…","data":…}`) or raw events (`{"e":…}`).
    return /^\{"stream":"[a-z0-9]+@/.test(frame) || /^\{"e":"[A-Za-z]+"/.test(frame);
  },
  decoder: () => new BinanceRecordingDecoder(),
};
