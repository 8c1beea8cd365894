/**
 * Tardis.dev CSV (`.csv` or `.csv.gz`) → events: `trades`, `quotes`, `incremental_book_L2` and
 * `book_snapshot_N`, detected from the header. `ts` is the exchange `timestamp`, `tsRecv` the
 * `local_timestamp` (the order rows come in and the order to replay by). Incremental book rows
 * that share a `local_timestamp` become one event; an `is_snapshot` flip false → true starts a
 * new snapshot (the book is reset).
 *
 * @module
 */

import { DataError, type SymbolId, symbolId } from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, TradeEvent } from "../events/mod.ts";
import { readLines } from "./_lines.ts";

/** The Tardis data types this reader understands. */
export type TardisDataType = "trades" | "quotes" | "incremental_book_L2" | "book_snapshot";

/** Events a Tardis file yields. */
export type TardisEvent = TradeEvent | QuoteEvent | BookSnapshotEvent | BookDeltaEvent;

/** Options of {@linkcode readTardisCsv}. */
export interface TardisOptions {
  /** Venue for symbols (default: the file's `exchange` column, `-` turned into `_`). */
  readonly venue?: string;
  /** Symbol for every row, overriding the file. */
  readonly symbol?: SymbolId;
}

const COMMON = ["exchange", "symbol", "timestamp", "local_timestamp"];
const HEADERS: Readonly<Record<Exclude<TardisDataType, "book_snapshot">, string>> = {
  trades: [...COMMON, "id", "side", "price", "amount"].join(","),
  quotes: [...COMMON, "ask_amount", "ask_price", "bid_price", "bid_amount"].join(","),
  incremental_book_L2: [...COMMON, "is_snapshot", "side", "price", "amount"].join(","),
};

/** Detects the data type from a header line. */
export function tardisDataType(header: string): TardisDataType | undefined {
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
 * Streams the events of one Tardis CSV file in file order (Tardis sorts by
 * `local_timestamp`).
 *
 * @throws {DataError} `file:line: reason` for an unknown header, a malformed row or corrupt gzip.
 */
export async function* readTardisCsv(
  path: string,
  options: TardisOptions = {},
): AsyncGenerator<TardisEvent> {
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
    ts: number;
    tsRecv: number;
    symbol: SymbolId;
    bids: { price: number; size: number }[];
    asks: { price: number; size: number }[];
  } | undefined;
  let previousSnapshot = false;
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
    for (let k = 0; k < chunk.lines.length; k++) {
      const line = chunk.lines[k] as string;
      const lineNo = chunk.firstLine + k;
      if (type === undefined) {
        type = tardisDataType(line);
        if (type === undefined) {
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
            if (side !== "buy" && side !== "sell") {
              throw new RowError(`side "${side ?? ""}" is not buy or sell`);
            }
            yield {
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
            };
            break;
          }
          case "quotes": {
            if (c.length !== 8) throw new RowError(`expected 8 cells, got ${c.length}`);
            yield {
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
            };
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
            const startsSnapshot = snapshot && !previousSnapshot;
            previousSnapshot = snapshot;
            const kindChanges = group !== undefined &&
              (startsSnapshot || group.snapshot !== snapshot);
            if (
              group === undefined || group.tsRecv !== tsRecv || group.symbol !== symbol ||
              kindChanges
            ) {
              const done = flush();
              if (done !== undefined) yield done;
              group = { snapshot: startsSnapshot, ts, tsRecv, symbol, bids: [], asks: [] };
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
            yield { kind: "book-snapshot", ts, tsRecv, book: { symbol, bids, asks } };
            break;
          }
          default: {
            const never: never = type;
            throw new TypeError(`unknown Tardis type ${String(never)}`);
          }
        }
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        throw new DataError(`Cannot parse Tardis ${type} row: ${error.message}`, {
          location: { file: path, line: lineNo },
          cause: error,
        });
      }
    }
  }
  const done = flush();
  if (done !== undefined) yield done;
}
