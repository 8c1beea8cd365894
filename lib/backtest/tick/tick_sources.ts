/**
 * Market-data sources of a tick run: files (Tardis CSV of trades, quotes, incremental_book_L2,
 * book_snapshot_N; JSONL) or in-memory event lists, each checked to be in local-time order, and
 * their merge by local timestamp across files and symbols (stable on ties by source order).
 *
 * @module
 */

import { DataError } from "../../domain/mod.ts";
import { dataFileKind, readJsonlEvents, readTardisCsv } from "../../data/mod.ts";
import { readJsonlBatches } from "../../data/_batch_jsonl.ts";
import { readTardisBatches } from "../../data/_batch_tardis.ts";
import type { MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import { mergeTickBatches } from "./_source_batches.ts";

/** A named stream of market data, sorted by `tsRecv`. */
export interface TickSource {
  /** Where it comes from (the file path), for error messages. */
  readonly name: string;
  /** The events. */
  readonly events: AsyncIterable<MarketDataEvent> | Iterable<MarketDataEvent>;
  /**
   * The same events as arrays (optional): when present the runner reads these instead of
   * `events`, one promise per array rather than per event. File sources provide them.
   */
  readonly batches?:
    | AsyncIterable<readonly MarketDataEvent[]>
    | Iterable<readonly MarketDataEvent[]>;
}

/**
 * The source of one data file: `.csv[.gz]` (Tardis) or `.jsonl[.gz]`/`.ndjson`.
 *
 * @throws {DataError} for other file kinds (candle Parquet has no order book).
 */
export function tickFileSource(path: string): TickSource {
  const kind = dataFileKind(path);
  switch (kind) {
    case "tardis-csv":
      return { name: path, events: readTardisCsv(path), batches: readTardisBatches(path) };
    case "jsonl":
      return { name: path, events: readJsonlEvents(path), batches: readJsonlBatches(path) };
    case "parquet-candles":
      throw new DataError("Cannot replay candles in tick mode", {
        location: { file: path },
        hint: "pass Tardis CSV or JSONL trades/quotes/books with --lob-data, or use --mode candle",
      });
    default: {
      const never: never = kind;
      throw new TypeError(`unknown data file kind ${String(never)}`);
    }
  }
}

/**
 * Yields the source's events, checking that local timestamps never go backwards.
 *
 * @throws {DataError} naming the source and the event (1-based) that is out of order.
 */
export async function* orderedEvents(source: TickSource): AsyncGenerator<MarketDataEvent> {
  let last = -Infinity;
  let index = 0;
  for await (const event of source.events) {
    index++;
    if (event.tsRecv < last) {
      throw new DataError(
        `local timestamps are not sorted: event ${index} has local time ${event.tsRecv}, earlier than ${last} before it`,
        {
          location: { file: source.name },
          hint: "tick replay needs each file sorted by local_timestamp (ts_recv); sort it first",
        },
      );
    }
    last = event.tsRecv;
    yield event;
  }
}

/** Merges sources by local time (`tsRecv`), each checked for order. */
export async function* mergeTickSources(
  sources: readonly TickSource[],
): AsyncGenerator<MarketDataEvent> {
  for await (const batch of mergeTickBatches(sources)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}
