/**
 * Columnar candles: the unit every reader and writer in `lib/data` streams, one Parquet row
 * group (or CSV chunk) at a time, so replay never holds a whole file in memory.
 *
 * @module
 */

import type { Candle, Interval, Micros, SymbolId } from "../domain/mod.ts";

/**
 * A run of candles of one symbol and interval, column by column. Row `i` is the bar that
 * opens at `ts[i]` (µs since the epoch, UTC) and covers `[ts[i], ts[i] + interval)`.
 */
export interface CandleBatch {
  /** Number of rows; the arrays may be longer (only the first `length` are valid). */
  readonly length: number;
  /** Venue-qualified symbol of every row. */
  readonly symbol: SymbolId;
  /** Bar interval of every row. */
  readonly interval: Interval;
  /** Bar open times, µs since the epoch. */
  readonly ts: Float64Array;
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
}

/** Allocates an empty batch with room for `capacity` rows (`length` is `capacity`). */
export function allocateCandleBatch(
  symbol: SymbolId,
  interval: Interval,
  capacity: number,
): CandleBatch {
  return {
    length: capacity,
    symbol,
    interval,
    ts: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
}

/** The first `length` rows of `batch`, sharing its memory (no copy). */
export function sliceCandleBatch(batch: CandleBatch, start: number, end: number): CandleBatch {
  if (start < 0 || end > batch.length || start > end) {
    throw new RangeError(`Cannot slice rows [${start}, ${end}) of a batch of ${batch.length}`);
  }
  return {
    length: end - start,
    symbol: batch.symbol,
    interval: batch.interval,
    ts: batch.ts.subarray(start, end),
    open: batch.open.subarray(start, end),
    high: batch.high.subarray(start, end),
    low: batch.low.subarray(start, end),
    close: batch.close.subarray(start, end),
    volume: batch.volume.subarray(start, end),
  };
}

/** Row `index` of `batch` as a {@linkcode Candle}. */
export function candleAt(batch: CandleBatch, index: number): Candle {
  if (index < 0 || index >= batch.length) {
    throw new RangeError(`Row ${index} is outside a batch of ${batch.length}`);
  }
  return {
    symbol: batch.symbol,
    interval: batch.interval,
    openTime: batch.ts[index] as Micros,
    open: batch.open[index],
    high: batch.high[index],
    low: batch.low[index],
    close: batch.close[index],
    volume: batch.volume[index],
  };
}

/** Packs candles of one symbol and interval into a batch. */
export function candlesToBatch(candles: readonly Candle[]): CandleBatch {
  const first = candles[0];
  if (first === undefined) throw new RangeError("Cannot make a batch of zero candles");
  const batch = allocateCandleBatch(first.symbol, first.interval, candles.length);
  candles.forEach((candle, i) => {
    if (candle.symbol !== first.symbol || candle.interval !== first.interval) {
      throw new RangeError(
        `Cannot batch ${candle.symbol} ${candle.interval} with ${first.symbol} ${first.interval}`,
      );
    }
    batch.ts[i] = candle.openTime;
    batch.open[i] = candle.open;
    batch.high[i] = candle.high;
    batch.low[i] = candle.low;
    batch.close[i] = candle.close;
    batch.volume[i] = candle.volume;
  });
  return batch;
}

/** Unpacks a batch into candles (for tests and small data; replay should stay columnar). */
export function batchToCandles(batch: CandleBatch): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < batch.length; i++) out.push(candleAt(batch, i));
  return out;
}
