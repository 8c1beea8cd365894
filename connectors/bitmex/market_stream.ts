/**
 * The BitMEX realtime public stream as a `MarketStream` (market data only): one native
 * WebSocket subscribed to `orderBookL2` (or `orderBookL2_25` for depth 25), `trade`, `quote`,
 * `tradeBin*` and `instrument` per symbol, decoded by {@linkcode BitmexFeed}. Heartbeat as
 * BitMEX documents it: after 5 s without a message the text `ping` goes out, and without any
 * answer 5 s later the connection is lost; a lost connection reconnects with jittered
 * exponential backoff and resubscribes everything; a desynced book resubscribes its topic for a
 * fresh partial. The socket and timers are seams, so `tesser data record` taps them.
 *
 * @module
 */

import {
  type Backoff,
  backoffDelay,
  DEFAULT_BACKOFF,
  dropSocket,
  type MarketStream,
  type MarketSubscription,
  nativeSocket,
  realTimers,
  type StreamSocket,
  type StreamTimers,
} from "../../lib/broker/mod.ts";
import { ExchangeError, fromMillis, type Interval } from "../../lib/domain/mod.ts";
import {
  BoundedQueue,
  connectivityEvent,
  type Event as TesserEvent,
} from "../../lib/events/mod.ts";
import { BIN_INTERVALS, BitmexFeed } from "./feed.ts";
import { VENUE } from "./parse.ts";

/** The part of a WebSocket the stream uses: the seam every connector's streams share. */
export type BitmexSocket = StreamSocket;

/** Timers and clock the stream runs on: the seam every connector's streams share. */
export type BitmexTimers = StreamTimers;

/** Options of {@linkcode BitmexMarketStream}. */
export interface BitmexMarketStreamOptions {
  /** e.g. `wss://ws.bitmex.com/realtime`. */
  readonly url: string;
  /** Socket factory (default native WebSocket). */
  readonly socket?: (url: string) => BitmexSocket;
  /** Timers (default real ones). */
  readonly timers?: BitmexTimers;
  /** Silence before a `ping` (ms; BitMEX: 5 s). */
  readonly pingAfterMs?: number;
  /** Wait for any answer to the ping (ms; BitMEX: 5 s). */
  readonly pongTimeoutMs?: number;
  /** First reconnect delay (ms, default 2000; ×1.5 per attempt up to 30 s, ±25 %). */
  readonly reconnectMs?: number;
  /** Events held for the consumer (default 100 000). */
  readonly capacity?: number;
}

/** The BitMEX topics of one subscription. */
export function bitmexTopics(subscription: MarketSubscription): string[] {
  const code = subscription.symbol.slice(subscription.symbol.indexOf(":") + 1);
  const topics: string[] = [];
  for (const channel of subscription.channels) {
    switch (channel) {
      case "book": {
        const depth = subscription.depth;
        if (depth !== undefined && depth !== 25) {
          throw new RangeError(
            `BitMEX book depth ${depth} is not offered: omit it for the full book or use 25`,
          );
        }
        topics.push(`${depth === 25 ? "orderBookL2_25" : "orderBookL2"}:${code}`);
        break;
      }
      case "trades":
        topics.push(`trade:${code}`);
        break;
      case "quotes":
        topics.push(`quote:${code}`);
        break;
      case "candles": {
        const interval: Interval = subscription.interval ?? "1m";
        const table = Object.keys(BIN_INTERVALS).find((t) => BIN_INTERVALS[t] === interval);
        if (table === undefined) {
          throw new RangeError(`BitMEX has no ${interval} trade bins: use 1m, 5m, 1h or 1d`);
        }
        topics.push(`${table}:${code}`);
        break;
      }
      default: {
        const never: never = channel;
        throw new TypeError(`Unknown market channel ${String(never)}`);
      }
    }
  }
  topics.push(`instrument:${code}`);
  return topics;
}

/** The BitMEX public stream. */
export class BitmexMarketStream implements MarketStream {
  /** Always `bitmex`. */
  readonly venue = VENUE;
  readonly #url: string;
  readonly #socketFactory: (url: string) => BitmexSocket;
  readonly #timers: BitmexTimers;
  readonly #pingAfterMs: number;
  readonly #pongMs: number;
  readonly #backoff: Backoff;
  readonly #queue: BoundedQueue<TesserEvent>;
  readonly #feed = new BitmexFeed();
  readonly #topics = new Set<string>();
  readonly #acks = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  readonly #out: TesserEvent[] = [];
  #socket: BitmexSocket | undefined;
  #open = false;
  #closed = false;
  #attempt = 0;
  #heartbeat: ReturnType<typeof setTimeout> | undefined;
  #reconnect: ReturnType<typeof setTimeout> | undefined;
  #connected: Promise<void> | undefined;
  #connectedResolve: (() => void) | undefined;
  /** Reconnects so far. */
  reconnects = 0;
  /** Times events were dropped because the consumer was too slow (books refetched each time). */
  droppedEvents = 0;

  /** Makes the stream; it connects on the first subscribe. */
  constructor(options: BitmexMarketStreamOptions) {
    this.#url = options.url;
    this.#socketFactory = options.socket ?? nativeSocket;
    this.#timers = options.timers ?? realTimers;
    this.#pingAfterMs = options.pingAfterMs ?? 5000;
    this.#pongMs = options.pongTimeoutMs ?? 5000;
    this.#backoff = {
      ...DEFAULT_BACKOFF,
      initialMs: options.reconnectMs ?? DEFAULT_BACKOFF.initialMs,
    };
    this.#queue = new BoundedQueue<TesserEvent>({
      capacity: options.capacity ?? 100_000,
      policy: "backpressure",
    });
  }

  /** Subscribes; resolves once BitMEX acknowledged every topic. */
  async subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    if (this.#closed) throw new TypeError("BitmexMarketStream: subscribe after close");
    const added: string[] = [];
    for (const subscription of subscriptions) {
      for (const topic of bitmexTopics(subscription)) {
        if (this.#topics.has(topic)) continue;
        this.#topics.add(topic);
        added.push(topic);
      }
    }
    if (this.#socket === undefined) this.#connect();
    await this.#whenConnected();
    if (added.length > 0) await this.#subscribe(added);
  }

  /** The events until close. */
  events(): AsyncIterable<TesserEvent> {
    return this.#queue;
  }

  /** Closes the socket, stops every timer and ends the events. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    if (this.#heartbeat !== undefined) this.#timers.clearTimeout(this.#heartbeat);
    if (this.#reconnect !== undefined) this.#timers.clearTimeout(this.#reconnect);
    this.#socket?.close(1000, "closed by client");
    this.#socket = undefined;
    for (const ack of this.#acks.values()) ack.reject(new TypeError("stream closed"));
    this.#acks.clear();
    this.#queue.close();
    return Promise.resolve();
  }

  #whenConnected(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#connected ??= new Promise((resolve) => this.#connectedResolve = resolve);
    return this.#connected;
  }

  #connect(): void {
    const socket = this.#socketFactory(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#open = true;
      this.#beat();
      const resolve = this.#connectedResolve;
      this.#connected = undefined;
      this.#connectedResolve = undefined;
      resolve?.();
      const reconnected = this.reconnects > 0 && this.#topics.size > 0;
      if (reconnected) this.#subscribe([...this.#topics]).catch(() => {});
      this.#attempt = 0;
      this.#connectivity("up", reconnected ? "reconnected" : "connected");
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      this.#beat();
      this.#onMessage(String(event.data));
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (socket === this.#socket) this.#lost("connection closed");
    };
  }

  // Any message restarts the heartbeat: silence → ping → silence → lost.
  #beat(): void {
    if (this.#heartbeat !== undefined) this.#timers.clearTimeout(this.#heartbeat);
    this.#heartbeat = this.#timers.setTimeout(() => {
      if (!this.#open || this.#socket === undefined) return;
      this.#socket.send("ping");
      this.#heartbeat = this.#timers.setTimeout(
        () => this.#lost(`no answer to a ping for ${this.#pongMs} ms`),
        this.#pongMs,
      );
    }, this.#pingAfterMs);
  }

  #lost(reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    if (this.#heartbeat !== undefined) this.#timers.clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    if (socket !== undefined) dropSocket(socket, reason);
    for (const ack of this.#acks.values()) {
      ack.reject(new ExchangeError("network", `subscription lost: ${reason}`, { venue: VENUE }));
    }
    this.#acks.clear();
    if (this.#closed) return;
    this.#feed.lost(fromMillis(this.#timers.now()), this.#out, reason);
    this.#flush();
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#timers.random);
    this.#reconnect = this.#timers.setTimeout(() => {
      this.#reconnect = undefined;
      if (this.#closed) return;
      this.reconnects++;
      this.#connect();
    }, delay);
  }

  #subscribe(topics: readonly string[]): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || !this.#open) {
      return Promise.reject(new ExchangeError("network", "not connected", { venue: VENUE }));
    }
    const acks = topics.map((topic) =>
      new Promise<void>((resolve, reject) => this.#acks.set(topic, { resolve, reject }))
    );
    socket.send(JSON.stringify({ op: "subscribe", args: topics }));
    return Promise.all(acks).then(() => {});
  }

  #onMessage(text: string): void {
    const action = this.#feed.frame(text, fromMillis(this.#timers.now()), this.#out);
    this.#flush();
    switch (action.kind) {
      case "none":
      case "pong":
        return;
      case "ack": {
        const ack = this.#acks.get(action.topic);
        this.#acks.delete(action.topic);
        if (action.success) ack?.resolve();
        else {
          ack?.reject(
            new ExchangeError(
              "invalid-request",
              `subscribe ${action.topic} refused: ${action.error}`,
              {
                venue: VENUE,
                hint: "check the symbol (BitMEX codes such as XBTUSD)",
              },
            ),
          );
        }
        return;
      }
      case "resubscribe":
        // Unsubscribe + subscribe is how BitMEX sends a fresh partial.
        this.#socket?.send(JSON.stringify({ op: "unsubscribe", args: [action.topic] }));
        this.#socket?.send(JSON.stringify({ op: "subscribe", args: [action.topic] }));
        return;
      default: {
        const never: never = action;
        throw new TypeError(`unknown feed action ${JSON.stringify(never)}`);
      }
    }
  }

  #flush(): void {
    const out = this.#out;
    let lost = false;
    for (let i = 0; i < out.length; i++) if (!this.#queue.offer(out[i])) lost = true;
    out.length = 0;
    if (!lost || this.#socket === undefined) return;
    // The consumer is too far behind: a lost delta would corrupt its book, so every book is
    // fetched afresh instead.
    this.droppedEvents++;
    for (const topic of this.#topics) {
      if (!topic.startsWith("orderBookL2")) continue;
      this.#socket.send(JSON.stringify({ op: "unsubscribe", args: [topic] }));
      this.#socket.send(JSON.stringify({ op: "subscribe", args: [topic] }));
    }
  }

  #connectivity(state: "up" | "down" | "stale", reason: string): void {
    const at = fromMillis(this.#timers.now());
    this.#queue.offer(connectivityEvent(at, "market", VENUE, state, reason));
  }
}
