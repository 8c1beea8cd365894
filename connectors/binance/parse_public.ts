/**
 * Parsers of Binance USDⓈ-M market stream messages, raw (`/ws/<stream>`) or in the combined
 * envelope (`{"stream":…,"data":…}`): `depthUpdate`, `bookTicker`, `aggTrade`, `trade`,
 * `kline`, `markPriceUpdate`, and the answers to `SUBSCRIBE`/`UNSUBSCRIBE`. (A REST depth
 * snapshot stored among a capture's frames is read with `parseDepthSnapshot`.) Times become µs;
 * every event carries the exchange time (`ts`) and the receive time the caller measured.
 *
 * @example
 * ```ts
 * import { parseMarket } from "./parse_public.ts";
 * const frame = parseMarket(
 *   '{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"100.1","B":"2","a":"100.2","A":"3","T":5,"E":6}',
 *   7000,
 * );
 * frame.type; // "quote"
 * ```
 *
 * @module
 */

import {
  DataError,
  fromMillis,
  isInterval,
  type Micros,
  type SymbolId,
} from "../../lib/domain/mod.ts";
import type { CandleEvent, QuoteEvent, TradeEvent } from "../../lib/events/mod.ts";
import { bool, num, obj, optStr, parseJson, str, type Wire } from "./_wire.ts";
import {
  type DepthUpdate,
  depthUpdateOf,
  type DepthUpdateReader,
  parseDepthUpdate,
} from "./depth_update.ts";
import { binanceSymbol } from "./symbols.ts";

/** `markPriceUpdate`: information about the next funding, not a payment. */
export interface MarkPrice {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** Event time (µs). */
  readonly ts: Micros;
  /** Mark price. */
  readonly markPrice: number;
  /** Index price, NaN when absent. */
  readonly indexPrice: number;
  /** The funding rate that will apply at `nextFundingTime`. */
  readonly fundingRate: number;
  /** When the next funding happens (µs). */
  readonly nextFundingTime: Micros;
}

/** One parsed market message. */
export type MarketFrame =
  | { readonly type: "depth"; readonly stream: string; readonly update: DepthUpdate }
  | { readonly type: "quote"; readonly stream: string; readonly event: QuoteEvent }
  | { readonly type: "trade"; readonly stream: string; readonly event: TradeEvent }
  | { readonly type: "candle"; readonly stream: string; readonly event: CandleEvent }
  /** A kline of a bar still open (Binance pushes it every 250 ms; not a candle event). */
  | { readonly type: "kline-open"; readonly stream: string }
  | { readonly type: "mark"; readonly stream: string; readonly mark: MarkPrice }
  /** The answer to a request `id`: `error` is empty on success. */
  | { readonly type: "control"; readonly id: number; readonly error: string }
  | { readonly type: "other"; readonly stream: string; readonly event: string };

/**
 * Parses one market message. A depth frame's update has levels of its own, unless `depth` is
 * given: then they share that reader's buffers until its next read (the stream's hot path).
 *
 * @throws {DataError} when it is not JSON or a known event lacks a documented field.
 */
export function parseMarket(text: string, tsRecv: Micros, depth?: DepthUpdateReader): MarketFrame {
  // The hot message skips the JSON tree (see depth_update.ts).
  if (text.includes('"depthUpdate"')) {
    const update = depth === undefined ? parseDepthUpdate(text) : depth.read(text);
    return { type: "depth", stream: streamName(text), update };
  }
  const outer = obj(parseJson(text, "market message"), "message");
  if (outer.data === undefined) {
    if (
      typeof outer.id === "number" && ("result" in outer || "error" in outer || "code" in outer)
    ) {
      return { type: "control", id: outer.id, error: controlError(outer) };
    }
    return parseEvent(outer, "", tsRecv);
  }
  return parseEvent(obj(outer.data, "data"), optStr(outer, "stream"), tsRecv);
}

function streamName(text: string): string {
  if (!text.startsWith('{"stream":"')) return "";
  const end = text.indexOf('"', 11);
  return end < 0 ? "" : text.slice(11, end);
}

function controlError(wire: Wire): string {
  if (wire.error !== undefined && wire.error !== null) {
    const error = obj(wire.error, "error");
    return `${optStr(error, "msg", "refused")} (code ${String(error.code)})`;
  }
  if (typeof wire.code === "number") return `${optStr(wire, "msg", "refused")} (code ${wire.code})`;
  return "";
}

/** Parses one event object (the `data` of a combined frame or a raw message). */
export function parseEvent(wire: Wire, stream: string, tsRecv: Micros): MarketFrame {
  const event = optStr(wire, "e");
  switch (event) {
    case "depthUpdate":
      return { type: "depth", stream, update: depthUpdateOf(wire) };
    case "bookTicker":
      return { type: "quote", stream, event: parseBookTicker(wire, tsRecv) };
    case "aggTrade":
    case "trade": {
      const trade = parseTrade(wire, event, tsRecv);
      return trade === undefined
        ? { type: "other", stream, event }
        : { type: "trade", stream, event: trade };
    }
    case "kline":
      return parseKline(wire, stream, tsRecv);
    case "markPriceUpdate":
      return { type: "mark", stream, mark: parseMarkPrice(wire) };
    default:
      return { type: "other", stream, event };
  }
}

function eventTime(wire: Wire, what: string): Micros {
  return fromMillis(wire.T === undefined ? num(wire, "E", what) : num(wire, "T", what));
}

/** `bookTicker` → a quote event (ts = transaction time `T`). */
export function parseBookTicker(wire: Wire, tsRecv: Micros): QuoteEvent {
  return {
    kind: "quote",
    ts: eventTime(wire, "bookTicker"),
    tsRecv,
    quote: {
      symbol: binanceSymbol(str(wire, "s", "bookTicker")),
      bidPrice: num(wire, "b", "bookTicker"),
      bidSize: num(wire, "B", "bookTicker"),
      askPrice: num(wire, "a", "bookTicker"),
      askSize: num(wire, "A", "bookTicker"),
    },
  };
}

/**
 * `aggTrade` / `trade` → a trade event. `m` says the buyer was the maker, so the aggressor
 * sold. A `trade` whose `X` is not `MARKET` (an insurance-fund or ADL transfer) did not cross
 * the book and is not a market print: undefined.
 */
export function parseTrade(
  wire: Wire,
  event: "aggTrade" | "trade",
  tsRecv: Micros,
): TradeEvent | undefined {
  const execution = optStr(wire, "X", "MARKET");
  if (execution !== "MARKET") return undefined;
  const idKey = event === "aggTrade" ? "a" : "t";
  const id = wire[idKey];
  const symbol = binanceSymbol(str(wire, "s", event));
  const price = num(wire, "p", event);
  const quantity = num(wire, "q", event);
  const side = bool(wire, "m", false) ? "sell" : "buy";
  return {
    kind: "trade",
    ts: eventTime(wire, event),
    tsRecv,
    // Literals, not a spread of an optional field: one object per trade, of one shape.
    trade: typeof id === "number" || typeof id === "string"
      ? { symbol, price, quantity, side, tradeId: String(id) }
      : { symbol, price, quantity, side },
  };
}

function parseKline(wire: Wire, stream: string, tsRecv: Micros): MarketFrame {
  const k = obj(wire.k, "kline.k");
  // Only a closed bar is a candle; the open bar is pushed repeatedly while it forms.
  if (!bool(k, "x", false)) return { type: "kline-open", stream };
  const interval = str(k, "i", "kline.k");
  if (!isInterval(interval)) {
    throw new DataError(
      `Binance message: kline interval ${JSON.stringify(interval)} is not one of ours`,
    );
  }
  return {
    type: "candle",
    stream,
    event: {
      kind: "candle",
      ts: fromMillis(num(wire, "E", "kline")),
      tsRecv,
      candle: {
        symbol: binanceSymbol(str(k, "s", "kline.k")),
        interval,
        openTime: fromMillis(num(k, "t", "kline.k")),
        open: num(k, "o", "kline.k"),
        high: num(k, "h", "kline.k"),
        low: num(k, "l", "kline.k"),
        close: num(k, "c", "kline.k"),
        volume: num(k, "v", "kline.k"),
      },
    },
  };
}

/** `markPriceUpdate` → mark price and the next funding rate and time. */
export function parseMarkPrice(wire: Wire): MarkPrice {
  return {
    symbol: binanceSymbol(str(wire, "s", "markPriceUpdate")),
    ts: fromMillis(num(wire, "E", "markPriceUpdate")),
    markPrice: num(wire, "p", "markPriceUpdate"),
    indexPrice: wire.i === undefined ? NaN : num(wire, "i", "markPriceUpdate"),
    fundingRate: wire.r === "" ? 0 : num(wire, "r", "markPriceUpdate"),
    nextFundingTime: fromMillis(num(wire, "T", "markPriceUpdate")),
  };
}
