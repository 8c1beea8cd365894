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
import { BoundedQueue, type Event, warningEvent } from "../../lib/events/mod.ts";
import {
  type Backoff,
  realTimers,
  type SocketFactory,
  type StreamTimers,
  type TimerHandle,
} from "../../lib/broker/mod.ts";
import type { DepthSync } from "./depth_sync.ts";
import { depthSnapshotOf } from "./depth_update.ts";
import { obj } from "./_wire.ts";
import { BinanceMarketDecoder, type DecoderStats, marketConnectivity } from "./market_decoder.ts";
import type { MarkPrice } from "./parse_public.ts";
import type { BinanceRest } from "./rest.ts";
import { binanceCode, VENUE } from "./symbols.ts";
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

interface BookFetch {
  readonly code: string;
  fetching: boolean;
  /** When the book was subscribed or last reset for silence (ms). */
  lastMs: number;
  retry: TimerHandle | undefined;
  failures: number;
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
  readonly #decoder: BinanceMarketDecoder;
  readonly #fetches = new Map<string, BookFetch>();
  #closed = false;
  #watch: TimerHandle | undefined;

  /** Makes the stream; it connects on the first subscribe. */
  constructor(options: BinanceMarketStreamOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
    this.#queue = new BoundedQueue<Event>({
      capacity: options.capacity ?? 100_000,
      policy: "backpressure",
    });
    this.#decoder = new BinanceMarketDecoder(
      options.onMarkPrice === undefined ? {} : { onMarkPrice: options.onMarkPrice },
    );
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

  /** Book resyncs so far, over every symbol (each published as a `stale` connectivity event). */
  get resyncs(): number {
    return this.#decoder.counters.resyncs;
  }

  /** The decoder's counters (frames, snapshots, deltas, resyncs, …). */
  get stats(): Readonly<DecoderStats> {
    return this.#decoder.counters;
  }

  /** The last mark price of `symbol`, if one arrived. */
  markPrice(symbol: SymbolId): MarkPrice | undefined {
    return this.#decoder.markPrice(symbol);
  }

  /** The synchroniser of `symbol`'s book (for status and tests). */
  book(symbol: SymbolId): DepthSync | undefined {
    return this.#decoder.book(binanceCode(symbol));
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
      const code = binanceCode(subscription.symbol);
      if (names.public.some((name) => name.includes("@depth")) && !this.#fetches.has(code)) {
        this.#decoder.track(code);
        this.#fetches.set(code, {
          code,
          fetching: false,
          lastMs: this.#timers.now(),
          retry: undefined,
          failures: 0,
        });
      }
      publicNames.push(...names.public);
      marketNames.push(...names.market);
      if (this.#o.markPrices === true) marketNames.push(`${code.toLowerCase()}@markPrice@1s`);
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
    for (const fetch of this.#fetches.values()) {
      if (fetch.retry !== undefined) this.#timers.clearTimeout(fetch.retry);
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
    this.#publish((out) => this.#decoder.reset("reconnected", this.#timers.now(), out));
  }

  #onDown(name: "public" | "market", reason: string): void {
    this.#connectivity("down", `${name}: ${reason}`);
    if (name !== "public") return;
    this.#publish((out) =>
      this.#decoder.reset(`connection lost: ${reason}`, this.#timers.now(), out)
    );
  }

  #onFrame(text: string, nowMs: number): void {
    this.#publish((out) => this.#decoder.frame(text, nowMs, out));
    for (const code of this.#decoder.needsSnapshot()) {
      const fetch = this.#fetches.get(code);
      // The documented order: the stream is open and buffering before the snapshot is asked.
      if (fetch !== undefined) this.#fetchSnapshot(fetch);
    }
  }

  #publish(decode: (out: Event[]) => void): void {
    const out: Event[] = [];
    decode(out);
    for (const event of out) this.#emit(event);
  }

  #fetchSnapshot(fetch: BookFetch): void {
    if (fetch.fetching || fetch.retry !== undefined || this.#closed) return;
    fetch.fetching = true;
    const limit = this.#o.snapshotLimit ?? 1000;
    this.#o.rest.callReceived({
      method: "GET",
      path: "/fapi/v1/depth",
      params: { symbol: fetch.code, limit },
      security: "none",
      weight: DEPTH_LIMITS[limit] ?? 20,
      priority: "query",
    }).then(({ answer, receivedMs }) => {
      fetch.fetching = false;
      if (this.#closed) return;
      const snapshot = depthSnapshotOf(obj(answer, "depth"));
      let applied = false;
      // Stamped with its receive time, as a replay of a recording stamps it.
      this.#publish((out) => {
        applied = this.#decoder.snapshot(fetch.code, snapshot, receivedMs, out);
      });
      if (applied) fetch.failures = 0;
      // The snapshot predates the buffered events: ask again shortly.
      else this.#retrySnapshot(fetch);
    }, (error) => {
      fetch.fetching = false;
      if (this.#closed) return;
      fetch.failures++;
      this.#alert(
        "binance-depth-snapshot",
        `${fetch.code}: depth snapshot failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      this.#retrySnapshot(fetch);
    });
  }

  #retrySnapshot(fetch: BookFetch): void {
    const delay = Math.min(30_000, 250 * 2 ** Math.min(fetch.failures, 7));
    fetch.retry = this.#timers.setTimeout(() => {
      fetch.retry = undefined;
      if (!this.#closed && this.#decoder.needsSnapshot().includes(fetch.code)) {
        this.#fetchSnapshot(fetch);
      }
    }, delay);
  }

  #startWatch(): void {
    if (this.#watch !== undefined || this.#closed) return;
    const staleMs = this.#o.bookStaleAfterMs ?? 60_000;
    this.#watch = this.#timers.setTimeout(() => {
      this.#watch = undefined;
      if (this.#closed) return;
      const now = this.#timers.now();
      for (const fetch of this.#fetches.values()) {
        const last = Math.max(fetch.lastMs, this.#decoder.lastEvent(fetch.code) / 1000);
        if (now - last > staleMs) {
          const silent = Math.round(now - last);
          fetch.lastMs = now;
          this.#publish((out) =>
            this.#decoder.reset(`no depth event for ${silent} ms`, now, out, fetch.code)
          );
        }
      }
      this.#startWatch();
    }, Math.max(10, staleMs / 4));
  }

  #emit(event: Event): void {
    if (this.#queue.offer(event)) return;
    // The consumer is too far behind: a dropped delta would corrupt its book, so every book is
    // resynchronised instead of silently losing data.
    const now = this.#timers.now();
    const out: Event[] = [];
    for (const fetch of this.#fetches.values()) {
      if (this.#decoder.synced(fetch.code)) {
        this.#decoder.reset("consumer too slow", now, out, fetch.code);
      }
    }
    for (const dropped of out) this.#queue.offer(dropped);
  }

  #connectivity(state: "up" | "down" | "stale", reason: string): void {
    this.#queue.offer(marketConnectivity(fromMillis(this.#timers.now()), state, reason));
  }

  #alert(code: string, message: string): void {
    this.#queue.offer(warningEvent(fromMillis(this.#timers.now()), code, message));
  }
}
