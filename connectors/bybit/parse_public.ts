/**
 * Parsers of Bybit v5 public stream messages (linear): `publicTrade`, `orderbook`, `kline`,
 * and the control answers (subscribe, ping). Times become µs; every event carries the
 * exchange time (`ts`) and the receive time the caller measured (`tsRecv`).
 *
 * @module
 */

import {
  type Candle,
  DataError,
  fromMillis,
  type Micros,
  type SymbolId,
} from "../../lib/domain/mod.ts";
import type { CandleEvent, TradeEvent } from "../../lib/events/mod.ts";
import { arr, bool, num, obj, optStr, parseJson, str, type Wire } from "./_wire.ts";
import type { BookMessage, WireLevels } from "./book.ts";
import { fromBybitInterval } from "./intervals.ts";

// Symbol ids by code: a stream carries a few codes, so each trade gets the same string rather
// than a new one (and compares to a strategy's symbol by identity); cleared when full.
const symbols = new Map<string, SymbolId>();

/** The symbol id of a Bybit linear code. */
export function bybitSymbol(code: string): SymbolId {
  let symbol = symbols.get(code);
  if (symbol === undefined) {
    if (symbols.size >= 1024) symbols.clear();
    symbol = `bybit:${code}`;
    symbols.set(code, symbol);
  }
  return symbol;
}

/** A book message with its topic facts. */
export interface BookFrame {
  /** Discriminant. */
  readonly type: "book";
  /** The topic, e.g. `orderbook.50.BTCUSDT`. */
  readonly topic: string;
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** Book depth of the topic. */
  readonly depth: number;
  /** Exchange time of the message (µs). */
  readonly ts: Micros;
  /** What the book applies. */
  readonly message: BookMessage;
}

/** One parsed public message. */
export type PublicFrame =
  | { readonly type: "trades"; readonly events: readonly TradeEvent[] }
  | BookFrame
  | { readonly type: "candles"; readonly events: readonly CandleEvent[] }
  | {
    readonly type: "control";
    readonly op: string;
    readonly success: boolean;
    readonly retMsg: string;
    readonly reqId: string;
  }
  | { readonly type: "other"; readonly topic: string };

/**
 * Parses one public message.
 *
 * @throws {DataError} when the message is not JSON or lacks a documented field.
 */
export function parsePublic(text: string, tsRecv: Micros): PublicFrame {
  const wire = obj(parseJson(text, "public message"), "message");
  const topic = wire.topic;
  if (typeof topic !== "string") {
    return {
      type: "control",
      op: optStr(wire, "op"),
      success: bool(wire, "success", false),
      retMsg: optStr(wire, "ret_msg"),
      reqId: optStr(wire, "req_id"),
    };
  }
  if (topic.startsWith("publicTrade.")) return parseTrades(wire, tsRecv);
  if (topic.startsWith("orderbook.")) return parseBook(wire, topic);
  if (topic.startsWith("kline.")) return parseKlines(wire, topic, tsRecv);
  return { type: "other", topic };
}

function parseTrades(wire: Wire, tsRecv: Micros): PublicFrame {
  const data = arr(wire.data, "publicTrade.data");
  const events: TradeEvent[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const item = obj(data[i], "publicTrade.data[]");
    const side = str(item, "S", "publicTrade");
    if (side !== "Buy" && side !== "Sell") {
      throw new DataError(`Bybit message: publicTrade.S is ${JSON.stringify(side)}`);
    }
    const tradeId = optStr(item, "i");
    const symbol = bybitSymbol(str(item, "s", "publicTrade"));
    const price = num(item, "p", "publicTrade");
    const quantity = num(item, "v", "publicTrade");
    const ourSide = side === "Buy" ? "buy" : "sell";
    events[i] = {
      kind: "trade",
      ts: fromMillis(num(item, "T", "publicTrade")),
      tsRecv,
      // Literals, not a spread of an optional field: one object per trade, of one shape.
      trade: tradeId === ""
        ? { symbol, price, quantity, side: ourSide }
        : { symbol, price, quantity, side: ourSide, tradeId },
    };
  }
  return { type: "trades", events };
}

function levels(value: unknown, what: string): WireLevels {
  const list = arr(value, what);
  for (let i = 0; i < list.length; i++) {
    const level = list[i];
    if (
      !Array.isArray(level) || typeof level[0] !== "string" || typeof level[1] !== "string"
    ) throw new DataError(`Bybit message: ${what}[${i}] is not a [price, size] pair`);
  }
  return list as WireLevels;
}

function parseBook(wire: Wire, topic: string): BookFrame {
  const type = str(wire, "type", "orderbook");
  if (type !== "snapshot" && type !== "delta") {
    throw new DataError(`Bybit message: orderbook.type is ${JSON.stringify(type)}`);
  }
  const data = obj(wire.data, "orderbook.data");
  const parts = topic.split(".");
  return {
    type: "book",
    topic,
    symbol: bybitSymbol(str(data, "s", "orderbook.data")),
    depth: Number(parts[1]),
    ts: fromMillis(num(wire, "ts", "orderbook")),
    message: {
      type,
      u: num(data, "u", "orderbook.data"),
      seq: typeof data.seq === "number" ? data.seq : 0,
      b: levels(data.b, "orderbook.data.b"),
      a: levels(data.a, "orderbook.data.a"),
    },
  };
}

function parseKlines(wire: Wire, topic: string, tsRecv: Micros): PublicFrame {
  const parts = topic.split(".");
  const interval = fromBybitInterval(parts[1] ?? "");
  if (interval === undefined) return { type: "other", topic };
  const symbol = bybitSymbol(parts.slice(2).join("."));
  const events: CandleEvent[] = [];
  for (const raw of arr(wire.data, "kline.data")) {
    const item = obj(raw, "kline.data[]");
    // Only a closed bar is a candle event; the running bar is pushed every few seconds.
    if (!bool(item, "confirm", false)) continue;
    const candle: Candle = {
      symbol,
      interval,
      openTime: fromMillis(num(item, "start", "kline")),
      open: num(item, "open", "kline"),
      high: num(item, "high", "kline"),
      low: num(item, "low", "kline"),
      close: num(item, "close", "kline"),
      volume: num(item, "volume", "kline"),
    };
    events.push({
      kind: "candle",
      ts: fromMillis(num(item, "timestamp", "kline")),
      tsRecv,
      candle,
    });
  }
  return { type: "candles", events };
}
