/**
 * The Bybit v5 private stream: `auth`, then `order`, `execution`, `position`, `wallet` →
 * order updates, fills (with fee and liquidity), funding payments (executions of type
 * Funding), positions and balances. Missed private events are never replayed by Bybit, so
 * after every (re)connect the stream catches up over REST (`/v5/order/history` and
 * `/v5/execution/list` from the venue time of the last private event seen, with an overlap;
 * never from the local clock, which may be ahead of the venue's and skip what was missed) and
 * delivers what it missed; fills and funding are deduplicated by `execId` and order updates by
 * their update time, so nothing is lost and nothing is delivered twice. A stream that stays
 * silent while orders are being accepted is treated as lost (liveness watchdog).
 *
 * @module
 */

import { ExchangeError, fromMillis, type Order, toMillis } from "../../lib/domain/mod.ts";
import { connectivityEvent, type Event, warningEvent } from "../../lib/events/mod.ts";
import { arr, obj, optStr, parseJson } from "./_wire.ts";
import { VENUE } from "./errors.ts";
import type { BybitExecutionClient } from "./execution_client.ts";
import {
  type Execution,
  parseExecution,
  parseOrder,
  parsePosition,
  parseWallet,
} from "./parse_private.ts";
import { type BybitCredentials, wsAuthMessage } from "./signing.ts";
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

/** The private topics subscribed. */
export const PRIVATE_TOPICS: readonly string[] = ["order", "execution", "position", "wallet"];

/** Options of {@linkcode BybitPrivateStream}. */
export interface BybitPrivateStreamOptions {
  /** e.g. `wss://stream-testnet.bybit.com/v5/private`. */
  readonly url: string;
  /** Key and secret for `auth`. */
  readonly credentials: BybitCredentials;
  /** The REST client the catch-up queries go through. */
  readonly client: BybitExecutionClient;
  /** Where events go (the live runner's execution lane). */
  readonly sink: (event: Event) => void;
  /** Catch up from this venue time (ms) on the first connect; default: no catch-up then. */
  readonly sinceMs?: number;
  /** Overlap of each catch-up before the last execution seen (ms); default 60 s. */
  readonly overlapMs?: number;
  /** Ping period (ms); default 20 s. */
  readonly pingIntervalMs?: number;
  /** No message at all for this long → lost (ms); default 40 s. */
  readonly staleAfterMs?: number;
  /** No private message this long after an accepted order → lost (ms); default 10 s. */
  readonly livenessMs?: number;
  /** Socket factory (default native). */
  readonly socket?: SocketFactory;
  /** Timers and clock (default real). */
  readonly timers?: StreamTimers;
  /** Reconnect pacing. */
  readonly backoff?: Backoff;
  /** The venue's clock offset (ms) for `auth` expiry; default 0. */
  readonly serverOffsetMs?: () => number;
}

const SEEN_LIMIT = 100_000;

/** The private stream of one Bybit account. */
export class BybitPrivateStream {
  readonly #o: BybitPrivateStreamOptions;
  readonly #timers: StreamTimers;
  readonly #backoff: Backoff;
  readonly #seenExec = new Set<string>();
  readonly #orderTs = new Map<string, { readonly ts: number; readonly progress: Progress }>();
  #socket: StreamSocket | undefined;
  #closed = false;
  #attempt = 0;
  #lastMessageMs = 0;
  /** The newest venue time (ms) of a private event seen: where the next catch-up starts. */
  #venueMs: number | undefined;
  #awaitingSince: number | undefined;
  #timersOn: TimerHandle[] = [];
  #reconnectTimer: TimerHandle | undefined;
  #ready: Promise<void> | undefined;
  #readyResolve: (() => void) | undefined;
  #readyReject: ((error: Error) => void) | undefined;
  #nextReq = 0;
  /** Reconnects so far. */
  reconnects = 0;

  /** Makes the stream; {@linkcode BybitPrivateStream.start} connects. */
  constructor(options: BybitPrivateStreamOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#venueMs = options.sinceMs;
  }

  /** Connects, authenticates, subscribes and catches up; resolves when all that is done. */
  start(): Promise<void> {
    if (this.#ready === undefined) {
      this.#ready = new Promise((resolve, reject) => {
        this.#readyResolve = resolve;
        this.#readyReject = reject;
      });
      this.#connect();
    }
    return this.#ready;
  }

  /**
   * Tells the watchdog an order was just accepted over REST: if no private message follows
   * within `livenessMs`, the stream is treated as lost and caught up.
   */
  noteOrderAccepted(): void {
    this.#awaitingSince ??= this.#timers.now();
  }

  /** Closes the socket and stops every timer. */
  close(): Promise<void> {
    this.#closed = true;
    this.#stopTimers();
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#socket?.close(1000, "closed by client");
    this.#socket = undefined;
    this.#readyReject?.(new TypeError("private stream closed before it was ready"));
    return Promise.resolve();
  }

  #connect(): void {
    const socket = this.#o.socket?.(this.#o.url) ?? nativeSocket(this.#o.url);
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#lastMessageMs = this.#timers.now();
      const offset = this.#o.serverOffsetMs?.() ?? 0;
      socket.send(JSON.stringify(wsAuthMessage(
        this.#o.credentials,
        this.#timers.now() + offset + 10_000,
        `auth-${this.#nextReq++}`,
      )));
      this.#schedule();
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

  #schedule(): void {
    const ping = this.#o.pingIntervalMs ?? 20_000;
    const stale = this.#o.staleAfterMs ?? 40_000;
    const liveness = this.#o.livenessMs ?? 10_000;
    const pingLoop = (): void => {
      this.#socket?.send(JSON.stringify({ req_id: `ping-${this.#nextReq++}`, op: "ping" }));
      this.#timersOn.push(this.#timers.setTimeout(pingLoop, ping));
    };
    this.#timersOn.push(this.#timers.setTimeout(pingLoop, ping));
    const watch = (): void => {
      const now = this.#timers.now();
      if (now - this.#lastMessageMs > stale) {
        this.#lost(`no message for ${now - this.#lastMessageMs} ms`);
        return;
      }
      if (this.#awaitingSince !== undefined && now - this.#awaitingSince > liveness) {
        this.#lost(`no private event ${now - this.#awaitingSince} ms after an accepted order`);
        return;
      }
      this.#timersOn.push(
        this.#timers.setTimeout(watch, Math.max(5, Math.min(stale, liveness) / 4)),
      );
    };
    this.#timersOn.push(this.#timers.setTimeout(watch, Math.max(5, Math.min(stale, liveness) / 4)));
  }

  #stopTimers(): void {
    for (const handle of this.#timersOn) this.#timers.clearTimeout(handle);
    this.#timersOn = [];
  }

  #lost(reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#stopTimers();
    if (socket !== undefined) dropSocket(socket, reason);
    if (this.#closed) return;
    this.#connectivity("down", reason);
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#timers.random);
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.reconnects++;
      this.#connect();
    }, delay);
  }

  #onMessage(text: string): void {
    this.#lastMessageMs = this.#timers.now();
    let wire;
    try {
      wire = obj(parseJson(text, "private message"), "private message");
    } catch (error) {
      this.#alert(error instanceof Error ? error.message : String(error));
      return;
    }
    const op = optStr(wire, "op");
    if (op === "auth") {
      if (wire.success === true) this.#send("subscribe", PRIVATE_TOPICS);
      else this.#failAuth(optStr(wire, "ret_msg"));
      return;
    }
    if (op === "subscribe") {
      if (wire.success === true) void this.#catchUp();
      else this.#alert(`private subscribe refused: ${optStr(wire, "ret_msg")}`);
      return;
    }
    if (op === "pong" || op === "ping") return;
    const topic = optStr(wire, "topic");
    if (topic === "") return;
    this.#awaitingSince = undefined;
    // The next catch-up starts before the last private event seen (orders change without
    // fills), on the venue's clock: the message's own creation time.
    if (typeof wire.creationTime === "number") this.#sawVenueTime(wire.creationTime);
    try {
      this.#onTopic(topic.split(".")[0], arr(wire.data, `${topic}.data`));
    } catch (error) {
      this.#alert(error instanceof Error ? error.message : String(error));
    }
  }

  #failAuth(message: string): void {
    const error = new ExchangeError("auth", `private stream auth refused: ${message}`, {
      venue: VENUE,
      hint: "check the API key and secret and that the key is for this environment",
    });
    this.#readyReject?.(error);
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
    this.#alert(error.message);
    // A refused key will not be accepted on reconnect either.
    void this.close();
  }

  #onTopic(topic: string, data: readonly unknown[]): void {
    const now = this.#timers.now();
    const linear = (item: unknown): boolean => {
      const category = obj(item, topic).category;
      return category === undefined || category === "linear";
    };
    switch (topic) {
      case "order":
        for (const item of data.filter(linear)) this.#order(parseOrder(item), now);
        return;
      case "execution":
        for (const item of data.filter(linear)) {
          this.#execution(parseExecution(item, (symbol) => this.#o.client.settleOf(symbol)), now);
        }
        return;
      case "position":
        for (const item of data.filter(linear)) {
          const position = parsePosition(item);
          this.#o.sink({
            kind: "position",
            ts: fromMillis(now),
            tsRecv: fromMillis(now),
            position,
          });
        }
        return;
      case "wallet":
        for (const item of data) {
          this.#o.sink({
            kind: "account",
            ts: fromMillis(now),
            tsRecv: fromMillis(now),
            balances: parseWallet(item),
          });
        }
        return;
      default:
        return;
    }
  }

  #order(order: Order, nowMs: number): void {
    const key = order.request.clientOrderId !== "" ? order.request.clientOrderId : order.id;
    const last = this.#orderTs.get(key);
    const progress = orderProgress(order);
    // An update older than one already delivered (a catch-up overlapping the stream) is stale;
    // one of the same millisecond is stale unless it moved the order on (a market order is
    // often New and Filled within one millisecond: dropping the Filled would leave it open).
    if (
      last !== undefined &&
      (order.updatedTs < last.ts ||
        (order.updatedTs === last.ts && !isAhead(progress, last.progress)))
    ) return;
    this.#orderTs.set(key, { ts: order.updatedTs, progress });
    this.#sawVenueTime(toMillis(order.updatedTs));
    this.#o.sink({ kind: "order-update", ts: order.updatedTs, tsRecv: fromMillis(nowMs), order });
  }

  #execution(execution: Execution, nowMs: number): void {
    const id = execution.type === "fill" ? execution.fill.tradeId : execution.funding.id;
    if (this.#seenExec.has(id)) return;
    this.#seenExec.add(id);
    if (this.#seenExec.size > SEEN_LIMIT) {
      const oldest = this.#seenExec.values().next().value;
      if (oldest !== undefined) this.#seenExec.delete(oldest);
    }
    const ts = execution.ts;
    this.#sawVenueTime(toMillis(ts));
    if (execution.type === "fill") {
      this.#o.sink({ kind: "fill", ts, tsRecv: fromMillis(nowMs), fill: execution.fill });
    } else {
      // Funding is account money like a fill: it goes where fills go, never dropped.
      this.#o.sink({
        kind: "funding-payment",
        ts,
        tsRecv: fromMillis(nowMs),
        payment: execution.funding,
      });
    }
  }

  /**
   * Catches up now, as after a reconnect: the executions and order updates since the last one
   * seen (with the overlap) that were not delivered yet are delivered before this resolves
   * (reconciliation asks for it after reading the venue's positions). Rejects when a query
   * failed; the stream itself carries on.
   */
  async catchUp(): Promise<void> {
    await this.#deliverMissed(this.#venueMs ?? await this.#o.client.venueNow());
  }

  #sawVenueTime(ms: number): void {
    this.#venueMs = Math.max(this.#venueMs ?? ms, ms);
  }

  async #deliverMissed(since: number): Promise<void> {
    const from = since - (this.#o.overlapMs ?? 60_000);
    const [orders, executions] = await Promise.all([
      this.#o.client.orderHistory(from),
      this.#o.client.executions(from),
    ]);
    const now = this.#timers.now();
    for (const execution of executions) this.#execution(execution, now);
    for (const order of [...orders].sort((a, b) => a.updatedTs - b.updatedTs)) {
      this.#order(order, now);
    }
  }

  async #catchUp(): Promise<void> {
    const since = this.#venueMs;
    try {
      if (since !== undefined) await this.#deliverMissed(since);
      else this.#sawVenueTime(await this.#o.client.venueNow());
    } catch (error) {
      // Without the catch-up the stream cannot be trusted: drop it and try again.
      this.#alert(
        `private catch-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.#lost("catch-up failed");
      return;
    }
    this.#attempt = 0;
    this.#connectivity("up", this.reconnects === 0 ? "authenticated" : "reconnected and caught up");
    this.#readyResolve?.();
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
  }

  #send(op: string, args: readonly string[]): void {
    this.#socket?.send(JSON.stringify({ req_id: `${op}-${this.#nextReq++}`, op, args }));
  }

  #connectivity(state: "up" | "down", reason: string): void {
    const at = fromMillis(this.#timers.now());
    this.#o.sink(connectivityEvent(at, "execution", VENUE, state, reason));
  }

  #alert(message: string): void {
    this.#o.sink(warningEvent(fromMillis(this.#timers.now()), "bybit-private", message));
  }
}

/** How far an order has got: its filled quantity, then its state (terminal last). */
type Progress = readonly [filled: number, stage: number];

function orderProgress(order: Order): Progress {
  const stage = (() => {
    switch (order.status) {
      case "pending-new":
        return 0;
      case "accepted":
      case "pending-cancel":
      case "pending-amend":
        return 1;
      case "partially-filled":
        return 2;
      case "filled":
      case "canceled":
      case "rejected":
      case "expired":
        return 3;
      default: {
        const unknown: never = order.status;
        throw new TypeError(`Unknown order status ${unknown}`);
      }
    }
  })();
  return [order.filledQuantity.toNumber(), stage];
}

function isAhead(next: Progress, last: Progress): boolean {
  return next[0] > last[0] || (next[0] === last[0] && next[1] > last[1]);
}
