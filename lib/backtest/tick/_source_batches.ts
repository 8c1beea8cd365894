/**
 * The batched replay path of the tick runner: each {@linkcode TickSource} as arrays of events
 * (its own `batches` when it has them, an in-memory array as one batch, other iterables
 * gathered in chunks), merged with `mergeEventBatches`, which also checks each source's order. The
 * order and the errors are those of `mergeTickSources`; the runner just pays one promise per
 * batch instead of several per event.
 *
 * @module
 */

import { DataError } from "../../domain/mod.ts";
import { mergeEventBatches } from "../../data/_batch_merge.ts";
import type { MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import type { TickSource } from "./tick_sources.ts";

const CHUNK = 4096;

type Batch = readonly MarketDataEvent[];

// The source's events in batches, as they come (the merge checks their order).
async function* rawBatches(source: TickSource): AsyncGenerator<Batch> {
  if (source.batches !== undefined) {
    yield* source.batches;
    return;
  }
  const events = source.events;
  if (Array.isArray(events)) {
    yield events;
    return;
  }
  let batch: MarketDataEvent[] = [];
  try {
    if (Symbol.asyncIterator in events) {
      for await (const event of events) {
        batch.push(event);
        if (batch.length === CHUNK) {
          yield batch;
          batch = [];
        }
      }
    } else {
      for (const event of events) {
        batch.push(event);
        if (batch.length === CHUNK) {
          yield batch;
          batch = [];
        }
      }
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}

/** Merges sources by local time (`tsRecv`) in batches, each source checked for order. */
export function mergeTickBatches(sources: readonly TickSource[]): AsyncGenerator<Batch> {
  return mergeEventBatches(sources.map(rawBatches), {
    key: "tsRecv",
    unsorted: (source, index, time, previous) =>
      new DataError(
        `local timestamps are not sorted: event ${index} has local time ${time}, earlier than ${previous} before it`,
        {
          location: { file: sources[source].name },
          hint: "tick replay needs each file sorted by local_timestamp (ts_recv); sort it first",
        },
      ),
  });
}
