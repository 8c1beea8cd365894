/**
 * Binance USDⓈ-M market data as a `MarketStream` over the split endpoints (in force since
 * April 2026): `/public` carries `<s>@depth@100ms` (or `@0ms`) and `<s>@bookTicker`, `/market`
 * carries `<s>@aggTrade`, `<s>@kline_<i>` and `<s>@markPrice@1s`. Books follow the documented
 * synchronisation ({@linkcode DepthSync}): the diff stream is buffered, a REST snapshot
 * (`GET /fapi/v1/depth`, limit 1000) is taken, and every later event must chain by `pu`. A
 * break, a reconnect, a silent book or a consumer too slow to keep up resets the book, counts
 * a resync, reports the symbol `stale` and takes a new snapshot; nothing is emitted from a book
 * that is not consistent. Mark prices are kept per symbol (information about the next
 * funding, not a payment).
 *
 * @module
 */

import type { MarketStream, MarketSubscription } from "../../lib/broker/mod.ts";
import { fromMillis, type SymbolId } from "../../lib/domain/mod.ts";
import { BoundedQueue, type Event } from "../../lib/events/mod.ts";
import {
  type Backoff,
  realTimers,
  type SocketFactory,
  type StreamTimers,
  type TimerHandle,
} from "./socket.ts";
import { toBookLevels } from "./depth_book.ts";
import { DepthSync } from "./depth_sync.ts";
import { depthSnapshotOf, type DepthUpdate } from "./depth_update.ts";
import { obj } from "./_wire.ts";
import { type MarketFrame, type MarkPrice, parseMarket } from "./parse_public.ts";
import type { BinanceRest } from "./rest.ts";
import { binanceCode, binanceSymbol, VENUE } from "./symbols.ts";
import { WsConnection } from "./ws_connection.ts";

/** Depth snapshot sizes Binance serves, with their request weight. */
export const DEPTH_LIMITS: Readonly<Record<number, number>> = {
  5: 2,
  10: 2,
  20: 2,
  50: 2,
  100: 5,
  500: 10,
  1000: 20,
};

/** Options of {@linkcode BinanceMarketStream}. */
export interface BinanceMarketStreamOptions {
  /** The `/public` endpoint, e.g. `wss://fstream.binance.com/public`. */
  readonly publicUrl: string;
  /** The `/market` endpoint, e.g. `wss://fstream.binance.com/market`. */
  readonly marketUrl: string;
  /** REST for depth snapshots. */
  readonly rest: BinanceRest;
  /** Diff-depth speed; default `100ms`. */
  readonly depthSpeed?: "0ms" | "100ms" | "500ms";
  /** Snapshot size (a key of {@linkcode DEPTH_LIMITS}); default 1000. */
  readonly snapshotLimit?: number;
  /** Socket factory (default native). */
  readonly socket?: SocketFactory;
  /** Timers and clock (default real). */
  readonly timers?: StreamTimers;
  /** Connection silence before a probe (ms); lost after twice that. Default 30 s. */
  readonly staleAfterMs?: number;
  /** A book without an event for this long is resynchronised (ms); default 60 s. */
  readonly bookStaleAfterMs?: number;
  /** Reconnect pacing. */
  readonly backoff?: Backoff;
  /** Events held for the consumer before books are resynchronised instead; default 100 000. */
  readonly capacity?: number;
  /** Also subscribe `<s>@markPrice@1s` for every subscribed symbol; default false. */
  readonly markPrices?: boolean;
  /** Called with every mark price update. */
  readonly onMarkPrice?: (mark: MarkPrice) => void;
}

interface Book {
  readonly symbol: SymbolId;
  readonly stream: string;
  readonly sync: DepthSync;
  readonly depth: number;
  stale: boolean;
  fetching: boolean;
  lastMs: number;
  retry: TimerHandle | undefined;
  snapshotFailures: number;
}

/** The stream names of one subscription, by endpoint. */
export function streamsOf(
  subscription: MarketSubscription,
  depthSpeed: "0ms" | "100ms" | "500ms" = "100ms",
): { readonly public: string[]; readonly market: string[] } {
  const code = binanceCode(subscription.symbol).toLowerCase();
  const out = { public: [] as string[], market: [] as string[] };
  for (const channel of subscription.channels) {
    switch (channel) {
      case "trades":
        out.market.push(`${code}@aggTrade`);
        break;
      case "candles":
        out.market.push(`${code}@kline_${subscription.interval ?? "1m"}`);
        break;
      case "book":
        out.public.push(depthSpeed === "0ms" ? `${code}@depth@0ms` : `${code}@depth@${depthSpeed}`);
        break;
      case "quotes":
        out.public.push(`${code}@bookTicker`);
        break;
      default: {
        const never: never = channel;
        throw new TypeError(`Unknown market channel ${String(never)}`);
      }
    }
  }
  return out;
}

/** Binance USDⓈ-M market data on /public and /market. */
export class BinanceMarketStream implements MarketStream {
  /** Always `binance`. */
  readonly venue = VENUE;
  readonly #o: BinanceMarketStreamOptions;
  readonly #timers: StreamTimers;
  readonly #queue: BoundedQueue<Event>;
  readonly #public: WsConnection;
  readonly #market: WsConnection;
  readonly #books = new Map<string, Book>();
  readonly #marks = new Map<SymbolId, MarkPrice>();
  #closed = false;
  #watch: TimerHandle | undefined;
  /** Book resyncs so far, over every symbol (published as `stale` connectivity events). */
  resyncs = 0;

  /** Makes the stream; it connects on the first subscribe. */
  constructor(options: BinanceMarketStreamOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
    this.#queue = new BoundedQueue<Event>({
      capacity: options.capacity ?? 100_000,
      policy: "backpressure",
    });
    const connection = (url: string, name: "public" | "market"): WsConnection =>
      new WsConnection({
        url,
        timers: this.#timers,
        ...(options.socket === undefined ? {} : { socket: options.socket }),
        ...(options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs }),
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        onFrame: (text, nowMs) => this.#onFrame(text, nowMs),
        onUp: (reason, reconnected) => this.#onUp(name, reason, reconnected),
        onDown: (reason) => this.#onDown(name, reason),
      });
    this.#public = connection(options.publicUrl, "public");
    this.#market = connection(options.marketUrl, "market");
  }

  /** The last mark price of `symbol`, if one arrived. */
  markPrice(symbol: SymbolId): MarkPrice | undefined {
    return this.#marks.get(symbol);
  }

  /** The synchroniser of `symbol`'s book (for status and tests). */
  book(symbol: SymbolId): DepthSync | undefined {
    for (const book of this.#books.values()) if (book.symbol === symbol) return book.sync;
    return undefined;
  }

  /** Connection-level reconnects so far (public + market). */
  get reconnects(): number {
    return this.#public.reconnects + this.#market.reconnects;
  }

  /** Subscribes; resolves once Binance acknowledged every stream. */
  async subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    if (this.#closed) throw new TypeError("BinanceMarketStream: subscribe after close");
    const limit = this.#o.snapshotLimit ?? 1000;
    if (DEPTH_LIMITS[limit] === undefined) {
      throw new RangeError(
        `Binance depth snapshot limit ${limit} is not offered: use one of ${
          Object.keys(DEPTH_LIMITS).join(", ")
        }`,
      );
    }
    const publicNames: string[] = [];
    const marketNames: string[] = [];
    for (const subscription of subscriptions) {
      const names = streamsOf(subscription, this.#o.depthSpeed);
      for (const name of names.public) {
        if (name.includes("@depth") && !this.#books.has(name)) {
          this.#books.set(name, {
            symbol: subscription.symbol,
            stream: name,
            sync: new DepthSync(),
            depth: subscription.depth ?? limit,
            stale: true,
            fetching: false,
            lastMs: this.#timers.now(),
            retry: undefined,
            snapshotFailures: 0,
          });
        }
      }
      publicNames.push(...names.public);
      marketNames.push(...names.market);
      if (this.#o.markPrices === true) {
        marketNames.push(`${binanceCode(subscription.symbol).toLowerCase()}@markPrice@1s`);
      }
    }
    this.#startWatch();
    await Promise.all([
      publicNames.length === 0 ? Promise.resolve() : this.#public.subscribe(publicNames),
      marketNames.length === 0 ? Promise.resolve() : this.#market.subscribe(marketNames),
    ]);
  }

  /** The events until close. */
  events(): AsyncIterable<Event> {
    return this.#queue;
  }

  /** Closes both connections, stops every timer and ends the events. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#watch !== undefined) this.#timers.clearTimeout(this.#watch);
    for (const book of this.#books.values()) {
      if (book.retry !== undefined) this.#timers.clearTimeout(book.retry);
    }
    this.#public.close();
    this.#market.close();
    this.#queue.close();
    return Promise.resolve();
  }

  #onUp(name: "public" | "market", reason: string, reconnected: boolean): void {
    this.#connectivity("up", `${name}: ${reason}`);
    if (!reconnected || name !== "public") return;
    // Depth events are not replayed: every book starts over from a new snapshot.
    for (const book of this.#books.values()) this.#resync(book, "reconnected");
  }

  #onDown(name: "public" | "market", reason: string): void {
    this.#connectivity("down", `${name}: ${reason}`);
    if (name !== "public") return;
    for (const book of this.#books.values()) this.#markStale(book, `connection lost: ${reason}`);
  }

  #onFrame(text: string, nowMs: number): void {
    let frame: MarketFrame;
    try {
      frame = parseMarket(text, fromMillis(nowMs));
    } catch (error) {
      this.#alert("binance-bad-message", error instanceof Error ? error.message : String(error));
      return;
    }
    switch (frame.type) {
      case "depth":
        this.#onDepth(frame.stream, frame.update, nowMs);
        return;
      case "quote":
      case "trade":
      case "candle":
        this.#emit(frame.event);
        return;
      case "mark":
        this.#marks.set(frame.mark.symbol, frame.mark);
        this.#o.onMarkPrice?.(frame.mark);
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

  #onDepth(stream: string, update: DepthUpdate, nowMs: number): void {
    const book = this.#books.get(stream);
    if (book === undefined) return;
    book.lastMs = nowMs;
    const step = book.sync.push(update);
    switch (step.kind) {
      case "buffered":
        // The documented order: the stream is open and buffering before the snapshot is asked.
        this.#fetchSnapshot(book);
        return;
      case "stale":
        return;
      case "gap":
        this.#countGap(book, step.reason);
        this.#fetchSnapshot(book);
        return;
      case "applied":
        this.#emit({
          kind: "book-delta",
          ts: fromMillis(update.transactionTime),
          tsRecv: fromMillis(nowMs),
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

  #fetchSnapshot(book: Book): void {
    if (book.fetching || book.retry !== undefined || this.#closed) return;
    book.fetching = true;
    const limit = this.#o.snapshotLimit ?? 1000;
    this.#o.rest.call({
      method: "GET",
      path: "/fapi/v1/depth",
      params: { symbol: binanceCode(book.symbol), limit },
      security: "none",
      weight: DEPTH_LIMITS[limit] ?? 20,
      priority: "query",
    }).then((answer) => {
      book.fetching = false;
      if (this.#closed) return;
      const snapshot = depthSnapshotOf(obj(answer, "depth"));
      const step = book.sync.snapshot(snapshot);
      if (step.kind === "gap") {
        // The snapshot predates the buffered events (or the chain broke while replaying them):
        // ask again shortly.
        this.#countGap(book, step.reason);
        this.#retrySnapshot(book);
        return;
      }
      book.snapshotFailures = 0;
      const now = this.#timers.now();
      this.#emit({
        kind: "book-snapshot",
        ts: fromMillis(snapshot.eventTime > 0 ? snapshot.eventTime : now),
        tsRecv: fromMillis(now),
        book: {
          symbol: book.symbol,
          bids: book.sync.book.bids(book.depth),
          asks: book.sync.book.asks(book.depth),
        },
      });
      if (book.stale) {
        book.stale = false;
        this.#connectivity("up", `${book.stream}: book synchronised`, book.symbol);
      }
    }, (error) => {
      book.fetching = false;
      if (this.#closed) return;
      book.snapshotFailures++;
      this.#alert(
        "binance-depth-snapshot",
        `${book.stream}: depth snapshot failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      this.#retrySnapshot(book);
    });
  }

  #retrySnapshot(book: Book): void {
    const delay = Math.min(30_000, 250 * 2 ** Math.min(book.snapshotFailures, 7));
    book.retry = this.#timers.setTimeout(() => {
      book.retry = undefined;
      if (!this.#closed && book.sync.needsSnapshot) this.#fetchSnapshot(book);
    }, delay);
  }

  #countGap(book: Book, reason: string): void {
    this.resyncs++;
    this.#markStale(book, `${reason}; resync #${this.resyncs}`);
  }

  #markStale(book: Book, reason: string): void {
    if (book.stale) return;
    book.stale = true;
    this.#connectivity("stale", `${book.stream}: ${reason}`, book.symbol);
  }

  /** Resets a book and starts it over from a new snapshot (the stream keeps buffering). */
  #resync(book: Book, reason: string): void {
    this.resyncs++;
    book.sync.reset(reason);
    book.lastMs = this.#timers.now();
    this.#markStale(book, `${reason}; resync #${this.resyncs}`);
  }

  #startWatch(): void {
    if (this.#watch !== undefined || this.#closed) return;
    const staleMs = this.#o.bookStaleAfterMs ?? 60_000;
    this.#watch = this.#timers.setTimeout(() => {
      this.#watch = undefined;
      if (this.#closed) return;
      const now = this.#timers.now();
      for (const book of this.#books.values()) {
        if (now - book.lastMs > staleMs) {
          this.#resync(book, `no depth event for ${now - book.lastMs} ms`);
        }
      }
      this.#startWatch();
    }, Math.max(10, staleMs / 4));
  }

  #emit(event: Event): void {
    if (this.#queue.offer(event)) return;
    // The consumer is too far behind: a dropped delta would corrupt its book, so every book is
    // resynchronised instead of silently losing data.
    for (const book of this.#books.values()) {
      if (!book.stale) this.#resync(book, "consumer too slow");
    }
  }

  #connectivity(state: "up" | "down" | "stale", reason: string, symbol?: SymbolId): void {
    const at = fromMillis(this.#timers.now());
    this.#queue.offer({
      kind: "connectivity",
      ts: at,
      tsRecv: at,
      channel: "market",
      venue: VENUE,
      state,
      reason,
      ...(symbol === undefined ? {} : { symbol }),
    });
  }

  #alert(code: string, message: string): void {
    const at = fromMillis(this.#timers.now());
    this.#queue.offer({ kind: "alert", ts: at, tsRecv: at, severity: "warning", code, message });
  }
}

/** The symbol of a stream name (`btcusdt@depth@100ms` → `binance:BTCUSDT`). */
export function symbolOfStream(stream: string): SymbolId {
  return binanceSymbol(stream.slice(0, stream.indexOf("@")).toUpperCase());
}
