/**
 * JSON-lines market data that users record themselves: one event per line, trades, quotes
 * and L2 snapshots/deltas (schema in docs/data.md). Read with {@linkcode readJsonlEvents},
 * written with {@linkcode formatJsonlEvent}.
 *
 * @module
 */

import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, TradeEvent } from "../events/mod.ts";
import { parseJsonlLine, readJsonlBatches } from "./_batch_jsonl.ts";

/** Events a JSONL file may hold. */
export type JsonlEvent = TradeEvent | QuoteEvent | BookSnapshotEvent | BookDeltaEvent;

/** Parses one JSONL record into an event; throws an `Error` with the reason when malformed. */
export function parseJsonlEvent(line: string): JsonlEvent {
  return parseJsonlLine(line);
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
  for await (const events of readJsonlBatches(path)) {
    for (let i = 0; i < events.length; i++) yield events[i];
  }
}
