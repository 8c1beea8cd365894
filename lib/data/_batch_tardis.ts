/**
 * The Tardis CSV reader's machinery: {@linkcode readTardisBatches} parses each chunk of lines
 * into an array of events (one promise per chunk instead of per event); `readTardisCsv` is the
 * same reader flattened. Rules, errors and grouping are documented in `tardis.ts`.
 *
 * @module
 */

import { DataError, type SymbolId, symbolId } from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent } from "../events/mod.ts";
import { readLines } from "./_lines.ts";
import type { TardisDataType, TardisEvent, TardisOptions } from "./tardis.ts";

const COMMON = ["exchange", "symbol", "timestamp", "local_timestamp"];
const HEADERS: Readonly<Record<Exclude<TardisDataType, "book_snapshot">, string>> = {
  trades: [...COMMON, "id", "side", "price", "amount"].join(","),
  quotes: [...COMMON, "ask_amount", "ask_price", "bid_price", "bid_amount"].join(","),
  incremental_book_L2: [...COMMON, "is_snapshot", "side", "price", "amount"].join(","),
};

/** The data type of a header line (`tardisDataType`'s body). */
export function detectTardisType(header: string): TardisDataType | undefined {
  const clean = header.trim();
  for (const [type, expected] of Object.entries(HEADERS)) {
    if (clean === expected) return type as TardisDataType;
  }
  if (clean.startsWith(`${COMMON.join(",")},asks[0].price,asks[0].amount,bids[0].price`)) {
    return "book_snapshot";
  }
  return undefined;
}

class RowError extends Error {}

function int(cell: string | undefined, name: string): number {
  if (cell === undefined || !/^\d+$/.test(cell)) {
    throw new RowError(`${name} "${cell ?? ""}" is not an integer count of µs`);
  }
  return Number(cell);
}

function num(cell: string | undefined, name: string): number {
  if (cell === undefined || cell === "") throw new RowError(`${name} is empty`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new RowError(`${name} "${cell}" is not a number`);
  return value;
}

/**
 * Streams the events of one Tardis CSV file in file order, one array per chunk of lines. A
 * malformed row ends the stream: the events before it come first, then the error.
 *
 * @throws {DataError} `file:line: reason` for an unknown header, a malformed row or corrupt gzip.
 */
export async function* readTardisBatches(
  path: string,
  options: TardisOptions = {},
): AsyncGenerator<TardisEvent[]> {
  let type: TardisDataType | undefined;
  const symbols = new Map<string, SymbolId>();
  const symbolOf = (exchange: string, code: string): SymbolId => {
    if (options.symbol !== undefined) return options.symbol;
    const key = `${exchange},${code}`;
    let id = symbols.get(key);
    if (id === undefined) {
      const venue = options.venue ?? exchange.toLowerCase().replace(/-/g, "_");
      try {
        id = symbolId(`${venue}:${code}`);
      } catch (error) {
        throw new RowError((error as Error).message);
      }
      symbols.set(key, id);
    }
    return id;
  };
  // incremental_book_L2 grouping state
  let group: {
    snapshot: boolean;
    raw: boolean;
    ts: number;
    tsRecv: number;
    symbol: SymbolId;
    bids: { price: number; size: number }[];
    asks: { price: number; size: number }[];
  } | undefined;
  // The last row's is_snapshot per symbol: a flip false → true resets that symbol's book.
  const previousSnapshot = new Map<SymbolId, boolean>();
  const flush = (): BookSnapshotEvent | BookDeltaEvent | undefined => {
    if (group === undefined) return undefined;
    const g = group;
    group = undefined;
    if (g.snapshot) {
      return {
        kind: "book-snapshot",
        ts: g.ts,
        tsRecv: g.tsRecv,
        book: {
          symbol: g.symbol,
          bids: g.bids.sort((a, b) => b.price - a.price),
          asks: g.asks.sort((a, b) => a.price - b.price),
        },
      };
    }
    return {
      kind: "book-delta",
      ts: g.ts,
      tsRecv: g.tsRecv,
      delta: { symbol: g.symbol, bids: g.bids, asks: g.asks },
    };
  };

  for await (const chunk of readLines(path)) {
    const events: TardisEvent[] = [];
    for (let k = 0; k < chunk.lines.length; k++) {
      const line = chunk.lines[k] as string;
      const lineNo = chunk.firstLine + k;
      if (type === undefined) {
        type = detectTardisType(line);
        if (type === undefined) {
          if (events.length > 0) yield events;
          throw new DataError("Cannot read Tardis CSV: unknown header", {
            location: { file: path, line: lineNo },
            hint: `expected one of: ${Object.values(HEADERS).join(" | ")} | book_snapshot_N`,
          });
        }
        continue;
      }
      if (line === "") continue;
      const c = line.split(",");
      try {
        const tsRecv = int(c[3], "local_timestamp");
        const ts = c[2] === "" ? tsRecv : int(c[2], "timestamp");
        const symbol = symbolOf(c[0] ?? "", c[1] ?? "");
        switch (type) {
          case "trades": {
            if (c.length !== 8) throw new RowError(`expected 8 cells, got ${c.length}`);
            const side = c[5];
            // Tardis writes "unknown" where the exchange gave no aggressor side: such a trade
            // cannot be matched against our orders (nor signed for strategies), so it is skipped
            // (documented in docs/data.md).
            if (side === "unknown") break;
            if (side !== "buy" && side !== "sell") {
              throw new RowError(`side "${side ?? ""}" is not buy, sell or unknown`);
            }
            events.push({
              kind: "trade",
              ts,
              tsRecv,
              trade: {
                symbol,
                price: num(c[6], "price"),
                quantity: num(c[7], "amount"),
                side,
                tradeId: c[4] ?? "",
              },
            });
            break;
          }
          case "quotes": {
            if (c.length !== 8) throw new RowError(`expected 8 cells, got ${c.length}`);
            events.push({
              kind: "quote",
              ts,
              tsRecv,
              quote: {
                symbol,
                askSize: num(c[4], "ask_amount"),
                askPrice: num(c[5], "ask_price"),
                bidPrice: num(c[6], "bid_price"),
                bidSize: num(c[7], "bid_amount"),
              },
            });
            break;
          }
          case "incremental_book_L2": {
            if (c.length !== 8) throw new RowError(`expected 8 cells, got ${c.length}`);
            const snapshotCell = c[4];
            if (snapshotCell !== "true" && snapshotCell !== "false") {
              throw new RowError(`is_snapshot "${snapshotCell ?? ""}" is not true or false`);
            }
            const snapshot = snapshotCell === "true";
            const side = c[5];
            if (side !== "bid" && side !== "ask") {
              throw new RowError(`side "${side ?? ""}" is not bid or ask`);
            }
            const level = { price: num(c[6], "price"), size: num(c[7], "amount") };
            if (level.size < 0) throw new RowError(`amount ${level.size} is negative`);
            // A snapshot starts when is_snapshot flips false → true (or at the first row);
            // snapshot rows continuing across groups extend it as deltas.
            const startsSnapshot = snapshot && previousSnapshot.get(symbol) !== true;
            previousSnapshot.set(symbol, snapshot);
            // Rows of one local_timestamp stay one event unless a snapshot starts or the raw
            // flag changes (a snapshot continuing into a new timestamp is one delta per time).
            const kindChanges = group !== undefined && (startsSnapshot || group.raw !== snapshot);
            if (
              group === undefined || group.tsRecv !== tsRecv || group.symbol !== symbol ||
              kindChanges
            ) {
              const done = flush();
              if (done !== undefined) events.push(done);
              group = {
                snapshot: startsSnapshot,
                raw: snapshot,
                ts,
                tsRecv,
                symbol,
                bids: [],
                asks: [],
              };
            }
            (side === "bid" ? group.bids : group.asks).push(level);
            break;
          }
          case "book_snapshot": {
            const bids: { price: number; size: number }[] = [];
            const asks: { price: number; size: number }[] = [];
            for (let i = 4; i + 3 < c.length; i += 4) {
              if (c[i] !== "") {
                asks.push({ price: num(c[i], "ask price"), size: num(c[i + 1], "ask amount") });
              }
              if (c[i + 2] !== "") {
                bids.push({ price: num(c[i + 2], "bid price"), size: num(c[i + 3], "bid amount") });
              }
            }
            events.push({ kind: "book-snapshot", ts, tsRecv, book: { symbol, bids, asks } });
            break;
          }
          default: {
            const never: never = type;
            throw new TypeError(`unknown Tardis type ${String(never)}`);
          }
        }
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        if (events.length > 0) yield events;
        throw new DataError(`Cannot parse Tardis ${type} row: ${error.message}`, {
          location: { file: path, line: lineNo },
          cause: error,
        });
      }
    }
    if (events.length > 0) yield events;
  }
  const done = flush();
  if (done !== undefined) yield [done];
}
