/**
 * Binance USDⓈ-M market streams on the split endpoints: `/public` carries `<s>@depth[@100ms|
 * @500ms]` (diff depth chained by `pu`), `<s>@depth<5|10|20>` and `<s>@bookTicker`; `/market`
 * carries `<s>@aggTrade`, `<s>@kline_<i>` and `<s>@markPrice[@1s]`. A stream subscribed on the
 * wrong endpoint is accepted and silently gets nothing, as on Binance. Raw (`/ws/a/b`) and
 * combined (`/stream?streams=a/b`, `{stream, data}`) modes, SUBSCRIBE / UNSUBSCRIBE /
 * LIST_SUBSCRIPTIONS, at most 200 streams per connection and 10 incoming messages per second.
 *
 * @module
 */

import { level } from "../_format.ts";
import type { SimInstrument } from "../instruments.ts";
import { bucketStart } from "../klines.ts";
import type { MarketUpdate } from "../market_feed.ts";
import type { VenueContext } from "../venue_context.ts";
import type { SimSocket } from "../ws_server.ts";
import { binanceInterval, updateIdOf } from "./intervals.ts";

/** Most streams on one connection. */
export const MAX_STREAMS = 200;
/** Most incoming messages per second before the server closes the connection. */
export const MAX_MESSAGES_PER_SECOND = 10;

type Category = "public" | "market";

interface Stream {
  readonly name: string;
  readonly code: string;
  readonly category: Category;
  readonly kind: "depth" | "partial" | "bookTicker" | "aggTrade" | "kline" | "markPrice";
  readonly levels?: number;
  readonly interval?: string;
}

interface Connection {
  readonly socket: SimSocket;
  readonly combined: boolean;
  readonly category: Category;
  readonly streams: Map<string, Stream>;
  window: number;
  messages: number;
}

/** Parses a stream name into what it carries; undefined when it is not a known stream. */
export function parseStream(name: string, context: VenueContext): Stream | undefined {
  const at = name.indexOf("@");
  if (at <= 0) return undefined;
  const code = name.slice(0, at).toUpperCase();
  if (
    name.slice(0, at) !== name.slice(0, at).toLowerCase() ||
    context.core.instrument(code) === undefined
  ) {
    return undefined;
  }
  const rest = name.slice(at + 1);
  if (
    rest === "depth" || rest === "depth@100ms" || rest === "depth@500ms" || rest === "depth@0ms"
  ) {
    return { name, code, category: "public", kind: "depth" };
  }
  const partial = /^depth(5|10|20)(@100ms|@500ms)?$/.exec(rest);
  if (partial !== null) {
    return { name, code, category: "public", kind: "partial", levels: Number(partial[1]) };
  }
  if (rest === "bookTicker") return { name, code, category: "public", kind: "bookTicker" };
  if (rest === "aggTrade") return { name, code, category: "market", kind: "aggTrade" };
  if (rest === "markPrice" || rest === "markPrice@1s") {
    return { name, code, category: "market", kind: "markPrice" };
  }
  const kline = /^kline_(\w+)$/.exec(rest);
  if (kline !== null && binanceInterval(kline[1]) !== undefined) {
    return { name, code, category: "market", kind: "kline", interval: kline[1] };
  }
  return undefined;
}

/** The /public and /market streams of one simulated Binance. */
export class BinanceMarketStreams {
  readonly #context: VenueContext;
  readonly #connections = new Set<Connection>();
  readonly #images = new Map<string, { bids: Map<number, number>; asks: Map<number, number> }>();
  readonly #lastUpdateId = new Map<string, number>();
  readonly #klineStarts = new Map<string, number>();
  #aggId = 0;
  readonly #markTimer: ReturnType<typeof setInterval>;

  /** Serves the venue's market. */
  constructor(context: VenueContext) {
    this.#context = context;
    context.feed.listen((update) => this.#publish(update));
    this.#markTimer = setInterval(() => this.#markPrices(), 1000);
  }

  /** Stops the mark-price timer. */
  stop(): void {
    clearInterval(this.#markTimer);
  }

  /** Takes a connection on `/public/...` or `/market/...` (or the legacy root, which is public). */
  attach(socket: SimSocket, category: Category, path: string): void {
    const combined = /\/stream$/.test(path);
    const connection: Connection = {
      socket,
      combined,
      category,
      streams: new Map(),
      window: 0,
      messages: 0,
    };
    const names = combined
      ? (socket.query.get("streams") ?? "").split("/").filter((s) => s !== "")
      : path.replace(/^.*?\/ws\/?/, "").split("/").filter((s) => s !== "");
    for (const name of names.slice(0, MAX_STREAMS)) {
      const stream = parseStream(name, this.#context);
      if (stream !== undefined) connection.streams.set(name, stream);
    }
    if (names.length > MAX_STREAMS) {
      socket.close(1008, `too many streams (more than ${MAX_STREAMS})`);
      return;
    }
    this.#connections.add(connection);
    socket.onClose(() => this.#connections.delete(connection));
    socket.onMessage((text) => this.#onMessage(connection, text));
  }

  #onMessage(connection: Connection, text: string): void {
    const now = this.#context.clock.now();
    const second = Math.floor(now / 1000);
    if (connection.window !== second) {
      connection.window = second;
      connection.messages = 0;
    }
    if (++connection.messages > MAX_MESSAGES_PER_SECOND) {
      this.#context.faults.record(
        "ws-close",
        connection.socket.name,
        "more than 10 messages per second",
      );
      connection.socket.close(1008, "Too many requests");
      return;
    }
    const reply = (body: unknown): void => connection.socket.write(JSON.stringify(body));
    let message: { method?: unknown; params?: unknown; id?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      reply({
        error: { code: 3, msg: "Invalid JSON: expected value at line 1 column 1" },
        id: null,
      });
      return;
    }
    const id = typeof message.id === "number" || typeof message.id === "string" ? message.id : null;
    const params = Array.isArray(message.params) ? message.params : [];
    switch (message.method) {
      case "SUBSCRIBE":
      case "UNSUBSCRIBE": {
        const names = params.filter((p): p is string => typeof p === "string");
        const bad = names.find((name) => parseStream(name, this.#context) === undefined);
        if (names.length === 0 || bad !== undefined) {
          reply({
            error: { code: 2, msg: `Invalid request: invalid stream name ${bad ?? "(none)"}` },
            id,
          });
          return;
        }
        if (message.method === "SUBSCRIBE") {
          const total = new Set([...connection.streams.keys(), ...names]).size;
          if (total > MAX_STREAMS) {
            reply({
              error: { code: 2, msg: `Invalid request: more than ${MAX_STREAMS} streams` },
              id,
            });
            return;
          }
          for (const name of names) {
            const stream = parseStream(name, this.#context);
            if (stream !== undefined) connection.streams.set(name, stream);
          }
        } else {
          for (const name of names) connection.streams.delete(name);
        }
        reply({ result: null, id });
        return;
      }
      case "LIST_SUBSCRIPTIONS":
        reply({ result: [...connection.streams.keys()], id });
        return;
      default:
        reply({
          error: { code: 2, msg: `Invalid request: unknown method ${String(message.method)}` },
          id,
        });
    }
  }

  #send(stream: Stream, payload: unknown, kind: "data" | "book-delta" = "data"): void {
    let raw: string | undefined;
    let wrapped: string | undefined;
    for (const connection of this.#connections) {
      if (connection.category !== stream.category || !connection.streams.has(stream.name)) continue;
      if (connection.combined) {
        wrapped ??= JSON.stringify({ stream: stream.name, data: payload });
        connection.socket.send(wrapped, kind);
      } else {
        raw ??= JSON.stringify(payload);
        connection.socket.send(raw, kind);
      }
    }
  }

  #streamsOf(code: string, kind: Stream["kind"]): Stream[] {
    const out = new Map<string, Stream>();
    for (const connection of this.#connections) {
      for (const stream of connection.streams.values()) {
        if (stream.code === code && stream.kind === kind) out.set(stream.name, stream);
      }
    }
    return [...out.values()];
  }

  #publish(update: MarketUpdate): void {
    const spec = this.#context.core.instrument(update.code);
    if (spec === undefined) return;
    switch (update.kind) {
      case "book":
        this.#book(update.code, spec, update.ts);
        return;
      case "trade":
        this.#trade(update, spec);
        return;
      default: {
        const never: never = update;
        throw new TypeError(`Unknown market update ${String(never)}`);
      }
    }
  }

  #book(code: string, spec: SimInstrument, ts: number): void {
    const book = this.#context.core.book(code);
    if (book === undefined) return;
    const image = this.#images.get(code) ?? { bids: new Map(), asks: new Map() };
    this.#images.set(code, image);
    const changes: [string, string][][] = [[], []];
    [book.bids, book.asks].forEach((side, s) => {
      const before = s === 0 ? image.bids : image.asks;
      const next = new Map<number, number>();
      for (let i = 0; i < Math.min(1000, side.depth); i++) next.set(side.price(i), side.size(i));
      for (const [price, size] of next) {
        if (before.get(price) !== size) {
          changes[s].push([level(price, spec.priceScale), level(size, spec.quantityScale)]);
        }
      }
      for (const price of before.keys()) {
        if (!next.has(price)) {
          changes[s].push([level(price, spec.priceScale), level(0, spec.quantityScale)]);
        }
      }
      if (s === 0) image.bids = next;
      else image.asks = next;
    });
    const u = updateIdOf(this.#context.feed.sequence(code));
    const pu = this.#lastUpdateId.get(code) ?? u - 10;
    this.#lastUpdateId.set(code, u);
    const symbol = spec.code;
    if (changes[0].length > 0 || changes[1].length > 0) {
      for (const stream of this.#streamsOf(code, "depth")) {
        this.#send(stream, {
          e: "depthUpdate",
          E: ts,
          T: ts,
          s: symbol,
          U: pu + 1,
          u,
          pu,
          b: changes[0],
          a: changes[1],
        }, "book-delta");
      }
    }
    for (const stream of this.#streamsOf(code, "partial")) {
      const n = stream.levels ?? 5;
      const top = (side: typeof book.bids): string[][] => {
        const out: string[][] = [];
        for (let i = 0; i < Math.min(n, side.depth); i++) {
          out.push([
            level(side.price(i), spec.priceScale),
            level(side.size(i), spec.quantityScale),
          ]);
        }
        return out;
      };
      this.#send(stream, {
        e: "depthUpdate",
        E: ts,
        T: ts,
        s: symbol,
        U: pu + 1,
        u,
        pu,
        b: top(book.bids),
        a: top(book.asks),
      });
    }
    for (const stream of this.#streamsOf(code, "bookTicker")) {
      this.#send(stream, {
        e: "bookTicker",
        u,
        s: symbol,
        b: level(book.bids.best, spec.priceScale),
        B: level(book.bids.bestSize, spec.quantityScale),
        a: level(book.asks.best, spec.priceScale),
        A: level(book.asks.bestSize, spec.quantityScale),
        T: ts,
        E: ts,
      });
    }
  }

  #trade(update: MarketUpdate & { kind: "trade" }, spec: SimInstrument): void {
    const id = ++this.#aggId;
    const q = level(update.quantity, spec.quantityScale);
    for (const stream of this.#streamsOf(update.code, "aggTrade")) {
      this.#send(stream, {
        e: "aggTrade",
        E: update.ts,
        s: spec.code,
        a: id,
        p: level(update.price, spec.priceScale),
        q,
        nq: q,
        f: update.tradeId,
        l: update.tradeId,
        T: update.ts,
        m: update.side === "sell",
      });
    }
    for (const stream of this.#streamsOf(update.code, "kline")) {
      const grid = binanceInterval(stream.interval ?? "1m");
      if (grid === undefined) continue;
      const start = bucketStart(grid, update.ts);
      const previous = this.#klineStarts.get(stream.name);
      this.#klineStarts.set(stream.name, start);
      if (previous !== undefined && previous !== start) {
        this.#kline(stream, spec, previous, true, update.ts);
      }
      this.#kline(stream, spec, start, false, update.ts);
    }
  }

  #kline(stream: Stream, spec: SimInstrument, start: number, closed: boolean, now: number): void {
    const grid = binanceInterval(stream.interval ?? "1m");
    if (grid === undefined) return;
    const k = this.#context.feed.klines.current(stream.code, grid, start);
    if (k === undefined) return;
    const p = spec.priceScale;
    const q = spec.quantityScale;
    this.#send(stream, {
      e: "kline",
      E: now,
      s: spec.code,
      k: {
        t: k.start,
        T: k.end,
        s: spec.code,
        i: stream.interval,
        f: 0,
        L: k.trades,
        o: level(k.open, p),
        c: level(k.close, p),
        h: level(k.high, p),
        l: level(k.low, p),
        v: level(k.volume, q),
        n: k.trades,
        x: closed,
        q: level(k.turnover, 4),
        V: "0",
        Q: "0",
        B: "0",
      },
    });
  }

  #markPrices(): void {
    const now = this.#context.clock.now();
    for (const spec of this.#context.core.instruments()) {
      for (const stream of this.#streamsOf(spec.code, "markPrice")) {
        const mark = this.#context.core.markPrice(spec.code).toFixed(spec.priceScale + 2);
        this.#send(stream, {
          e: "markPriceUpdate",
          E: now,
          s: spec.code,
          p: mark,
          i: mark,
          P: mark,
          r: "0.00010000",
          T: Math.ceil(now / 28_800_000) * 28_800_000,
        });
      }
    }
  }
}
