/**
 * One Binance market WebSocket (`/public` or `/market`) in combined mode
 * (`<base>/stream?streams=a/b`, frames `{"stream":…,"data":…}`), with `SUBSCRIBE` /
 * `UNSUBSCRIBE` acknowledged by id, and the connection rules of exchanges.md §2.1: the server
 * pings (Deno's WebSocket answers by itself), a connection lives at most 24 h, and a client may
 * send at most 10 messages a second. A connection with no frame for `staleAfterMs` is asked
 * `LIST_SUBSCRIPTIONS` (an application-level ping that costs no stream); one still silent, or
 * with a subscribe left unanswered that long, is treated as lost. A lost connection reconnects
 * with jittered exponential backoff, its streams already in the URL.
 *
 * @module
 */

import { ExchangeError } from "../../lib/domain/mod.ts";
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
import { VENUE } from "./symbols.ts";

/** Options of {@linkcode WsConnection}. */
export interface WsConnectionOptions {
  /** The endpoint, e.g. `wss://fstream.binance.com/public`. */
  readonly url: string;
  /** Socket factory (default native). */
  readonly socket?: SocketFactory;
  /** Timers and clock (default real). */
  readonly timers?: StreamTimers;
  /** Silence (ms) after which the connection is probed, and twice that after which it is lost. */
  readonly staleAfterMs?: number;
  /** Reconnect pacing. */
  readonly backoff?: Backoff;
  /** Every data frame, with the local receive time (ms). */
  readonly onFrame: (text: string, nowMs: number) => void;
  /** The connection is (again) open and subscribed. */
  readonly onUp: (reason: string, reconnected: boolean) => void;
  /** The connection was lost; it reconnects by itself. */
  readonly onDown: (reason: string) => void;
}

interface PendingAck {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly sentMs: number;
}

/** A self-healing combined-stream connection. */
export class WsConnection {
  readonly #o: WsConnectionOptions;
  readonly #timers: StreamTimers;
  readonly #backoff: Backoff;
  readonly #staleMs: number;
  readonly #streams = new Set<string>();
  readonly #acks = new Map<number, PendingAck>();
  #socket: StreamSocket | undefined;
  #open = false;
  #closed = false;
  #attempt = 0;
  #nextId = 1;
  #lastFrameMs = 0;
  #probed = false;
  #watch: TimerHandle | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Reconnects so far. */
  reconnects = 0;

  /** Makes the connection; it opens on the first subscribe. */
  constructor(options: WsConnectionOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#staleMs = options.staleAfterMs ?? 30_000;
  }

  /** The streams held (sent in the URL on every reconnect). */
  get streams(): ReadonlySet<string> {
    return this.#streams;
  }

  /** Subscribes `names`; resolves once Binance acknowledged them. */
  async subscribe(names: readonly string[]): Promise<void> {
    if (this.#closed) throw new TypeError("WsConnection: subscribe after close");
    const added = names.filter((name) => !this.#streams.has(name));
    if (added.length === 0) return;
    for (const name of added) this.#streams.add(name);
    if (this.#socket === undefined) {
      // A new connection carries the streams in its URL: nothing to acknowledge. During a
      // reconnect pause the pending connection will.
      if (this.#reconnectTimer === undefined) this.#connect();
      await this.#whenOpen();
      return;
    }
    await this.#whenOpen();
    try {
      await this.#request("SUBSCRIBE", added);
    } catch (error) {
      // A refused stream must not ride along in the URL of every later connection.
      if (error instanceof ExchangeError && error.kind === "invalid-request") {
        for (const name of added) this.#streams.delete(name);
      }
      throw error;
    }
  }

  /** Drops `names`. */
  async unsubscribe(names: readonly string[]): Promise<void> {
    const held = names.filter((name) => this.#streams.delete(name));
    if (held.length === 0 || !this.#open) return;
    await this.#request("UNSUBSCRIBE", held);
  }

  /** Closes the socket and stops every timer. */
  close(): void {
    this.#closed = true;
    this.#stopWatch();
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#socket?.close(1000, "closed by client");
    this.#socket = undefined;
    for (const ack of this.#acks.values()) ack.reject(new TypeError("connection closed"));
    this.#acks.clear();
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new TypeError("connection closed"));
  }

  /** Drops the connection as if the network failed (tests, and a consumer that saw garbage). */
  fail(reason: string): void {
    if (this.#socket !== undefined) this.#lost(reason);
  }

  #whenOpen(): Promise<void> {
    if (this.#open) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #connect(): void {
    const names = [...this.#streams];
    const url = `${this.#o.url}/stream${names.length === 0 ? "" : `?streams=${names.join("/")}`}`;
    const socket = (this.#o.socket ?? nativeSocket)(url);
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#open = true;
      this.#lastFrameMs = this.#timers.now();
      this.#probed = false;
      this.#scheduleWatch();
      const reconnected = this.reconnects > 0;
      this.#attempt = 0;
      for (const waiter of this.#waiting.splice(0)) waiter.resolve();
      this.#o.onUp(reconnected ? "reconnected" : "connected", reconnected);
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      this.#onMessage(String(event.data));
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      this.#lost(`connection closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`);
    };
  }

  #onMessage(text: string): void {
    const now = this.#timers.now();
    this.#lastFrameMs = now;
    this.#probed = false;
    // Answers to our requests are the only frames without a stream envelope.
    if (text.startsWith('{"result"') || text.startsWith('{"error"') || text.startsWith('{"id"')) {
      let answer: { id?: unknown; error?: { msg?: unknown; code?: unknown } | null };
      try {
        answer = JSON.parse(text);
      } catch {
        this.#o.onFrame(text, now);
        return;
      }
      const ack = typeof answer.id === "number" ? this.#acks.get(answer.id) : undefined;
      if (ack !== undefined && typeof answer.id === "number") {
        this.#acks.delete(answer.id);
        if (answer.error === undefined || answer.error === null) ack.resolve();
        else {
          ack.reject(
            new ExchangeError(
              "invalid-request",
              `subscription refused: ${String(answer.error.msg)} (code ${
                String(answer.error.code)
              })`,
              {
                venue: VENUE,
                hint: "check the symbol (lower case in stream names) and the stream name",
              },
            ),
          );
        }
      }
      return;
    }
    this.#o.onFrame(text, now);
  }

  #request(
    method: "SUBSCRIBE" | "UNSUBSCRIBE" | "LIST_SUBSCRIPTIONS",
    params: readonly string[],
  ): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined || !this.#open) {
      return Promise.reject(new ExchangeError("network", "not connected", { venue: VENUE }));
    }
    const id = this.#nextId++;
    const acked = new Promise<void>((resolve, reject) =>
      this.#acks.set(id, { resolve, reject, sentMs: this.#timers.now() })
    );
    socket.send(
      JSON.stringify(method === "LIST_SUBSCRIPTIONS" ? { method, id } : { method, params, id }),
    );
    return acked;
  }

  #scheduleWatch(): void {
    const period = Math.max(10, this.#staleMs / 4);
    this.#watch = this.#timers.setTimeout(() => {
      this.#watch = undefined;
      if (!this.#open) return;
      const now = this.#timers.now();
      const silent = now - this.#lastFrameMs;
      if (silent > 2 * this.#staleMs) {
        this.#lost(`no frame for ${silent} ms`);
        return;
      }
      for (const ack of this.#acks.values()) {
        if (now - ack.sentMs > this.#staleMs) {
          this.#lost("a request was not answered");
          return;
        }
      }
      if (silent > this.#staleMs && !this.#probed) {
        this.#probed = true;
        this.#request("LIST_SUBSCRIPTIONS", []).catch(() => {});
      }
      this.#scheduleWatch();
    }, period);
  }

  #stopWatch(): void {
    if (this.#watch !== undefined) this.#timers.clearTimeout(this.#watch);
    this.#watch = undefined;
  }

  #lost(reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    this.#stopWatch();
    if (socket !== undefined) dropSocket(socket, reason);
    for (const ack of this.#acks.values()) {
      ack.reject(new ExchangeError("network", `request lost: ${reason}`, { venue: VENUE }));
    }
    this.#acks.clear();
    if (this.#closed) return;
    this.#o.onDown(reason);
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#timers.random);
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.reconnects++;
      this.#connect();
    }, delay);
  }
}
