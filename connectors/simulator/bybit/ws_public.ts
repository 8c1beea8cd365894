/**
 * Bybit v5 public linear stream (`/v5/public/linear`): `orderbook.{1,50,200,1000}.{symbol}`
 * (a snapshot on subscribe, then deltas of the top-N with `u` + 1 per message and the
 * cross sequence `seq`; depth 1 is snapshot-only), `publicTrade.{symbol}` and
 * `kline.{interval}.{symbol}`, with subscribe/unsubscribe acks and ping/pong.
 *
 * @module
 */

import { level } from "../_format.ts";
import type { SimInstrument } from "../instruments.ts";
import { bucketStart, type IntervalSpec } from "../klines.ts";
import type { MarketUpdate } from "../market_feed.ts";
import type { VenueContext } from "../venue_context.ts";
import type { SimSocket } from "../ws_server.ts";
import { bybitInterval } from "./intervals.ts";

const DEPTHS = new Set([1, 50, 200, 1000]);

interface BookTopic {
  readonly name: string;
  readonly code: string;
  readonly depth: number;
  u: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
}

interface KlineTopic {
  readonly name: string;
  readonly code: string;
  readonly interval: string;
  readonly grid: IntervalSpec;
  lastStart: number | undefined;
}

type Topic =
  | { readonly kind: "book"; readonly topic: BookTopic }
  | { readonly kind: "trade"; readonly code: string }
  | { readonly kind: "kline"; readonly topic: KlineTopic };

/** The public stream of one simulated Bybit. */
export class BybitPublicStream {
  readonly #context: VenueContext;
  readonly #subscribers = new Map<string, Set<SimSocket>>();
  readonly #books = new Map<string, BookTopic>();
  readonly #klines = new Map<string, KlineTopic>();
  readonly #lastTrade = new Map<string, number>();

  /** Serves the venue's market. */
  constructor(context: VenueContext) {
    this.#context = context;
    context.feed.listen((update) => this.#publish(update));
  }

  /** Takes a new connection. */
  attach(socket: SimSocket): void {
    socket.onMessage((text) => this.#onMessage(socket, text));
    socket.onClose(() => {
      for (const set of this.#subscribers.values()) set.delete(socket);
    });
  }

  #onMessage(socket: SimSocket, text: string): void {
    let message: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      socket.write(
        JSON.stringify({
          success: false,
          ret_msg: `error:invalid json: ${text.slice(0, 64)}`,
          conn_id: connId(socket),
          op: "",
        }),
      );
      return;
    }
    const reqId = typeof message.req_id === "string" ? message.req_id : "";
    const op = typeof message.op === "string" ? message.op : "";
    const ack = (success: boolean, retMsg: string, name = op): void => {
      socket.write(
        JSON.stringify({
          success,
          ret_msg: retMsg,
          conn_id: connId(socket),
          req_id: reqId,
          op: name,
        }),
      );
    };
    switch (op) {
      case "ping":
        ack(true, "pong", "ping");
        return;
      case "subscribe":
      case "unsubscribe": {
        const args = Array.isArray(message.args)
          ? message.args.filter((a) => typeof a === "string")
          : [];
        if (args.length === 0) {
          ack(false, "error:args must list at least one topic");
          return;
        }
        for (const name of args) {
          if (this.#topic(name) === undefined) {
            ack(false, `error:handler not found,topic:${name}`);
            return;
          }
        }
        for (const name of args) {
          const set = this.#subscribers.get(name);
          if (op === "subscribe" && set?.has(socket)) {
            ack(false, `error:already subscribed,topic:${name}`);
            return;
          }
        }
        ack(true, "");
        for (const name of args) {
          if (op === "unsubscribe") {
            this.#subscribers.get(name)?.delete(socket);
            continue;
          }
          let set = this.#subscribers.get(name);
          if (set === undefined) {
            set = new Set();
            this.#subscribers.set(name, set);
          }
          set.add(socket);
          const topic = this.#topic(name);
          if (topic?.kind === "book") socket.send(this.#snapshot(topic.topic));
        }
        return;
      }
      default:
        ack(false, `error:unknown op ${op}`);
    }
  }

  #topic(name: string): Topic | undefined {
    const parts = name.split(".");
    if (parts.length === 3 && parts[0] === "orderbook") {
      const depth = Number(parts[1]);
      if (!DEPTHS.has(depth) || this.#spec(parts[2]) === undefined) return undefined;
      let topic = this.#books.get(name);
      if (topic === undefined) {
        topic = { name, code: parts[2], depth, u: 0, bids: new Map(), asks: new Map() };
        this.#image(topic);
        this.#books.set(name, topic);
      }
      return { kind: "book", topic };
    }
    if (parts.length === 2 && parts[0] === "publicTrade" && this.#spec(parts[1]) !== undefined) {
      return { kind: "trade", code: parts[1] };
    }
    if (parts.length === 3 && parts[0] === "kline") {
      const grid = bybitInterval(parts[1]);
      if (grid === undefined || this.#spec(parts[2]) === undefined) return undefined;
      let topic = this.#klines.get(name);
      if (topic === undefined) {
        topic = { name, code: parts[2], interval: parts[1], grid, lastStart: undefined };
        this.#klines.set(name, topic);
      }
      return { kind: "kline", topic };
    }
    return undefined;
  }

  #spec(code: string): SimInstrument | undefined {
    return this.#context.core.instrument(code);
  }

  /** Reads the top of the book into the topic's image; returns the changed levels. */
  #image(topic: BookTopic): { bids: [number, number][]; asks: [number, number][] } {
    const book = this.#context.core.book(topic.code);
    const changes = { bids: [] as [number, number][], asks: [] as [number, number][] };
    if (book === undefined) return changes;
    for (
      const [side, image, out] of [[book.bids, topic.bids, changes.bids], [
        book.asks,
        topic.asks,
        changes.asks,
      ]] as const
    ) {
      const next = new Map<number, number>();
      for (let i = 0; i < Math.min(topic.depth, side.depth); i++) {
        next.set(side.price(i), side.size(i));
      }
      for (const [price, size] of next) if (image.get(price) !== size) out.push([price, size]);
      for (const price of image.keys()) if (!next.has(price)) out.push([price, 0]);
      if (side === book.bids) topic.bids = next;
      else topic.asks = next;
    }
    return changes;
  }

  #snapshot(topic: BookTopic): string {
    if (topic.u === 0) topic.u = 1;
    const bids = [...topic.bids].sort((a, b) => b[0] - a[0]);
    const asks = [...topic.asks].sort((a, b) => a[0] - b[0]);
    return this.#bookMessage(topic, "snapshot", bids, asks);
  }

  #bookMessage(
    topic: BookTopic,
    type: "snapshot" | "delta",
    bids: readonly (readonly [number, number])[],
    asks: readonly (readonly [number, number])[],
  ): string {
    const spec = this.#spec(topic.code);
    const p = spec?.priceScale ?? 2;
    const q = spec?.quantityScale ?? 3;
    const now = this.#context.clock.now();
    return JSON.stringify({
      topic: topic.name,
      type,
      ts: now,
      data: {
        s: topic.code,
        b: bids.map(([price, size]) => [level(price, p), level(size, q)]),
        a: asks.map(([price, size]) => [level(price, p), level(size, q)]),
        u: topic.u,
        seq: this.#context.feed.sequence(topic.code),
      },
      cts: now,
    });
  }

  #publish(update: MarketUpdate): void {
    switch (update.kind) {
      case "book":
        for (const topic of this.#books.values()) {
          if (topic.code !== update.code) continue;
          const changes = this.#image(topic);
          if (changes.bids.length === 0 && changes.asks.length === 0) continue;
          const sockets = this.#subscribers.get(topic.name);
          topic.u += 1;
          if (sockets === undefined || sockets.size === 0) continue;
          // Depth 1 is snapshot-only on Bybit.
          const text = topic.depth === 1 ? this.#snapshot(topic) : this.#bookMessage(
            topic,
            "delta",
            changes.bids.sort((a, b) => b[0] - a[0]),
            changes.asks.sort((a, b) => a[0] - b[0]),
          );
          for (const socket of sockets) {
            socket.send(text, topic.depth === 1 ? "data" : "book-delta");
          }
        }
        return;
      case "trade":
        this.#trade(update);
        this.#kline(update);
        return;
      default: {
        const never: never = update;
        throw new TypeError(`Unknown market update ${String(never)}`);
      }
    }
  }

  #trade(update: MarketUpdate & { kind: "trade" }): void {
    const previous = this.#lastTrade.get(update.code);
    this.#lastTrade.set(update.code, update.price);
    const sockets = this.#subscribers.get(`publicTrade.${update.code}`);
    if (sockets === undefined || sockets.size === 0) return;
    const spec = this.#spec(update.code);
    const tick = previous === undefined || update.price === previous
      ? "ZeroPlusTick"
      : update.price > previous
      ? "PlusTick"
      : "MinusTick";
    const text = JSON.stringify({
      topic: `publicTrade.${update.code}`,
      type: "snapshot",
      ts: update.ts,
      data: [{
        T: update.ts,
        s: update.code,
        S: update.side === "buy" ? "Buy" : "Sell",
        v: level(update.quantity, spec?.quantityScale ?? 3),
        p: level(update.price, spec?.priceScale ?? 2),
        L: tick,
        i: tradeUuid(update.tradeId),
        BT: false,
        seq: update.tradeId,
      }],
    });
    for (const socket of sockets) socket.send(text);
  }

  #kline(update: MarketUpdate & { kind: "trade" }): void {
    for (const topic of this.#klines.values()) {
      if (topic.code !== update.code) continue;
      const sockets = this.#subscribers.get(topic.name);
      const start = bucketStart(topic.grid, update.ts);
      const closed = topic.lastStart !== undefined && topic.lastStart !== start
        ? topic.lastStart
        : undefined;
      topic.lastStart = start;
      if (sockets === undefined || sockets.size === 0) continue;
      if (closed !== undefined) {
        const text = this.#klineMessage(topic, closed, true, update.ts);
        if (text !== undefined) { for (const socket of sockets) socket.send(text); }
      }
      const text = this.#klineMessage(topic, start, false, update.ts);
      if (text !== undefined) { for (const socket of sockets) socket.send(text); }
    }
  }

  #klineMessage(
    topic: KlineTopic,
    start: number,
    confirm: boolean,
    ts: number,
  ): string | undefined {
    const k = this.#context.feed.klines.current(topic.code, topic.grid, start);
    if (k === undefined) return undefined;
    const spec = this.#spec(topic.code);
    const p = spec?.priceScale ?? 2;
    return JSON.stringify({
      topic: topic.name,
      data: [{
        start: k.start,
        end: k.end,
        interval: topic.interval,
        open: level(k.open, p),
        close: level(k.close, p),
        high: level(k.high, p),
        low: level(k.low, p),
        volume: level(k.volume, spec?.quantityScale ?? 3),
        turnover: level(k.turnover, 4),
        confirm,
        timestamp: ts,
      }],
      ts,
      type: "snapshot",
    });
  }
}

/** The connection id the simulator reports for `socket`. */
export function connId(socket: SimSocket): string {
  return `sim-${socket.stream}-${socket.id}`;
}

function tradeUuid(n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}
