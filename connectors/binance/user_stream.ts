/**
 * The Binance USDⓈ-M user data stream on `/private`: a listenKey is created
 * (`POST /fapi/v1/listenKey`), kept alive every 30 minutes (`PUT`), and recreated when Binance
 * says it expired (`listenKeyExpired`) or a keepalive answers -1125. `ORDER_TRADE_UPDATE`
 * becomes order updates and fills (fee, liquidity; realized PnL through `onFill`),
 * `ACCOUNT_UPDATE` balances and positions, `ALGO_UPDATE` the conditional orders before they
 * trigger (after, the order lives on under the same client id in `ORDER_TRADE_UPDATE`). An
 * `ACCOUNT_UPDATE` of reason FUNDING_FEE names no symbol on a cross position, so it only sets
 * off a query of the income history, whose rows (per symbol, keyed by `tranId`) become
 * `funding-payment` events.
 *
 * Binance never replays a missed user event, so after every (re)connect — a drop, the 24-hour
 * disconnect, a new listenKey — the stream catches up over REST: `userTrades` of every symbol
 * it traded since the last event (with an overlap), the state of every order not yet done,
 * balances and positions, and the funding booked since the last payment delivered. Fills are
 * deduplicated by symbol and trade id, funding by `tranId` and order updates by their
 * progress, so nothing is lost and nothing is delivered twice. A stream that stays
 * silent after an accepted order is treated as lost (liveness watchdog).
 *
 * @module
 */

import {
  type Decimal,
  ExchangeError,
  fromMillis,
  isTerminal,
  type Order,
  type SymbolId,
  toMillis,
} from "../../lib/domain/mod.ts";
import { connectivityEvent, type Event, warningEvent } from "../../lib/events/mod.ts";
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
import { obj, optStr, parseJson, str } from "./_wire.ts";
import { CODE_INVALID_LISTEN_KEY } from "./errors.ts";
import type { BinanceExecutionClient } from "./execution_client.ts";
import {
  type BinanceFill,
  type FundingIncome,
  parseAccountUpdate,
  parseAlgoUpdate,
  parseOrderTradeUpdate,
} from "./parse_private.ts";
import { VENUE } from "./symbols.ts";

/** Options of {@linkcode BinanceUserStream}. */
export interface BinanceUserStreamOptions {
  /** The `/private` endpoint, e.g. `wss://fstream.binance.com/private`. */
  readonly url: string;
  /** The REST client (listenKey, catch-up queries). */
  readonly client: BinanceExecutionClient;
  /** Where events go (the live runner's execution lane). */
  readonly sink: (event: Event) => void;
  /** Every fill once, with its realized PnL. */
  readonly onFill?: (fill: BinanceFill) => void;
  /** Symbols whose trades are always caught up (besides those seen in orders). */
  readonly symbols?: readonly SymbolId[];
  /** Catch up from this time (ms) on the first connect; default: no catch-up then. */
  readonly sinceMs?: number;
  /** Overlap of each catch-up before the last event seen (ms); default 60 s. */
  readonly overlapMs?: number;
  /** listenKey keepalive period (ms); default 30 min. */
  readonly keepaliveMs?: number;
  /** No user event this long after an accepted order → lost (ms); default 10 s. */
  readonly livenessMs?: number;
  /** Socket factory (default native). */
  readonly socket?: SocketFactory;
  /** Timers and clock (default real). */
  readonly timers?: StreamTimers;
  /** Reconnect pacing. */
  readonly backoff?: Backoff;
}

const SEEN_LIMIT = 100_000;

/** The user events asked for on /private (`listenKeyExpired` always comes). */
export const USER_EVENTS: readonly string[] = [
  "ORDER_TRADE_UPDATE",
  "ACCOUNT_UPDATE",
  "ALGO_UPDATE",
];

interface Delivered {
  readonly status: Order["status"];
  readonly filled: Decimal;
  readonly ts: number;
}

/** The user data stream of one Binance account. */
export class BinanceUserStream {
  readonly #o: BinanceUserStreamOptions;
  readonly #timers: StreamTimers;
  readonly #backoff: Backoff;
  readonly #seenTrades = new Set<string>();
  readonly #seenFunding = new Set<string>();
  readonly #delivered = new Map<string, Delivered>();
  /** Orders not known to be done: their state is queried after a gap. */
  readonly #working = new Map<string, SymbolId>();
  readonly #symbols = new Set<SymbolId>();
  #socket: StreamSocket | undefined;
  #listenKey = "";
  #closed = false;
  #attempt = 0;
  #lastEventMs: number | undefined;
  /** Venue time (ms) of the last funding payment delivered: where the next query starts. */
  #lastFundingMs: number | undefined;
  /** An income query after a FUNDING_FEE update is running. */
  #fundingInFlight = false;
  /** A FUNDING_FEE update came (since this venue time, ms) that no running query covers. */
  #fundingPendingMs: number | undefined;
  // The venue's time at the first connect: where a catch-up starts until a user event is seen.
  #connectedMs: number | undefined;
  #awaitingSince: number | undefined;
  #keepalive: TimerHandle | undefined;
  #watch: TimerHandle | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #ready: Promise<void> | undefined;
  #readyResolve: (() => void) | undefined;
  #readyReject: ((error: Error) => void) | undefined;
  #generation = 0;
  /** Reconnects so far. */
  reconnects = 0;
  /** listenKeys created after the first (expiry, -1125). */
  keyRenewals = 0;

  /** Makes the stream; {@linkcode BinanceUserStream.start} connects. */
  constructor(options: BinanceUserStreamOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#lastEventMs = options.sinceMs;
    this.#lastFundingMs = options.sinceMs;
    for (const symbol of options.symbols ?? []) this.#symbols.add(symbol);
  }

  /** The listenKey in use (empty before start). */
  get listenKey(): string {
    return this.#listenKey;
  }

  /** Creates the listenKey, connects and catches up; resolves when all that is done. */
  start(): Promise<void> {
    if (this.#ready === undefined) {
      this.#ready = new Promise((resolve, reject) => {
        this.#readyResolve = resolve;
        this.#readyReject = reject;
      });
      void this.#open(false);
      this.#scheduleKeepalive();
      this.#scheduleWatch();
    }
    return this.#ready;
  }

  /**
   * Tells the watchdog an order was just accepted over REST (and which, so it is caught up
   * after a gap): if no user event follows within `livenessMs`, the stream is treated as lost.
   */
  noteOrderAccepted(order?: Order): void {
    this.#awaitingSince ??= this.#timers.now();
    if (order !== undefined && !isTerminal(order.status)) {
      this.#working.set(order.request.clientOrderId, order.request.symbol);
      this.#symbols.add(order.request.symbol);
    }
  }

  /** Closes the socket, stops every timer and closes the listenKey. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const handle of [this.#keepalive, this.#watch, this.#reconnectTimer]) {
      if (handle !== undefined) this.#timers.clearTimeout(handle);
    }
    this.#socket?.close(1000, "closed by client");
    this.#socket = undefined;
    this.#readyReject?.(new TypeError("user stream closed before it was ready"));
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
    if (this.#listenKey !== "") {
      try {
        await this.#o.client.rest.call({
          method: "DELETE",
          path: "/fapi/v1/listenKey",
          security: "key",
          weight: 1,
          priority: "query",
        });
      } catch {
        // The key expires by itself within the hour.
      }
    }
  }

  /** Gets a listenKey (the active one or a new one) and connects with it. */
  async #open(renew: boolean): Promise<void> {
    const generation = ++this.#generation;
    let key: string;
    try {
      const answer = obj(
        await this.#o.client.rest.call({
          method: "POST",
          path: "/fapi/v1/listenKey",
          security: "key",
          weight: 1,
          priority: "query",
        }),
        "listenKey answer",
      );
      key = str(answer, "listenKey", "listenKey answer");
    } catch (error) {
      if (generation !== this.#generation || this.#closed) return;
      if (error instanceof ExchangeError && error.kind === "auth") {
        this.#fail(error);
        return;
      }
      this.#alert(`listenKey: ${error instanceof Error ? error.message : String(error)}`);
      this.#retry("listenKey request failed");
      return;
    }
    if (generation !== this.#generation || this.#closed) return;
    if (renew && key !== this.#listenKey) this.keyRenewals++;
    this.#listenKey = key;
    this.#connect(key, generation);
  }

  #connect(key: string, generation: number): void {
    const socket = (this.#o.socket ?? nativeSocket)(
      `${this.#o.url}/ws?listenKey=${encodeURIComponent(key)}&events=${USER_EVENTS.join("/")}`,
    );
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket || generation !== this.#generation) return;
      void this.#catchUp(generation);
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      this.#onMessage(String(event.data));
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      this.#lost(
        `connection closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`,
        false,
      );
    };
  }

  #fail(error: Error): void {
    this.#readyReject?.(error);
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
    this.#alert(error.message);
    // A refused key will not be accepted on reconnect either.
    void this.close();
  }

  /** Drops the connection; `renew` asks for a new listenKey first (the old one expired). */
  #lost(reason: string, renew: boolean): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#generation++;
    if (socket !== undefined) dropSocket(socket, reason);
    if (this.#closed) return;
    this.#awaitingSince = undefined;
    this.#connectivity("down", reason);
    this.#retry(reason, renew);
  }

  #retry(reason: string, renew = false): void {
    if (this.#reconnectTimer !== undefined || this.#closed) return;
    const delay = renew ? 0 : backoffDelay(this.#backoff, this.#attempt++, this.#timers.random);
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.reconnects++;
      void this.#open(renew || reason.includes("listenKey"));
    }, delay);
  }

  #scheduleKeepalive(): void {
    this.#keepalive = this.#timers.setTimeout(async () => {
      this.#keepalive = undefined;
      if (this.#closed) return;
      try {
        await this.#o.client.rest.call({
          method: "PUT",
          path: "/fapi/v1/listenKey",
          security: "key",
          weight: 1,
          priority: "query",
        });
      } catch (error) {
        if (error instanceof ExchangeError && error.code === String(CODE_INVALID_LISTEN_KEY)) {
          // The key is gone: a new one, a new connection, and a catch-up for what was missed.
          this.#lost("listenKey expired (-1125 on keepalive)", true);
        } else {
          this.#alert(
            `listenKey keepalive failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      if (!this.#closed) this.#scheduleKeepalive();
    }, this.#o.keepaliveMs ?? 30 * 60_000);
  }

  #scheduleWatch(): void {
    const liveness = this.#o.livenessMs ?? 10_000;
    this.#watch = this.#timers.setTimeout(() => {
      this.#watch = undefined;
      if (this.#closed) return;
      const now = this.#timers.now();
      if (this.#awaitingSince !== undefined && now - this.#awaitingSince > liveness) {
        this.#lost(`no user event ${now - this.#awaitingSince} ms after an accepted order`, false);
      }
      this.#scheduleWatch();
    }, Math.max(5, liveness / 4));
  }

  #onMessage(text: string): void {
    const now = this.#timers.now();
    let wire;
    try {
      const outer = obj(parseJson(text, "user message"), "user message");
      wire = outer.data === undefined ? outer : obj(outer.data, "data");
    } catch (error) {
      this.#alert(error instanceof Error ? error.message : String(error));
      return;
    }
    const event = optStr(wire, "e");
    if (event === "listenKeyExpired") {
      this.#lost("listenKeyExpired", true);
      return;
    }
    if (event === "") return;
    this.#awaitingSince = undefined;
    // The next catch-up starts before the last user event seen, on the venue's clock: it asks
    // the venue for its trades since then, so our own clock (which may be off) must not decide.
    const eventMs = typeof wire.E === "number" ? wire.E : this.#o.client.rest.serverNow();
    const before = this.#lastEventMs ?? this.#connectedMs ?? eventMs;
    this.#lastEventMs = Math.max(this.#lastEventMs ?? 0, eventMs);
    try {
      switch (event) {
        case "ORDER_TRADE_UPDATE": {
          const update = parseOrderTradeUpdate(wire);
          if (update.fill !== undefined) this.#fill(update.fill, now);
          this.#order(update.order, now);
          return;
        }
        case "ALGO_UPDATE": {
          const order = parseAlgoUpdate(wire);
          // Once triggered, the order's life is told by ORDER_TRADE_UPDATE under the same id.
          const status = optStr(obj(wire.o, "ALGO_UPDATE.o"), "X");
          if (status === "TRIGGERED" || status === "TRIGGERING" || status === "FINISHED") return;
          this.#order(order, now);
          return;
        }
        case "ACCOUNT_UPDATE": {
          const update = parseAccountUpdate(wire);
          const at = fromMillis(now);
          if (update.balances.length > 0) {
            this.#o.sink({ kind: "account", ts: update.ts, tsRecv: at, balances: update.balances });
          }
          for (const position of update.positions) {
            this.#o.sink({ kind: "position", ts: update.ts, tsRecv: at, position });
          }
          if (update.funding.length > 0) void this.#fundingSince(before);
          return;
        }
        default:
          return;
      }
    } catch (error) {
      this.#alert(error instanceof Error ? error.message : String(error));
    }
  }

  #order(order: Order, nowMs: number): void {
    const key = order.request.clientOrderId !== "" ? order.request.clientOrderId : order.id;
    const last = this.#delivered.get(key);
    if (last !== undefined) {
      // Older or identical news (a catch-up overlapping the stream), or anything after the end.
      if (isTerminal(last.status)) return;
      if (order.filledQuantity.lt(last.filled)) return;
      if (
        order.filledQuantity.eq(last.filled) && order.status === last.status &&
        order.updatedTs <= last.ts
      ) return;
      if (order.updatedTs < last.ts && order.filledQuantity.eq(last.filled)) return;
    }
    this.#delivered.set(key, {
      status: order.status,
      filled: order.filledQuantity,
      ts: order.updatedTs,
    });
    if (this.#delivered.size > SEEN_LIMIT) {
      const oldest = this.#delivered.keys().next().value;
      if (oldest !== undefined) this.#delivered.delete(oldest);
    }
    this.#o.client.remember(order);
    this.#symbols.add(order.request.symbol);
    if (isTerminal(order.status)) this.#working.delete(key);
    else this.#working.set(key, order.request.symbol);
    this.#o.sink({ kind: "order-update", ts: order.updatedTs, tsRecv: fromMillis(nowMs), order });
  }

  #fill(fill: BinanceFill, nowMs: number): void {
    const id = `${fill.fill.symbol}:${fill.fill.tradeId}`;
    if (this.#seenTrades.has(id)) return;
    this.#seenTrades.add(id);
    if (this.#seenTrades.size > SEEN_LIMIT) {
      const oldest = this.#seenTrades.values().next().value;
      if (oldest !== undefined) this.#seenTrades.delete(oldest);
    }
    this.#symbols.add(fill.fill.symbol);
    this.#lastEventMs = Math.max(this.#lastEventMs ?? 0, toMillis(fill.ts));
    this.#o.sink({ kind: "fill", ts: fill.ts, tsRecv: fromMillis(nowMs), fill: fill.fill });
    this.#o.onFill?.(fill);
  }

  #funding(income: FundingIncome, nowMs: number): void {
    // tranId is unique per income type; with symbol and time the key stays unique even where a
    // very large tranId lost digits to JSON's doubles.
    const id = `${income.payment.symbol}:${income.ts}:${income.payment.id}`;
    if (this.#seenFunding.has(id)) return;
    this.#seenFunding.add(id);
    if (this.#seenFunding.size > SEEN_LIMIT) {
      const oldest = this.#seenFunding.values().next().value;
      if (oldest !== undefined) this.#seenFunding.delete(oldest);
    }
    this.#lastFundingMs = Math.max(this.#lastFundingMs ?? 0, toMillis(income.ts));
    this.#o.sink({
      kind: "funding-payment",
      ts: income.ts,
      tsRecv: fromMillis(nowMs),
      payment: income.payment,
    });
  }

  /** Delivers the funding booked since the last payment delivered (else since `sinceMs`). */
  async #deliverFunding(sinceMs: number): Promise<void> {
    const from = (this.#lastFundingMs ?? sinceMs) - (this.#o.overlapMs ?? 60_000);
    for (const income of await this.#o.client.fundingPayments(from)) {
      this.#funding(income, this.#timers.now());
    }
  }

  /**
   * After a FUNDING_FEE update: the payments it stands for, or a reconnect to catch them up.
   * Binance sends one update per symbol at a funding time and the income query weighs 30, so
   * the updates share their queries: one in flight, and at most one more after it for every
   * update that came while it ran (a payment booked after the first query started is not lost).
   */
  async #fundingSince(sinceMs: number): Promise<void> {
    this.#fundingPendingMs = Math.min(this.#fundingPendingMs ?? sinceMs, sinceMs);
    if (this.#fundingInFlight) return;
    this.#fundingInFlight = true;
    const generation = this.#generation;
    try {
      while (this.#fundingPendingMs !== undefined) {
        const from = this.#fundingPendingMs;
        this.#fundingPendingMs = undefined;
        await this.#deliverFunding(from);
      }
    } catch (error) {
      this.#fundingPendingMs = undefined;
      if (generation !== this.#generation || this.#closed) return;
      this.#alert(
        `funding query failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      // Funding must not be lost: the reconnect's catch-up asks again.
      this.#lost("funding query failed", false);
    } finally {
      this.#fundingInFlight = false;
    }
  }

  /**
   * Catches up now, as after a reconnect: the trades since the last user event (with the
   * overlap) and the state of every order not known to be done — `working` among them, the
   * orders the session holds open (a restarted stream has not seen them) — are delivered where
   * they are news before this resolves (reconciliation asks for it after reading the venue's
   * positions). Rejects when a query failed; the stream itself carries on.
   */
  catchUp(working: readonly Order[] = []): Promise<void> {
    for (const order of working) {
      if (isTerminal(order.status)) continue;
      this.#working.set(order.request.clientOrderId, order.request.symbol);
      this.#symbols.add(order.request.symbol);
    }
    return this.#deliverMissed(
      this.#lastEventMs ?? this.#connectedMs ?? this.#o.client.rest.serverNow(),
    );
  }

  async #deliverMissed(since: number): Promise<void> {
    const client = this.#o.client;
    const from = since - (this.#o.overlapMs ?? 60_000);
    const now = (): number => this.#timers.now();
    for (const symbol of this.#symbols) {
      for (const fill of await client.userTrades(symbol, from)) this.#fill(fill, now());
    }
    for (const [clientOrderId, symbol] of [...this.#working]) {
      const order = await client.orderByClientId(symbol, clientOrderId);
      if (order !== undefined) this.#order(order, now());
    }
    await this.#deliverFunding(since);
    const at = fromMillis(now());
    const [balances, positions] = await Promise.all([client.balances(), client.positions()]);
    this.#o.sink({ kind: "account", ts: at, tsRecv: at, balances });
    for (const position of positions) {
      this.#o.sink({ kind: "position", ts: at, tsRecv: at, position });
    }
  }

  async #catchUp(generation: number): Promise<void> {
    const since = this.#lastEventMs ?? this.#connectedMs;
    try {
      if (since !== undefined) await this.#deliverMissed(since);
      else this.#connectedMs = this.#o.client.rest.serverNow();
    } catch (error) {
      if (generation !== this.#generation) return;
      // Without the catch-up the stream cannot be trusted: drop it and try again.
      this.#alert(
        `user-stream catch-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.#lost("catch-up failed", false);
      return;
    }
    if (generation !== this.#generation || this.#closed) return;
    this.#attempt = 0;
    this.#connectivity("up", this.reconnects === 0 ? "connected" : "reconnected and caught up");
    this.#readyResolve?.();
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
  }

  #connectivity(state: "up" | "down", reason: string): void {
    const at = fromMillis(this.#timers.now());
    this.#o.sink(connectivityEvent(at, "execution", VENUE, state, reason));
  }

  #alert(message: string): void {
    this.#o.sink(warningEvent(fromMillis(this.#timers.now()), "binance-user-stream", message));
  }
}
