/**
 * The Bybit v5 public linear stream as a `MarketStream`: `publicTrade`, `kline` and
 * `orderbook` topics over one native WebSocket. Books are rebuilt from snapshot + delta under
 * the continuity rules of {@linkcode BybitBook}; a gap, a crossed book or a silent topic resets
 * the book, resubscribes the topic (which yields a fresh snapshot) and reports the symbol
 * `stale` until the snapshot is in: nothing is emitted from a book that is not consistent.
 * The stream pings every 20 s, treats a connection silent for `staleAfterMs` (or one whose
 * subscribe request stays unanswered that long) as lost,
 * reconnects with jittered exponential backoff and replays every subscription.
 *
 * @module
 */

import type { MarketSink, MarketStream, MarketSubscription } from "../../lib/broker/mod.ts";
import { ExchangeError, fromMillis, type Micros, type SymbolId } from "../../lib/domain/mod.ts";
import { BoundedQueue, connectivityEvent, type Event, warningEvent } from "../../lib/events/mod.ts";
import { BybitBook } from "./book.ts";
import { bookFrameEvent } from "./book_events.ts";
import { VENUE } from "./errors.ts";
import { bybitCode } from "./execution_client.ts";
import { bybitInterval } from "./intervals.ts";
import { type BookFrame, parsePublic } from "./parse_public.ts";
import {
  type Backoff,
  backoffDelay,
  DEFAULT_BACKOFF,
  dropSocket,
  nativeSocket,
  realTimers,
  type SocketFactory,
  type StreamSocket,
  type StreamTimers,
  type TimerHandle,
} from "../../lib/broker/mod.ts";

/** Book depths Bybit offers for linear. */
export const BOOK_DEPTHS: readonly number[] = [1, 50, 200, 1000];

/** Options of {@linkcode BybitMarketStream}. */
export interface BybitMarketStreamOptions {
  /** e.g. `wss://stream-testnet.bybit.com/v5/public/linear`. */
  readonly url: string;
  /** Socket factory (default native WebSocket). */
  readonly socket?: SocketFactory;
  /** Timers and clock (default real ones). */
  readonly timers?: StreamTimers;
  /** Ping period (ms); Bybit asks for 20 s. */
  readonly pingIntervalMs?: number;
  /** A connection without any message for this long is treated as lost (ms); default 40 s. */
  readonly staleAfterMs?: number;
  /** A book topic without a message for this long is resynchronised (ms); default 60 s. */
  readonly bookStaleAfterMs?: number;
  /** Reconnect pacing. */
  readonly backoff?: Backoff;
  /** Events held for the consumer before books are resynchronised instead; default 100 000. */
  readonly capacity?: number;
}

interface Topic {
  readonly name: string;
  readonly symbol: SymbolId;
  readonly book?: BybitBook;
  readonly quotes?: boolean;
  lastMs: number;
  stale: boolean;
}

interface PendingAck {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** When the request went out (ms), so an answer that never comes is noticed. */
  readonly sentMs: number;
}

/** The topics of one subscription. */
export function topicsOf(subscription: MarketSubscription): string[] {
  const code = bybitCode(subscription.symbol);
  const topics: string[] = [];
  for (const channel of subscription.channels) {
    switch (channel) {
      case "trades":
        topics.push(`publicTrade.${code}`);
        break;
      case "candles":
        topics.push(`kline.${bybitInterval(subscription.interval ?? "1m")}.${code}`);
        break;
      case "book": {
        const depth = subscription.depth ?? 50;
        if (!BOOK_DEPTHS.includes(depth)) {
          throw new RangeError(
            `Bybit linear book depth ${depth} is not offered: use one of ${BOOK_DEPTHS.join(", ")}`,
          );
        }
        topics.push(`orderbook.${depth}.${code}`);
        break;
      }
      case "quotes":
        topics.push(`orderbook.1.${code}`);
        break;
      default: {
        const never: never = channel;
        throw new TypeError(`Unknown market channel ${String(never)}`);
      }
    }
  }
  return topics;
}

/** The public linear stream of Bybit. */
export class BybitMarketStream implements MarketStream {
  /** Always `bybit`. */
  readonly venue = VENUE;
  readonly #url: string;
  readonly #socketFactory: SocketFactory;
  readonly #timers: StreamTimers;
  readonly #pingMs: number;
  readonly #staleMs: number;
  readonly #bookStaleMs: number;
  readonly #backoff: Backoff;
  readonly #queue: BoundedQueue<Event>;
  readonly #capacity: number;
  #sink: MarketSink | undefined;
  readonly #topics = new Map<string, Topic>();
  readonly #acks = new Map<string, PendingAck>();
  #socket: StreamSocket | undefined;
  #open = false;
  #closed = false;
  #attempt = 0;
  #lastMessageMs = 0;
  #nextReq = 0;
  #pingTimer: TimerHandle | undefined;
  #watchTimer: TimerHandle | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #connected: Promise<void> | undefined;
  #connectedResolve: (() => void) | undefined;
  /** Reconnects so far (for tests and status). */
  reconnects = 0;

  /** Makes the stream; it connects on the first subscribe. */
  constructor(options: BybitMarketStreamOptions) {
    this.#url = options.url;
    this.#socketFactory = options.socket ?? nativeSocket;
    this.#timers = options.timers ?? realTimers;
    this.#pingMs = options.pingIntervalMs ?? 20_000;
    this.#staleMs = options.staleAfterMs ?? 40_000;
    this.#bookStaleMs = options.bookStaleAfterMs ?? 60_000;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#capacity = options.capacity ?? 100_000;
    this.#queue = new BoundedQueue<Event>({
      capacity: this.#capacity,
      policy: "backpressure",
    });
  }

  /** Subscribes; resolves once Bybit acknowledged every topic. */
  async subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    if (this.#closed) throw new TypeError("BybitMarketStream: subscribe after close");
    const added: string[] = [];
    for (const subscription of subscriptions) {
      for (const name of topicsOf(subscription)) {
        if (this.#topics.has(name)) continue;
        const isBook = name.startsWith("orderbook.");
        this.#topics.set(name, {
          name,
          symbol: subscription.symbol,
          ...(isBook ? { book: new BybitBook() } : {}),
          ...(name.startsWith("orderbook.1.") ? { quotes: true } : {}),
          lastMs: this.#timers.now(),
          stale: isBook,
        });
        added.push(name);
      }
    }
    if (this.#socket === undefined) this.#connect();
    await this.#whenConnected();
    if (added.length > 0) await this.#send("subscribe", added);
  }

  /** The events until close. */
  events(): AsyncIterable<Event> {
    return this.#queue;
  }

  /**
   * Hands every later event to `sink` inside the socket's message handler; `events()` then only
   * ends at close. With `capacity` events waiting in the sink, more are refused as a full queue
   * refuses them (the books resynchronise).
   *
   * @throws {TypeError} once the stream has subscribed (its queue may hold events).
   */
  deliverTo(sink: MarketSink): void {
    // Events already queued would reach the consumer after later ones handed to the sink.
    if (this.#socket !== undefined || this.#queue.size > 0) {
      throw new TypeError(
        "BybitMarketStream: deliverTo after subscribe; attach the sink before the first subscribe",
      );
    }
    this.#sink = sink;
  }

  /** Closes the socket, stops every timer and ends the events. */
  close(): Promise<void> {
    this.#closed = true;
    this.#stopTimers();
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#socket?.close(1000, "closed by client");
    this.#socket = undefined;
    for (const ack of this.#acks.values()) ack.reject(new TypeError("stream closed"));
    this.#acks.clear();
    this.#queue.close();
    return Promise.resolve();
  }

  #whenConnected(): Promise<void> {
    if (this.#open) return Promise.resolve();
    if (this.#connected === undefined) {
      this.#connected = new Promise((resolve) => this.#connectedResolve = resolve);
    }
    return this.#connected;
  }

  #connect(): void {
    const socket = this.#socketFactory(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#open = true;
      this.#lastMessageMs = this.#timers.now();
      this.#schedulePing();
      this.#scheduleWatch();
      const names = [...this.#topics.keys()];
      const resubscribed = names.length > 0 && this.reconnects > 0;
      const resolve = this.#connectedResolve;
      this.#connected = undefined;
      this.#connectedResolve = undefined;
      resolve?.();
      if (resubscribed) {
        this.#send("subscribe", names).then(() => {
          this.#attempt = 0;
          this.#emitConnectivity("up", "resubscribed after reconnect");
        }, () => {});
      } else {
        this.#attempt = 0;
        this.#emitConnectivity("up", "connected");
      }
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      this.#onMessage(String(event.data));
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (socket !== this.#socket) return;
      this.#lost("connection closed");
    };
  }

  #lost(reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    this.#stopTimers();
    if (socket !== undefined) dropSocket(socket, reason);
    for (const ack of this.#acks.values()) {
      ack.reject(new ExchangeError("network", `subscription lost: ${reason}`, { venue: VENUE }));
    }
    this.#acks.clear();
    if (this.#closed) return;
    for (const topic of this.#topics.values()) {
      if (topic.book !== undefined) {
        topic.book.reset();
        topic.stale = true;
      }
    }
    this.#emitConnectivity("down", reason);
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#timers.random);
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.reconnects++;
      this.#connect();
    }, delay);
  }

  #stopTimers(): void {
    if (this.#pingTimer !== undefined) this.#timers.clearTimeout(this.#pingTimer);
    if (this.#watchTimer !== undefined) this.#timers.clearTimeout(this.#watchTimer);
    this.#pingTimer = undefined;
    this.#watchTimer = undefined;
  }

  #schedulePing(): void {
    this.#pingTimer = this.#timers.setTimeout(() => {
      if (!this.#open || this.#socket === undefined) return;
      this.#socket.send(JSON.stringify({ req_id: `ping-${this.#nextReq++}`, op: "ping" }));
      this.#schedulePing();
    }, this.#pingMs);
  }

  #scheduleWatch(): void {
    const period = Math.max(10, Math.min(this.#staleMs, this.#bookStaleMs) / 4);
    this.#watchTimer = this.#timers.setTimeout(() => {
      this.#watchTimer = undefined;
      if (!this.#open) return;
      const now = this.#timers.now();
      if (now - this.#lastMessageMs > this.#staleMs) {
        this.#emitConnectivity("stale", `no message for ${now - this.#lastMessageMs} ms`);
        this.#lost("stale connection");
        return;
      }
      // Pongs keep a connection "alive" even when a subscribe answer was lost; without this the
      // stream would wait for that topic's data forever.
      for (const ack of this.#acks.values()) {
        if (now - ack.sentMs > this.#staleMs) {
          this.#emitConnectivity("stale", `no answer to a subscription for ${now - ack.sentMs} ms`);
          this.#lost("subscription not acknowledged");
          return;
        }
      }
      for (const topic of this.#topics.values()) {
        if (topic.book !== undefined && now - topic.lastMs > this.#bookStaleMs) {
          this.#resync(topic, `no book message for ${now - topic.lastMs} ms`);
        }
      }
      this.#scheduleWatch();
    }, period);
  }

  #send(op: "subscribe" | "unsubscribe", args: readonly string[]): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || !this.#open) {
      return Promise.reject(new ExchangeError("network", "not connected", { venue: VENUE }));
    }
    const reqId = `${op}-${this.#nextReq++}`;
    const acked = new Promise<void>((resolve, reject) =>
      this.#acks.set(reqId, { resolve, reject, sentMs: this.#timers.now() })
    );
    socket.send(JSON.stringify({ req_id: reqId, op, args }));
    return acked;
  }

  #onMessage(text: string): void {
    const now = this.#timers.now();
    this.#lastMessageMs = now;
    let frame;
    try {
      frame = parsePublic(text, fromMillis(now));
    } catch (error) {
      this.#alert("bybit-bad-message", error instanceof Error ? error.message : String(error));
      return;
    }
    switch (frame.type) {
      case "control": {
        if (frame.op !== "subscribe" && frame.op !== "unsubscribe") return;
        const key = frame.reqId !== "" ? frame.reqId : this.#acks.keys().next().value;
        if (key === undefined) return;
        const ack = this.#acks.get(key);
        this.#acks.delete(key);
        if (frame.success) ack?.resolve();
        else {
          ack?.reject(
            new ExchangeError("invalid-request", `${frame.op} refused: ${frame.retMsg}`, {
              venue: VENUE,
              hint: "check the symbol and the topic names",
            }),
          );
        }
        return;
      }
      case "trades":
      case "candles":
        for (const event of frame.events) this.#emit(event);
        return;
      case "book":
        this.#onBook(frame, now);
        return;
      case "other":
        return;
      default: {
        const never: never = frame;
        throw new TypeError(`Unknown frame ${JSON.stringify(never)}`);
      }
    }
  }

  #onBook(frame: BookFrame, now: number): void {
    const topic = this.#topics.get(frame.topic);
    if (topic === undefined || topic.book === undefined) return;
    topic.lastMs = now;
    const book = topic.book;
    const result = book.apply(frame.message);
    const tsRecv = fromMillis(now);
    switch (result.kind) {
      case "waiting":
      case "duplicate":
        return;
      case "gap":
        this.#resync(topic, result.reason);
        return;
      case "snapshot": {
        if (topic.stale) {
          topic.stale = false;
          this.#emitConnectivity("up", "book synchronised", topic.symbol);
        }
        this.#emitBook("snapshot", topic, book, frame, tsRecv);
        return;
      }
      case "delta":
        this.#emitBook("delta", topic, book, frame, tsRecv);
        return;
      default: {
        const never: never = result;
        throw new TypeError(`Unknown book result ${JSON.stringify(never)}`);
      }
    }
  }

  #emitBook(
    applied: "snapshot" | "delta",
    topic: Topic,
    book: BybitBook,
    frame: BookFrame,
    tsRecv: Micros,
  ): void {
    const event = bookFrameEvent(applied, frame, topic.symbol, book, topic.quotes === true, tsRecv);
    if (event !== undefined) this.#emit(event);
  }

  /** Resets the book, reports the symbol stale and asks Bybit for a fresh snapshot. */
  #resync(topic: Topic, reason: string): void {
    topic.book?.reset();
    topic.lastMs = this.#timers.now();
    if (!topic.stale) {
      topic.stale = true;
      this.#emitConnectivity("stale", `${topic.name}: ${reason}; resynchronising`, topic.symbol);
    }
    // Unsubscribe + subscribe is the documented way to get a new snapshot.
    this.#send("unsubscribe", [topic.name]).catch(() => {});
    this.#send("subscribe", [topic.name]).catch(() => {});
  }

  // Into the sink while it is not backed up to our capacity, else into our queue.
  #put(event: Event): boolean {
    const sink = this.#sink;
    if (sink === undefined) return this.#queue.offer(event);
    if (sink.waiting >= this.#capacity) return false;
    sink.push(event);
    return true;
  }

  #emit(event: Event): void {
    if (this.#put(event)) return;
    // The consumer is too far behind: a dropped delta would corrupt its book, so every book is
    // resynchronised instead of silently losing data.
    for (const topic of this.#topics.values()) {
      if (topic.book !== undefined && !topic.stale) this.#resync(topic, "consumer too slow");
    }
  }

  #emitConnectivity(state: "up" | "down" | "stale", reason: string, symbol?: SymbolId): void {
    const at = fromMillis(this.#timers.now());
    this.#put(connectivityEvent(at, "market", VENUE, state, reason, symbol));
  }

  #alert(code: string, message: string): void {
    this.#put(warningEvent(fromMillis(this.#timers.now()), code, message));
  }
}
