/**
 * The JSONL reader's machinery: the validating line parser (`parseJsonlEvent`'s body, the
 * reference for every line the fast path declines) and {@linkcode readJsonlBatches}, which
 * parses each chunk of lines from bytes into an array of events, so a consumer pays one promise
 * per chunk, not per event.
 *
 * @module
 */

import { DataError, type SymbolId, symbolId } from "../domain/mod.ts";
import type { JsonlEvent } from "./jsonl.ts";
import { JsonlFastParser } from "./_batch_jsonl_fast.ts";
import { ByteLines } from "./_batch_lines.ts";

/** A malformed line; the reader adds the file and line number. */
export class JsonlLineError extends Error {}

type Json = Record<string, unknown>;

function field<T>(record: Json, key: string, check: (v: unknown) => v is T, what: string): T {
  const value = record[key];
  if (!check(value)) {
    throw new JsonlLineError(`"${key}" must be ${what}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isString = (v: unknown): v is string => typeof v === "string" && v !== "";

function levels(record: Json, key: string): { price: number; size: number }[] {
  const value = record[key] ?? [];
  if (!Array.isArray(value)) throw new JsonlLineError(`"${key}" must be an array of [price, size]`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isNumber(pair[0]) || !isNumber(pair[1])) {
      throw new JsonlLineError(`"${key}"[${i}] must be [price, size] numbers`);
    }
    if (pair[1] < 0) throw new JsonlLineError(`"${key}"[${i}] has a negative size`);
    return { price: pair[0], size: pair[1] };
  });
}

/** The validating parser behind `parseJsonlEvent`: the event, or a `JsonlLineError`. */
export function parseJsonlLine(line: string): JsonlEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw new JsonlLineError(`invalid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new JsonlLineError("a line must be a JSON object");
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
    throw new JsonlLineError((error as Error).message);
  }
  switch (type) {
    case "trade": {
      const side = record.side;
      if (side !== "buy" && side !== "sell") {
        throw new JsonlLineError(`"side" must be "buy" or "sell"`);
      }
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
      throw new JsonlLineError(
        `unknown "type" ${
          JSON.stringify(type)
        }: expected trade, quote, book_snapshot or book_delta`,
      );
  }
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const BATCH = 1024;

/**
 * Streams the events of a JSONL file (plain or `.gz`) as one array per chunk of lines; blank
 * lines are skipped. A malformed line ends the stream: the events before it come first, then the
 * error, exactly where a per-event reader would raise it.
 *
 * @throws {DataError} `file:line: reason` for a malformed line.
 */
export async function* readJsonlBatches(path: string): AsyncGenerator<JsonlEvent[]> {
  const fast = new JsonlFastParser();
  const reader = await ByteLines.open(path);
  try {
    let lines = 0;
    while (await reader.next(lines)) {
      const { bytes, start, end, line: firstLine } = reader;
      let events: JsonlEvent[] = [];
      lines = 0;
      let p = start;
      while (p < end) {
        const event = fast.parse(bytes, p, end);
        if (event !== undefined) {
          events.push(event);
          p = fast.next;
          lines++;
          // Hand over a batch before parsing on: fewer live events when the GC runs.
          if (events.length === BATCH) {
            yield events;
            events = [];
          }
          continue;
        }
        // The fast path declined: cut the line out and let the validating parser decide.
        let newline = bytes.subarray(p, end).indexOf(10);
        newline = newline === -1 ? end : p + newline;
        const lineEnd = newline > p && bytes[newline - 1] === 13 ? newline - 1 : newline;
        const line = utf8.decode(bytes.subarray(p, lineEnd));
        const lineNo = firstLine + lines;
        p = newline + 1;
        lines++;
        if (line.trim() === "") continue;
        try {
          events.push(parseJsonlLine(line));
        } catch (error) {
          if (!(error instanceof JsonlLineError)) throw error;
          if (events.length > 0) yield events;
          throw new DataError(`Cannot parse event: ${error.message}`, {
            location: { file: path, line: lineNo },
            cause: error,
          });
        }
      }
      if (events.length > 0) yield events;
    }
  } finally {
    await reader.close();
  }
}
