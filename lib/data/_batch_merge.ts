/**
 * {@linkcode mergeEventBatches}: the k-way time merge of `mergeEvents` over sources that yield
 * arrays of events. Inside a batch it runs synchronously (a binary heap of cursors; each step
 * copies the run of one source that stays ahead of all others), and it awaits only when a
 * source's batch is used up, so a consumer pays one promise per batch instead of per event.
 *
 * @module
 */

import type { EventTimes } from "../events/mod.ts";
import type { MergeKey } from "./merge.ts";
import { before, heapify, siftDown, type SourceCursor } from "./_source_heap.ts";

/** Options of {@linkcode mergeEventBatches}. */
export interface MergeEventBatchesOptions {
  /** Event time to order by (default `tsRecv`). */
  readonly key?: MergeKey;
  /** Events per output batch, at least (default 2,048; a batch may end earlier at a source's end). */
  readonly batchSize?: number;
  /**
   * Checks that each source is sorted: called for the first event (1-based `index` in its
   * source) whose time is earlier than the one before it; the merge yields what it merged
   * before that event, then throws the returned error. Without it sources are trusted.
   */
  readonly unsorted?: (source: number, index: number, time: number, previous: number) => Error;
}

interface Cursor<E> extends SourceCursor {
  readonly iterator: AsyncIterator<readonly E[]> | Iterator<readonly E[]>;
  batch: readonly E[];
  index: number;
  // Time of the last event taken, and events taken before the current batch.
  last: number;
  taken: number;
}

/**
 * Merges batched event streams into batches ordered by `key` time: the same order as
 * `mergeEvents` over the flattened sources (equal times in source order, each source's order
 * kept; sources must be sorted by that key). Output batches may be a source's own arrays: do
 * not modify them. When a source fails, the events merged before the failure come first.
 */
export async function* mergeEventBatches<E extends EventTimes>(
  sources: readonly (AsyncIterable<readonly E[]> | Iterable<readonly E[]>)[],
  options: MergeEventBatchesOptions = {},
): AsyncGenerator<readonly E[]> {
  const key = options.key ?? "tsRecv";
  const byRecv = key === "tsRecv";
  const size = options.batchSize ?? 2048;
  const iterators = sources.map((source) =>
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
  );
  // The next non-empty batch of a cursor's source; false at its end.
  const refill = async (cursor: Cursor<E>): Promise<boolean> => {
    while (true) {
      const next = await cursor.iterator.next();
      if (next.done) return false;
      if (next.value.length > 0) {
        cursor.taken += cursor.batch.length;
        cursor.batch = next.value;
        cursor.index = 0;
        cursor.time = next.value[0][key];
        return true;
      }
    }
  };
  const unsorted = options.unsorted;
  const disorder = (cursor: Cursor<E>, at: number): Error => {
    const event = cursor.batch[at];
    const t = byRecv ? event.tsRecv : event.ts;
    return (unsorted as NonNullable<typeof unsorted>)(
      cursor.source,
      cursor.taken + at + 1,
      t,
      cursor.last,
    );
  };
  const heap: Cursor<E>[] = [];
  let out: E[] = [];
  try {
    for (let s = 0; s < iterators.length; s++) {
      const cursor: Cursor<E> = {
        source: s,
        iterator: iterators[s],
        batch: [],
        index: 0,
        time: 0,
        last: -Infinity,
        taken: 0,
      };
      if (await refill(cursor)) heap.push(cursor);
    }
    heapify(heap);
    while (heap.length > 0) {
      const top = heap[0];
      const batch = top.batch;
      let i = top.index;
      if (heap.length === 1) {
        // One source left: hand its batches over as they are.
        if (out.length > 0) {
          yield out;
          out = [];
        }
        let j = i;
        if (unsorted !== undefined) {
          let last = top.last;
          while (j < batch.length) {
            const t = byRecv ? batch[j].tsRecv : batch[j].ts;
            if (t < last) break;
            last = t;
            j++;
          }
          top.last = last;
        } else j = batch.length;
        if (j > i) yield i === 0 && j === batch.length ? batch : batch.slice(i, j);
        if (j < batch.length) throw disorder(top, j);
        i = j;
      } else {
        const bound = heap.length > 2 && before(heap[2], heap[1]) ? heap[2] : heap[1];
        const boundTime = bound.time;
        const tieFirst = top.source < bound.source;
        // The top's head always passes (it is ahead of the bound), so each step makes progress.
        while (i < batch.length) {
          const event = batch[i];
          // A named property read is monomorphic-fast; `event[key]` is a keyed lookup.
          const t = byRecv ? event.tsRecv : event.ts;
          if (t < top.last && unsorted !== undefined) {
            if (out.length > 0) yield out;
            out = [];
            throw disorder(top, i);
          }
          if (t < boundTime || (t === boundTime && tieFirst)) {
            out.push(event);
            top.last = t;
            i++;
          } else break;
        }
      }
      if (i < batch.length) {
        top.index = i;
        top.time = batch[i][key];
        siftDown(heap, 0);
      } else {
        if (out.length >= size) {
          yield out;
          out = [];
        }
        let more: boolean;
        try {
          more = await refill(top);
        } catch (error) {
          if (out.length > 0) yield out;
          out = [];
          throw error;
        }
        if (more) siftDown(heap, 0);
        else {
          const last = heap.pop() as Cursor<E>;
          if (heap.length > 0) {
            heap[0] = last;
            siftDown(heap, 0);
          }
        }
      }
      if (out.length >= size) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    for (const iterator of iterators) await iterator.return?.();
  }
}
