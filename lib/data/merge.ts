/**
 * Time-ordered k-way merges, the replay source of the backtester: {@linkcode mergeEvents} over
 * event streams (a binary heap, stable on ties by source order) and
 * {@linkcode mergeCandleBatches} over columnar candle batches; {@linkcode candleEvents} turns
 * batches into `CandleEvent`s stamped at the bar close.
 *
 * @module
 */

import { type Interval, intervalMicros, type SymbolId } from "../domain/mod.ts";
import type { CandleEvent, EventTimes } from "../events/mod.ts";
import type { CandleBatch } from "./candle_batch.ts";
import { heapify, siftDown, type SourceCursor } from "./_source_heap.ts";
import { oneSourceBatches } from "./_one_source_batches.ts";

/** Which event time orders the merge: `tsRecv` (arrival, the default) or `ts` (source). */
export type MergeKey = "ts" | "tsRecv";

/** Options of {@linkcode mergeEvents}. */
export interface MergeOptions {
  /** Event time to order by (default `tsRecv`; for candles both are the bar close). */
  readonly key?: MergeKey;
}

/**
 * Turns candle batches into `CandleEvent`s: a bar is an event at its close, so `ts` and
 * `tsRecv` are `openTime + interval`.
 */
export async function* candleEvents(
  batches: AsyncIterable<CandleBatch> | Iterable<CandleBatch>,
): AsyncGenerator<CandleEvent> {
  for await (const batch of batches) {
    const length = intervalMicros(batch.interval);
    for (let i = 0; i < batch.length; i++) {
      const openTime = batch.ts[i] as number;
      const ts = openTime + length;
      yield {
        kind: "candle",
        ts,
        tsRecv: ts,
        candle: {
          symbol: batch.symbol,
          interval: batch.interval,
          openTime,
          open: batch.open[i] as number,
          high: batch.high[i] as number,
          low: batch.low[i] as number,
          close: batch.close[i] as number,
          volume: batch.volume[i] as number,
        },
      };
    }
  }
}

interface Cursor<T> extends SourceCursor {
  readonly iterator: AsyncIterator<T> | Iterator<T>;
  head: T;
}

/**
 * Merges event streams into one, ordered by `key` time; events with equal times come in
 * source order, and each source's own order is kept. Sources must be sorted by that key.
 *
 * @example
 * ```ts ignore
 * for await (const event of mergeEvents([candleEvents(a), candleEvents(b)])) engine.process(event);
 * ```
 */
export async function* mergeEvents<E extends EventTimes>(
  sources: readonly (AsyncIterable<E> | Iterable<E>)[],
  options: MergeOptions = {},
): AsyncGenerator<E> {
  const key = options.key ?? "tsRecv";
  const heap: Cursor<E>[] = [];
  const iterators = sources.map((source) =>
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
  );
  try {
    for (let s = 0; s < iterators.length; s++) {
      const iterator = iterators[s] as AsyncIterator<E> | Iterator<E>;
      const first = await iterator.next();
      if (!first.done) {
        heap.push({ source: s, iterator, head: first.value, time: first.value[key] });
      }
    }
    heapify(heap);
    while (heap.length > 0) {
      const top = heap[0] as Cursor<E>;
      yield top.head;
      const next = await top.iterator.next();
      if (next.done) {
        const last = heap.pop() as Cursor<E>;
        if (heap.length > 0) {
          heap[0] = last;
          siftDown(heap, 0);
        }
      } else {
        top.head = next.value;
        top.time = next.value[key];
        siftDown(heap, 0);
      }
    }
  } finally {
    for (const iterator of iterators) await iterator.return?.();
  }
}

/** Rows of several candle sources merged by bar close time, column by column. */
export interface MergedCandleBatch {
  /** Number of valid rows. */
  readonly length: number;
  /** Bar open times, µs. */
  readonly ts: Float64Array;
  /** Bar close times (`ts + interval`), µs: the merge key. */
  readonly closeTs: Float64Array;
  /** Open prices. */
  readonly open: Float64Array;
  /** High prices. */
  readonly high: Float64Array;
  /** Low prices. */
  readonly low: Float64Array;
  /** Close prices. */
  readonly close: Float64Array;
  /** Volumes. */
  readonly volume: Float64Array;
  /** Per row, an index into `series`. */
  readonly seriesIndex: Uint32Array;
  /** The symbol/interval pairs seen so far (grows across batches; indices are stable). */
  readonly series: readonly { readonly symbol: SymbolId; readonly interval: Interval }[];
}

/** Options of {@linkcode mergeCandleBatches}. */
export interface MergeCandleBatchesOptions {
  /** Rows per output batch (default 65,536). */
  readonly batchSize?: number;
}

interface BatchCursor {
  readonly iterator: AsyncIterator<CandleBatch> | Iterator<CandleBatch>;
  batch: CandleBatch | undefined;
  row: number;
  length: number;
  series: number;
}

/**
 * Merges candle sources (each sorted by time) by bar close time into columnar batches, stable
 * on ties by source order. The output arrays are reused (a single source's are views into its
 * own batches): copy what you keep.
 */
export function mergeCandleBatches(
  sources: readonly (AsyncIterable<CandleBatch> | Iterable<CandleBatch>)[],
  options: MergeCandleBatchesOptions = {},
): AsyncGenerator<MergedCandleBatch> {
  const size = options.batchSize ?? 65_536;
  return sources.length === 1
    ? oneSourceBatches(sources[0] as AsyncIterable<CandleBatch> | Iterable<CandleBatch>, size)
    : mergeSources(sources, size);
}

async function* mergeSources(
  sources: readonly (AsyncIterable<CandleBatch> | Iterable<CandleBatch>)[],
  size: number,
): AsyncGenerator<MergedCandleBatch> {
  const series: { symbol: SymbolId; interval: Interval }[] = [];
  const seriesOf = new Map<string, number>();
  const cols = {
    ts: new Float64Array(size),
    closeTs: new Float64Array(size),
    open: new Float64Array(size),
    high: new Float64Array(size),
    low: new Float64Array(size),
    close: new Float64Array(size),
    volume: new Float64Array(size),
    seriesIndex: new Uint32Array(size),
  };
  const cursors: BatchCursor[] = sources.map((source) => ({
    iterator: Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : source[Symbol.iterator](),
    batch: undefined,
    row: 0,
    length: 0,
    series: 0,
  }));
  const advance = async (cursor: BatchCursor): Promise<void> => {
    while (cursor.batch === undefined || cursor.row >= cursor.batch.length) {
      const next = await cursor.iterator.next();
      if (next.done) {
        cursor.batch = undefined;
        return;
      }
      cursor.batch = next.value;
      cursor.row = 0;
      cursor.length = intervalMicros(next.value.interval);
      const id = `${next.value.symbol}\u0000${next.value.interval}`;
      let index = seriesOf.get(id);
      if (index === undefined) {
        index = series.length;
        series.push({ symbol: next.value.symbol, interval: next.value.interval });
        seriesOf.set(id, index);
      }
      cursor.series = index;
    }
  };
  try {
    for (const cursor of cursors) await advance(cursor);
    let fill = 0;
    while (true) {
      let best: BatchCursor | undefined;
      let bestTime = Infinity;
      for (const cursor of cursors) {
        const batch = cursor.batch;
        if (batch === undefined) continue;
        const time = (batch.ts[cursor.row] as number) + cursor.length;
        if (time < bestTime) {
          bestTime = time;
          best = cursor;
        }
      }
      if (best === undefined) break;
      const batch = best.batch as CandleBatch;
      // Copy the run of rows from this source that stays ahead of every other source.
      let limit = Infinity;
      const bestIndex = cursors.indexOf(best);
      for (let c = 0; c < cursors.length; c++) {
        const cursor = cursors[c] as BatchCursor;
        if (cursor === best || cursor.batch === undefined) continue;
        const t = (cursor.batch.ts[cursor.row] as number) + cursor.length;
        const tieOk = c > bestIndex;
        const bound = tieOk ? t : t - 0.5;
        if (bound < limit) limit = bound;
      }
      let i = best.row;
      while (
        i < batch.length && fill < size && (batch.ts[i] as number) + best.length <= limit
      ) {
        cols.ts[fill] = batch.ts[i] as number;
        cols.closeTs[fill] = (batch.ts[i] as number) + best.length;
        cols.open[fill] = batch.open[i] as number;
        cols.high[fill] = batch.high[i] as number;
        cols.low[fill] = batch.low[i] as number;
        cols.close[fill] = batch.close[i] as number;
        cols.volume[fill] = batch.volume[i] as number;
        cols.seriesIndex[fill] = best.series;
        fill++;
        i++;
      }
      // The best row always passes the limit (times are integer µs), so this makes progress.
      best.row = i;
      if (fill === size) {
        yield { length: fill, ...cols, series };
        fill = 0;
      }
      await advance(best);
    }
    if (fill > 0) yield { length: fill, ...cols, series };
  } finally {
    for (const cursor of cursors) await cursor.iterator.return?.();
  }
}
