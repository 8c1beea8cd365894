/**
 * JSON-lines market data that users record themselves: one event per line, trades, quotes
 * and L2 snapshots/deltas (schema in docs/data.md). Read with {@linkcode readJsonlEvents},
 * written with {@linkcode formatJsonlEvent}.
 *
 * @module
 */

import { DataError, type SymbolId, symbolId } from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, TradeEvent } from "../events/mod.ts";
import { readLines } from "./_lines.ts";

/** Events a JSONL file may hold. */
export type JsonlEvent = TradeEvent | QuoteEvent | BookSnapshotEvent | BookDeltaEvent;

class LineError extends Error {}

type Json = Record<string, unknown>;

function field<T>(record: Json, key: string, check: (v: unknown) => v is T, what: string): T {
  const value = record[key];
  if (!check(value)) throw new LineError(`"${key}" must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isString = (v: unknown): v is string => typeof v === "string" && v !== "";

function levels(record: Json, key: string): { price: number; size: number }[] {
  const value = record[key] ?? [];
  if (!Array.isArray(value)) throw new LineError(`"${key}" must be an array of [price, size]`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isNumber(pair[0]) || !isNumber(pair[1])) {
      throw new LineError(`"${key}"[${i}] must be [price, size] numbers`);
    }
    if (pair[1] < 0) throw new LineError(`"${key}"[${i}] has a negative size`);
    return { price: pair[0], size: pair[1] };
  });
}

/** Parses one JSONL record into an event; throws an `Error` with the reason when malformed. */
export function parseJsonlEvent(line: string): JsonlEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw new LineError(`invalid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new LineError("a line must be a JSON object");
  }
  const record = raw as Json;
  const type = field(record, "type", isString, "a string");
  const ts = field(record, "ts", isTime, "an integer count of µs");
  const tsRecv = record.ts_recv === undefined
    ? ts
    : field(record, "ts_recv", isTime, "an integer count of µs");
  let symbol: SymbolId;
  try {
    symbol = symbolId(field(record, "symbol", isString, "a venue:CODE string"));
  } catch (error) {
    throw new LineError((error as Error).message);
  }
  switch (type) {
    case "trade": {
      const side = record.side;
      if (side !== "buy" && side !== "sell") throw new LineError(`"side" must be "buy" or "sell"`);
      const tradeId = record.id;
      return {
        kind: "trade",
        ts,
        tsRecv,
        trade: {
          symbol,
          price: field(record, "price", isNumber, "a number"),
          quantity: field(record, "quantity", isNumber, "a number"),
          side,
          ...(typeof tradeId === "string" ? { tradeId } : {}),
        },
      };
    }
    case "quote":
      return {
        kind: "quote",
        ts,
        tsRecv,
        quote: {
          symbol,
          bidPrice: field(record, "bid_price", isNumber, "a number"),
          bidSize: field(record, "bid_size", isNumber, "a number"),
          askPrice: field(record, "ask_price", isNumber, "a number"),
          askSize: field(record, "ask_size", isNumber, "a number"),
        },
      };
    case "book_snapshot":
      return {
        kind: "book-snapshot",
        ts,
        tsRecv,
        book: { symbol, bids: levels(record, "bids"), asks: levels(record, "asks") },
      };
    case "book_delta":
      return {
        kind: "book-delta",
        ts,
        tsRecv,
        delta: { symbol, bids: levels(record, "bids"), asks: levels(record, "asks") },
      };
    default:
      throw new LineError(
        `unknown "type" ${
          JSON.stringify(type)
        }: expected trade, quote, book_snapshot or book_delta`,
      );
  }
}

/** Formats an event as one JSONL record (no trailing newline); inverse of the parser. */
export function formatJsonlEvent(event: JsonlEvent): string {
  const base = { ts: event.ts, ts_recv: event.tsRecv };
  switch (event.kind) {
    case "trade": {
      const t = event.trade;
      return JSON.stringify({
        type: "trade",
        ...base,
        symbol: t.symbol,
        price: t.price,
        quantity: t.quantity,
        side: t.side,
        ...(t.tradeId === undefined ? {} : { id: t.tradeId }),
      });
    }
    case "quote": {
      const q = event.quote;
      return JSON.stringify({
        type: "quote",
        ...base,
        symbol: q.symbol,
        bid_price: q.bidPrice,
        bid_size: q.bidSize,
        ask_price: q.askPrice,
        ask_size: q.askSize,
      });
    }
    case "book-snapshot":
    case "book-delta": {
      const book = event.kind === "book-snapshot" ? event.book : event.delta;
      return JSON.stringify({
        type: event.kind === "book-snapshot" ? "book_snapshot" : "book_delta",
        ...base,
        symbol: book.symbol,
        bids: book.bids.map((l) => [l.price, l.size]),
        asks: book.asks.map((l) => [l.price, l.size]),
      });
    }
    default: {
      const never: never = event;
      throw new TypeError(`unknown event ${String(never)}`);
    }
  }
}

/**
 * Streams the events of a JSONL file (plain or `.gz`); blank lines are skipped.
 *
 * @throws {DataError} `file:line: reason` for a malformed line.
 */
export async function* readJsonlEvents(path: string): AsyncGenerator<JsonlEvent> {
  for await (const chunk of readLines(path)) {
    for (let k = 0; k < chunk.lines.length; k++) {
      const line = chunk.lines[k] as string;
      if (line.trim() === "") continue;
      try {
        yield parseJsonlEvent(line);
      } catch (error) {
        if (!(error instanceof LineError)) throw error;
        throw new DataError(`Cannot parse event: ${error.message}`, {
          location: { file: path, line: chunk.firstLine + k },
          cause: error,
        });
      }
    }
  }
}
