/**
 * Tardis.dev CSV (`.csv` or `.csv.gz`) → events: `trades`, `quotes`, `incremental_book_L2` and
 * `book_snapshot_N`, detected from the header. `ts` is the exchange `timestamp`, `tsRecv` the
 * `local_timestamp` (the order rows come in and the order to replay by). Incremental book rows
 * that share a `local_timestamp` become one event; an `is_snapshot` flip false → true starts a
 * new snapshot (the book is reset).
 *
 * @module
 */

import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, TradeEvent } from "../events/mod.ts";
import type { SymbolId } from "../domain/mod.ts";
import { detectTardisType, readTardisBatches } from "./_batch_tardis.ts";

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

/** Detects the data type from a header line. */
export function tardisDataType(header: string): TardisDataType | undefined {
  return detectTardisType(header);
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
  for await (const events of readTardisBatches(path, options)) {
    for (let i = 0; i < events.length; i++) yield events[i];
  }
}
