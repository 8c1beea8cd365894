/**
 * Parsers of BitMEX realtime WebSocket messages (public tables): `{table, action, data[]}` for
 * `orderBookL2` / `orderBookL2_25`, `trade`, `quote`, `instrument` and `tradeBin*`, and the
 * control messages (welcome, subscribe answers, errors, the text `pong`). Every field is
 * checked at the edge: a message without the documented shape is a {@linkcode DataError}
 * naming the field. Times become µs.
 *
 * @module
 */

import { DataError, fromMillis, type Micros, type SymbolId } from "../../lib/domain/mod.ts";

/** The venue name. */
export const VENUE = "bitmex";

/** The symbol id of a BitMEX code (`XBTUSD` → `bitmex:XBTUSD`). */
export function bitmexSymbol(code: string): SymbolId {
  return `${VENUE}:${code}`;
}

/** A table action. */
export type BitmexAction = "partial" | "insert" | "update" | "delete";

/** One orderBookL2 row; update and delete rows may lack the price. */
export interface BookRow {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** The level's id (unique per symbol and price). */
  readonly id: number;
  /** `true` for bids (`Buy`). */
  readonly buy: boolean;
  /** Size in contracts; absent on delete. */
  readonly size: number | undefined;
  /** Price; absent on the update and delete rows of older captures. */
  readonly price: number | undefined;
  /** Row time (µs), when given. */
  readonly ts: Micros | undefined;
}

/** One instrument row: only the fields present in the message are set. */
export interface InstrumentRow {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** Mark price. */
  readonly markPrice?: number;
  /** Funding rate charged at `fundingTime`. */
  readonly fundingRate?: number;
  /** Next funding instant (µs). */
  readonly fundingTime?: Micros;
  /** Row time (µs). */
  readonly ts?: Micros;
}

/** A trade row. */
export interface TradeRow {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** Exchange time (µs). */
  readonly ts: Micros;
  /** Taker side. */
  readonly side: "buy" | "sell";
  /** Contracts. */
  readonly size: number;
  /** Price. */
  readonly price: number;
  /** `trdMatchID`, when given. */
  readonly tradeId: string | undefined;
}

/** A quote row. */
export interface QuoteRow {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** Exchange time (µs). */
  readonly ts: Micros;
  /** Best bid. */
  readonly bidPrice: number;
  /** Size at the best bid. */
  readonly bidSize: number;
  /** Best ask. */
  readonly askPrice: number;
  /** Size at the best ask. */
  readonly askSize: number;
}

/** A closed trade bin (BitMEX stamps bins at their end). */
export interface BinRow {
  /** Our symbol id. */
  readonly symbol: SymbolId;
  /** End of the bin (µs). */
  readonly end: Micros;
  /** Open. */
  readonly open: number;
  /** High. */
  readonly high: number;
  /** Low. */
  readonly low: number;
  /** Close. */
  readonly close: number;
  /** Volume (contracts). */
  readonly volume: number;
}

/** One parsed message. */
export type BitmexMessage =
  | {
    readonly type: "book";
    readonly table: string;
    readonly action: BitmexAction;
    /** The symbol a partial is for (its `filter`), when given. */
    readonly filterSymbol: SymbolId | undefined;
    readonly rows: readonly BookRow[];
  }
  | { readonly type: "trades"; readonly action: BitmexAction; readonly rows: readonly TradeRow[] }
  | { readonly type: "quotes"; readonly action: BitmexAction; readonly rows: readonly QuoteRow[] }
  | {
    readonly type: "instrument";
    readonly action: BitmexAction;
    readonly rows: readonly InstrumentRow[];
  }
  | {
    readonly type: "bins";
    readonly table: string;
    readonly action: BitmexAction;
    readonly rows: readonly BinRow[];
  }
  | { readonly type: "welcome" }
  | { readonly type: "pong" }
  | {
    readonly type: "subscribed";
    readonly success: boolean;
    readonly topic: string;
    readonly error: string;
  }
  | { readonly type: "error"; readonly error: string; readonly topics: readonly string[] }
  | { readonly type: "other"; readonly table: string };

type Wire = Readonly<Record<string, unknown>>;

function fail(what: string, value: unknown): DataError {
  return new DataError(`BitMEX message: ${what} is ${JSON.stringify(value) ?? "missing"}`);
}

function obj(value: unknown, what: string): Wire {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(what, value);
  return value as Wire;
}

function str(wire: Wire, key: string, what: string): string {
  const value = wire[key];
  if (typeof value !== "string") throw fail(`${what}.${key}`, value);
  return value;
}

function num(wire: Wire, key: string, what: string): number {
  const value = wire[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw fail(`${what}.${key}`, value);
  return value;
}

function optNum(wire: Wire, key: string, what: string): number | undefined {
  return wire[key] === undefined || wire[key] === null ? undefined : num(wire, key, what);
}

function time(wire: Wire, key: string, what: string): Micros {
  const text = str(wire, key, what);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw fail(`${what}.${key}`, text);
  return fromMillis(ms);
}

function optTime(wire: Wire, key: string, what: string): Micros | undefined {
  return wire[key] === undefined || wire[key] === null ? undefined : time(wire, key, what);
}

const ACTIONS: readonly BitmexAction[] = ["partial", "insert", "update", "delete"];

function rowsOf<T>(wire: Wire, what: string, row: (item: Wire) => T): T[] {
  const data = wire.data;
  if (!Array.isArray(data)) throw fail(`${what}.data`, data);
  const out: T[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = row(obj(data[i], `${what}.data[${i}]`));
  return out;
}

function bookRow(item: Wire, what: string): BookRow {
  const side = str(item, "side", what);
  if (side !== "Buy" && side !== "Sell") throw fail(`${what}.side`, side);
  return {
    symbol: bitmexSymbol(str(item, "symbol", what)),
    id: num(item, "id", what),
    buy: side === "Buy",
    size: optNum(item, "size", what),
    price: optNum(item, "price", what),
    ts: optTime(item, "timestamp", what),
  };
}

function tradeRow(item: Wire, what: string): TradeRow {
  const side = str(item, "side", what);
  if (side !== "Buy" && side !== "Sell") throw fail(`${what}.side`, side);
  const id = item.trdMatchID;
  return {
    symbol: bitmexSymbol(str(item, "symbol", what)),
    ts: time(item, "timestamp", what),
    side: side === "Buy" ? "buy" : "sell",
    size: num(item, "size", what),
    price: num(item, "price", what),
    tradeId: typeof id === "string" ? id : undefined,
  };
}

function quoteRow(item: Wire, what: string): QuoteRow {
  return {
    symbol: bitmexSymbol(str(item, "symbol", what)),
    ts: time(item, "timestamp", what),
    bidPrice: num(item, "bidPrice", what),
    bidSize: num(item, "bidSize", what),
    askPrice: num(item, "askPrice", what),
    askSize: num(item, "askSize", what),
  };
}

function instrumentRow(item: Wire, what: string): InstrumentRow {
  const markPrice = optNum(item, "markPrice", what);
  const fundingRate = optNum(item, "fundingRate", what);
  const fundingTime = optTime(item, "fundingTimestamp", what);
  const ts = optTime(item, "timestamp", what);
  return {
    symbol: bitmexSymbol(str(item, "symbol", what)),
    ...(markPrice === undefined ? {} : { markPrice }),
    ...(fundingRate === undefined ? {} : { fundingRate }),
    ...(fundingTime === undefined ? {} : { fundingTime }),
    ...(ts === undefined ? {} : { ts }),
  };
}

function binRow(item: Wire, what: string): BinRow {
  return {
    symbol: bitmexSymbol(str(item, "symbol", what)),
    end: time(item, "timestamp", what),
    open: num(item, "open", what),
    high: num(item, "high", what),
    low: num(item, "low", what),
    close: num(item, "close", what),
    volume: num(item, "volume", what),
  };
}

/**
 * Parses one message (the text of a frame).
 *
 * @throws {DataError} when it is not JSON or lacks a documented field.
 */
export function parseBitmex(text: string): BitmexMessage {
  if (text === "pong") return { type: "pong" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DataError(`BitMEX message: not JSON: ${text.slice(0, 80)}`, { cause });
  }
  const wire = obj(value, "message");
  const table = wire.table;
  if (typeof table !== "string") {
    if (typeof wire.info === "string") return { type: "welcome" };
    if (typeof wire.subscribe === "string" || typeof wire.success === "boolean") {
      return {
        type: "subscribed",
        success: wire.success === true,
        topic: typeof wire.subscribe === "string" ? wire.subscribe : "",
        error: typeof wire.error === "string" ? wire.error : "",
      };
    }
    if (wire.error !== undefined) {
      const request = wire.request as { args?: unknown } | undefined;
      const args = request?.args;
      const topics = Array.isArray(args)
        ? args.filter((a): a is string => typeof a === "string")
        : typeof args === "string"
        ? [args]
        : [];
      return { type: "error", error: String(wire.error), topics };
    }
    throw fail("message.table", table);
  }
  const actionText = str(wire, "action", table);
  const action = ACTIONS.find((a) => a === actionText);
  if (action === undefined) throw fail(`${table}.action`, actionText);
  if (table === "orderBookL2" || table === "orderBookL2_25") {
    const filter = wire.filter as { symbol?: unknown } | undefined;
    return {
      type: "book",
      table,
      action,
      filterSymbol: typeof filter?.symbol === "string" ? bitmexSymbol(filter.symbol) : undefined,
      rows: rowsOf(wire, table, (item) => bookRow(item, table)),
    };
  }
  if (table === "trade") {
    return { type: "trades", action, rows: rowsOf(wire, table, (i) => tradeRow(i, table)) };
  }
  if (table === "quote") {
    return { type: "quotes", action, rows: rowsOf(wire, table, (i) => quoteRow(i, table)) };
  }
  if (table === "instrument") {
    return {
      type: "instrument",
      action,
      rows: rowsOf(wire, table, (i) => instrumentRow(i, table)),
    };
  }
  if (table.startsWith("tradeBin")) {
    return { type: "bins", table, action, rows: rowsOf(wire, table, (i) => binRow(i, table)) };
  }
  return { type: "other", table };
}
