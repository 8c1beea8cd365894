/**
 * Candle building: {@linkcode CandleAggregator} resamples closed bars into coarser ones (1m →
 * 1h), emitting each coarse bar at its close; {@linkcode TradeCandleBuilder} builds bars from
 * trades; {@linkcode resampleCandles} does the same over columnar batches. A coarse bar covers
 * `[open, open + interval)` on the UTC grid (a 1h bar covers `[hh:00, hh+1:00)`).
 *
 * @module
 */

import {
  type Candle,
  DataError,
  type Interval,
  intervalMicros,
  isMultipleOf,
  type Micros,
  type SymbolId,
  toIso,
  type Trade,
} from "../domain/mod.ts";
import { allocateCandleBatch, type CandleBatch, sliceCandleBatch } from "./candle_batch.ts";

/** What to do with a coarse bar that lacks some of its sub-bars (data starts or ends inside it, or has a gap). */
export type PartialPolicy = "keep" | "drop";

/** Options of {@linkcode CandleAggregator}. */
export interface CandleAggregatorOptions {
  /** Target interval; must be a whole multiple of the input interval. */
  readonly interval: Interval;
  /** `keep` (default) emits partial bars with `complete: false`; `drop` never emits them. */
  readonly partial?: PartialPolicy;
}

/** A coarse bar and how it was made. */
export interface AggregatedCandle {
  /** The bar. */
  readonly candle: Candle;
  /** Whether every expected sub-bar (or, for trades, the whole period) contributed. */
  readonly complete: boolean;
  /** Sub-bars (or trades) merged into it. */
  readonly parts: number;
}

interface Bucket {
  symbol: SymbolId;
  openTime: Micros;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  parts: number;
  lastEnd: Micros;
}

const NOTHING: readonly AggregatedCandle[] = Object.freeze([]);

function startBucket(symbol: SymbolId, openTime: Micros, candle: Candle, end: Micros): Bucket {
  return {
    symbol,
    openTime,
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
    parts: 1,
    lastEnd: end,
  };
}

// The finished candle of a bucket (`complete`: every fine bar or the whole interval was seen).
function aggregated(bucket: Bucket, interval: Interval, complete: boolean): AggregatedCandle {
  return {
    candle: {
      symbol: bucket.symbol,
      interval,
      openTime: bucket.openTime,
      open: bucket.open,
      high: bucket.high,
      low: bucket.low,
      close: bucket.close,
      volume: bucket.volume,
    },
    complete,
    parts: bucket.parts,
  };
}

/**
 * Streaming resampler, one call per closed input bar, synchronous (usable inside the
 * engine). Keeps one open bucket per symbol.
 *
 * @example
 * ```ts
 * import { CandleAggregator } from "@tesser/tesser/data";
 * import assert from "node:assert/strict";
 *
 * const hourly = new CandleAggregator({ interval: "1h" });
 * const start = Date.UTC(2024, 0, 1) * 1000;
 * let out = 0;
 * for (let m = 0; m < 120; m++) {
 *   const bar = { symbol: "bybit:BTCUSDT", interval: "1m" as const, openTime: start + m * 60e6,
 *     open: 1, high: 2, low: 1, close: 2, volume: 1 };
 *   out += hourly.update(bar).length;
 * }
 * assert.equal(out, 2);
 * ```
 */
export class CandleAggregator {
  readonly #interval: Interval;
  readonly #length: Micros;
  readonly #partial: PartialPolicy;
  readonly #buckets = new Map<SymbolId, Bucket>();

  /** Makes an aggregator for one target interval. */
  constructor(options: CandleAggregatorOptions) {
    this.#interval = options.interval;
    this.#length = intervalMicros(options.interval);
    this.#partial = options.partial ?? "keep";
  }

  /** The target interval. */
  get interval(): Interval {
    return this.#interval;
  }

  /**
   * Adds one closed bar; returns the coarse bars that closed (usually none or one; two when a
   * gap left an earlier bucket open and this bar also closes its own).
   *
   * @throws {RangeError} when the input interval does not divide the target, or time goes back.
   */
  update(candle: Candle): readonly AggregatedCandle[] {
    if (!isMultipleOf(this.#interval, candle.interval)) {
      throw new RangeError(`Cannot resample ${candle.interval} bars into ${this.#interval}`);
    }
    const fine = intervalMicros(candle.interval);
    const openTime = Math.floor(candle.openTime / this.#length) * this.#length;
    const end = candle.openTime + fine;
    const bucketEnd = openTime + this.#length;
    let bucket = this.#buckets.get(candle.symbol);
    let out: AggregatedCandle[] | undefined;
    if (bucket !== undefined && candle.openTime < bucket.lastEnd) {
      throw new RangeError(
        `Cannot resample ${candle.symbol}: bar at ${candle.openTime} is not after the previous one`,
      );
    }
    if (bucket !== undefined && bucket.openTime !== openTime) {
      const done = this.#finish(bucket, candle.interval);
      if (done !== undefined) out = [done];
      bucket = undefined;
    }
    if (bucket === undefined) {
      bucket = startBucket(candle.symbol, openTime, candle, end);
      this.#buckets.set(candle.symbol, bucket);
    } else {
      if (candle.high > bucket.high) bucket.high = candle.high;
      if (candle.low < bucket.low) bucket.low = candle.low;
      bucket.close = candle.close;
      bucket.volume += candle.volume;
      bucket.parts++;
      bucket.lastEnd = end;
    }
    if (end >= bucketEnd) {
      this.#buckets.delete(candle.symbol);
      const done = this.#finish(bucket, candle.interval);
      if (done !== undefined) (out ??= []).push(done);
    }
    return out ?? NOTHING;
  }

  /** Emits (and forgets) the open buckets, e.g. at the end of data; they are partial. */
  flush(): readonly AggregatedCandle[] {
    const out: AggregatedCandle[] = [];
    for (const bucket of this.#buckets.values()) {
      if (this.#partial === "keep") out.push(aggregated(bucket, this.#interval, false));
    }
    this.#buckets.clear();
    return out;
  }

  #finish(bucket: Bucket, fine: Interval): AggregatedCandle | undefined {
    const expected = this.#length / intervalMicros(fine);
    const complete = bucket.parts === expected;
    if (!complete && this.#partial === "drop") return undefined;
    return aggregated(bucket, this.#interval, complete);
  }
}

/** Options of {@linkcode TradeCandleBuilder}. */
export interface TradeCandleBuilderOptions {
  /** Bar interval. */
  readonly interval: Interval;
}

/**
 * Builds bars from trades (OHLC from prices, volume from quantities, `parts` = trade count).
 * A bar closes when a trade (or {@linkcode TradeCandleBuilder.advanceTo}) reaches the next
 * period; periods without trades produce no bar.
 */
export class TradeCandleBuilder {
  readonly #interval: Interval;
  readonly #length: Micros;
  readonly #buckets = new Map<SymbolId, Bucket>();

  /** Makes a builder for one interval. */
  constructor(options: TradeCandleBuilderOptions) {
    this.#interval = options.interval;
    this.#length = intervalMicros(options.interval);
  }

  /** Adds a trade that happened at `ts`; returns the bar it closed, if any. */
  update(trade: Trade, ts: Micros): readonly AggregatedCandle[] {
    const openTime = Math.floor(ts / this.#length) * this.#length;
    const bucket = this.#buckets.get(trade.symbol);
    let out: readonly AggregatedCandle[] = NOTHING;
    if (bucket !== undefined && bucket.openTime === openTime) {
      if (trade.price > bucket.high) bucket.high = trade.price;
      if (trade.price < bucket.low) bucket.low = trade.price;
      bucket.close = trade.price;
      bucket.volume += trade.quantity;
      bucket.parts++;
      return out;
    }
    if (bucket !== undefined) {
      if (openTime < bucket.openTime) {
        throw new RangeError(`Cannot build bars: trade at ${ts} is before the current bar`);
      }
      out = [aggregated(bucket, this.#interval, true)];
    }
    this.#buckets.set(trade.symbol, {
      symbol: trade.symbol,
      openTime,
      open: trade.price,
      high: trade.price,
      low: trade.price,
      close: trade.price,
      volume: trade.quantity,
      parts: 1,
      lastEnd: openTime + this.#length,
    });
    return out;
  }

  /** Closes every bar that ends at or before `ts` (call on a timer to emit bars on time). */
  advanceTo(ts: Micros): readonly AggregatedCandle[] {
    const out: AggregatedCandle[] = [];
    for (const [symbol, bucket] of this.#buckets) {
      if (bucket.lastEnd <= ts) {
        out.push(aggregated(bucket, this.#interval, true));
        this.#buckets.delete(symbol);
      }
    }
    return out;
  }

  /** Emits every open bar (end of data). */
  flush(): readonly AggregatedCandle[] {
    const out = [...this.#buckets.values()].map((bucket) =>
      aggregated(bucket, this.#interval, true)
    );
    this.#buckets.clear();
    return out;
  }
}

/** Options of {@linkcode resampleCandles}. */
export interface ResampleOptions {
  /** Target interval. */
  readonly interval: Interval;
  /** `keep` (default) or `drop` bars missing sub-bars. */
  readonly partial?: PartialPolicy;
  /** Where the batches come from, for error messages (a file name). */
  readonly source?: string;
}

/**
 * Resamples columnar batches (one symbol, time-ascending) into a coarser interval, batch in,
 * batch out. Partial bars are kept or dropped per `partial`.
 *
 * @throws {RangeError} when the intervals do not divide or the symbol changes.
 * @throws {DataError} when a bar is not after the one before it (unsorted or duplicated input
 * would otherwise give duplicate, non-monotonic coarse bars).
 */
export async function* resampleCandles(
  batches: AsyncIterable<CandleBatch> | Iterable<CandleBatch>,
  options: ResampleOptions,
): AsyncGenerator<CandleBatch> {
  const length = intervalMicros(options.interval);
  const drop = options.partial === "drop";
  let out: CandleBatch | undefined;
  let fill = 0;
  let symbol: SymbolId | undefined;
  let open = 0, high = 0, low = 0, close = 0, volume = 0, parts = 0, bucket = NaN, expected = 0;
  let last = -Infinity;
  let row = 0;
  const emit = (): void => {
    if (parts === 0 || out === undefined || (drop && parts !== expected)) return;
    out.ts[fill] = bucket;
    out.open[fill] = open;
    out.high[fill] = high;
    out.low[fill] = low;
    out.close[fill] = close;
    out.volume[fill] = volume;
    fill++;
  };
  for await (const batch of batches) {
    if (!isMultipleOf(options.interval, batch.interval)) {
      throw new RangeError(`Cannot resample ${batch.interval} bars into ${options.interval}`);
    }
    if (symbol !== undefined && batch.symbol !== symbol) {
      throw new RangeError(`Cannot resample ${batch.symbol} and ${symbol} together`);
    }
    symbol = batch.symbol;
    out ??= allocateCandleBatch(symbol, options.interval, 4096);
    expected = length / intervalMicros(batch.interval);
    for (let i = 0; i < batch.length; i++, row++) {
      const t = batch.ts[i] as number;
      if (!(t > last)) throw notAfter(options.source, row, t, last);
      last = t;
      const b = Math.floor(t / length) * length;
      if (b !== bucket) {
        if (fill === out.length) {
          yield out;
          out = allocateCandleBatch(symbol, options.interval, 4096);
          fill = 0;
        }
        emit();
        bucket = b;
        open = batch.open[i] as number;
        high = batch.high[i] as number;
        low = batch.low[i] as number;
        close = batch.close[i] as number;
        volume = batch.volume[i] as number;
        parts = 1;
      } else {
        const h = batch.high[i] as number;
        const l = batch.low[i] as number;
        if (h > high) high = h;
        if (l < low) low = l;
        close = batch.close[i] as number;
        volume += batch.volume[i] as number;
        parts++;
      }
    }
  }
  emit();
  if (out !== undefined && fill > 0) yield sliceCandleBatch(out, 0, fill);
}

function notAfter(source: string | undefined, row: number, ts: number, last: number): DataError {
  const what = ts === last
    ? "repeats the bar before it"
    : `comes before the bar before it (${toIso(last)})`;
  return new DataError(`cannot resample: row ${row} (${toIso(ts)}) ${what}`, {
    ...(source === undefined ? {} : { location: { file: source } }),
    hint: "the input must be sorted by time without duplicates; " +
      '"tesser data validate" lists the rows, "tesser data normalize" writes sorted files',
  });
}
