/**
 * What the equity recorder derives from the marks, chunk by chunk: the drawdown of each mark,
 * the online curve metrics, the chart buckets (with the charted symbol's price bars), the
 * calendar months and the `equity.csv` sample. The same fold runs in the recorder's own thread
 * (a curve kept in memory, a short run) or in the equity worker (a long run's report), so both
 * give the same figures; {@linkcode foldedFromMessage} rebuilds the worker's result.
 *
 * @module
 */

import { type EquityBucketFields, EquityBuckets } from "./equity_buckets.ts";
import { CurveAccumulator, type CurveStats } from "./metrics.ts";

/** Marks folded per chunk (and streamed per chunk). */
export const CHUNK_MARKS = 65_536;
/** `equity.csv` holds at most this many rows unless written in full. */
export const EQUITY_CSV_MAX_ROWS = 1_000_000;

/** One calendar month of the run. */
export interface MonthReturn {
  /** Year, e.g. 2024. */
  readonly year: number;
  /** Month 1–12. */
  readonly month: number;
  /** Return over the month: equity at its last mark over the previous month's last (or the initial). */
  readonly return: number;
}

/** The rows of `equity.csv`: every `stride`-th mark (and the last), at most the row limit. */
export interface EquitySample {
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Equity at the bar's close. */
  readonly equity: Float64Array;
  /** Drawdown (fraction ≥ 0). */
  readonly drawdown: Float64Array;
  /** Rows. */
  readonly length: number;
  /** 1 when every mark is in the sample, else the power of two between two rows. */
  readonly stride: number;
}

/** What a finished fold gives the record. */
export interface Folded {
  /** The curve statistics for the metrics. */
  readonly stats: CurveStats;
  /** The chart buckets. */
  readonly buckets: EquityBuckets;
  /** The calendar months, in order. */
  readonly months: readonly MonthReturn[];
  /** The `equity.csv` sample. */
  readonly sample: EquitySample;
}

/** Price bars of the charted symbol, column by column (the first `n` are valid). */
export interface PriceChunk {
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Opens. */
  readonly open: Float64Array;
  /** Highs. */
  readonly high: Float64Array;
  /** Lows. */
  readonly low: Float64Array;
  /** Closes. */
  readonly close: Float64Array;
}

// The equity.csv sample: every stride-th mark; when full, every other row goes and the stride
// doubles. The last mark is kept aside so the file always ends at the run's end.
/** A copy of the first `length` values of `a` in a new array of `size`. */
export function grownCopy(a: Float64Array, length: number, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, length));
  return b;
}

// The sample's columns live in shared memory: the equity worker hands them to the run and
// still reads them to write equity.csv, with no copy (nothing writes them once folded).
function sharedCopy(a: Float64Array, length: number, size: number): Float64Array {
  const b = new Float64Array(new SharedArrayBuffer(size * Float64Array.BYTES_PER_ELEMENT));
  b.set(a.subarray(0, length));
  return b;
}

const EMPTY = new Float64Array(0);

class Sample {
  // Grown by doubling up to the row limit (a short run does not pay for a million rows).
  ts: Float64Array = sharedCopy(EMPTY, 0, CHUNK_MARKS);
  equity: Float64Array = sharedCopy(EMPTY, 0, CHUNK_MARKS);
  drawdown: Float64Array = sharedCopy(EMPTY, 0, CHUNK_MARKS);
  length = 0;
  stride = 1;
  #seen = 0;
  #lastTs = 0;
  #lastEquity = 0;
  #lastDrawdown = 0;

  /** Adds the first `n` marks, keeping every stride-th (counted over the whole run). */
  addChunk(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    if (n <= 0) return;
    const base = this.#seen;
    let g = Math.ceil(base / this.stride) * this.stride;
    while (g < base + n) {
      // Once thinned, one row stays free for the last mark.
      const limit = this.stride === 1 ? EQUITY_CSV_MAX_ROWS : EQUITY_CSV_MAX_ROWS - 1;
      if (this.length === limit) {
        this.#thin();
        if (g % this.stride !== 0) {
          g = Math.ceil(g / this.stride) * this.stride;
          continue;
        }
      }
      const i = g - base;
      if (this.length === this.ts.length) this.#grow();
      this.ts[this.length] = ts[i];
      this.equity[this.length] = equity[i];
      this.drawdown[this.length] = drawdown[i];
      this.length++;
      g += this.stride;
    }
    this.#seen = base + n;
    this.#lastTs = ts[n - 1];
    this.#lastEquity = equity[n - 1];
    this.#lastDrawdown = drawdown[n - 1];
  }

  #grow(): void {
    // One row beyond the limit: room for the last mark of a thinned sample.
    const size = Math.min(EQUITY_CSV_MAX_ROWS + 1, this.ts.length * 2);
    this.ts = sharedCopy(this.ts, this.length, size);
    this.equity = sharedCopy(this.equity, this.length, size);
    this.drawdown = sharedCopy(this.drawdown, this.length, size);
  }

  #thin(): void {
    const half = Math.ceil(this.length / 2);
    for (let i = 0; i < half; i++) {
      this.ts[i] = this.ts[2 * i];
      this.equity[i] = this.equity[2 * i];
      this.drawdown[i] = this.drawdown[2 * i];
    }
    this.length = half;
    this.stride *= 2;
  }

  result(): EquitySample {
    let length = this.length;
    if (this.#seen > 0 && (this.#seen - 1) % this.stride !== 0) {
      if (length === this.ts.length) this.#grow();
      this.ts[length] = this.#lastTs;
      this.equity[length] = this.#lastEquity;
      this.drawdown[length] = this.#lastDrawdown;
      length++;
    }
    return {
      ts: this.ts.subarray(0, length),
      equity: this.equity.subarray(0, length),
      drawdown: this.drawdown.subarray(0, length),
      length,
      stride: this.stride,
    };
  }
}

// Calendar months from the marks: a month closes at its last mark.
class Months {
  readonly months: MonthReturn[] = [];
  #nextStart = Number.NEGATIVE_INFINITY;
  #year = 0;
  #month = 0;
  #startEquity: number;
  #lastEquity: number;
  #any = false;

  constructor(initialEquity: number) {
    this.#startEquity = initialEquity;
    this.#lastEquity = initialEquity;
  }

  addChunk(ts: Float64Array, equity: Float64Array, n: number): void {
    let next = this.#nextStart;
    for (let i = 0; i < n; i++) {
      if (ts[i] >= next) {
        if (i > 0) this.#lastEquity = equity[i - 1];
        this.#roll(ts[i]);
        next = this.#nextStart;
      }
    }
    this.#lastEquity = equity[n - 1];
  }

  #roll(ts: number): void {
    if (this.#any) this.#close();
    const date = new Date(Math.floor(ts / 1000));
    this.#year = date.getUTCFullYear();
    this.#month = date.getUTCMonth() + 1;
    this.#nextStart = Date.UTC(this.#year, this.#month, 1) * 1000;
    this.#any = true;
  }

  #close(): void {
    const start = this.#startEquity;
    this.months.push({
      year: this.#year,
      month: this.#month,
      return: start > 0 ? this.#lastEquity / start - 1 : 0,
    });
    this.#startEquity = this.#lastEquity;
  }

  result(): readonly MonthReturn[] {
    if (this.#any) {
      this.#close();
      this.#any = false;
    }
    return this.months;
  }
}

/** The fold of one run's marks; see the module documentation. */
export class EquityFold {
  readonly #curve: CurveAccumulator;
  readonly #buckets: EquityBuckets;
  readonly #months: Months;
  readonly #sample = new Sample();
  #peak: number;

  /** A fold from `initialEquity` (before the first bar), bars `barMicros` long. */
  constructor(initialEquity: number, barMicros: number) {
    this.#peak = initialEquity;
    this.#curve = new CurveAccumulator(initialEquity, barMicros);
    this.#buckets = new EquityBuckets(barMicros);
    this.#months = new Months(initialEquity);
  }

  /** Adds the first `n` price bars of the charted symbol. */
  prices(chunk: PriceChunk, n: number): void {
    const buckets = this.#buckets;
    const { ts, open, high, low, close } = chunk;
    for (let i = 0; i < n; i++) buckets.price(ts[i], open[i], high[i], low[i], close[i]);
  }

  /** Adds the first `n` marks, writing each one's drawdown (fraction ≥ 0) into `drawdowns`. */
  marks(ts: Float64Array, values: Float64Array, drawdowns: Float64Array, n: number): void {
    if (n === 0) return;
    let peak = this.#peak;
    for (let i = 0; i < n; i++) {
      const e = values[i];
      if (e > peak) peak = e;
      drawdowns[i] = peak > 0 ? (peak - e) / peak : 0;
    }
    this.#peak = peak;
    // One tight loop per consumer: each keeps its state in locals for the chunk.
    this.#curve.addChunk(ts, values, n);
    this.#buckets.markChunk(ts, values, drawdowns, n);
    this.#months.addChunk(ts, values, n);
    this.#sample.addChunk(ts, values, drawdowns, n);
  }

  /** The figures so far (call once, at the end). */
  result(): Folded {
    return {
      stats: this.#curve.result(),
      buckets: this.#buckets,
      months: this.#months.result(),
      sample: this.#sample.result(),
    };
  }
}

/** A {@linkcode Folded} as it crosses threads (structured clone drops the buckets' class). */
export type FoldedMessage = Omit<Folded, "buckets"> & { readonly buckets: EquityBucketFields };

/** The worker's {@linkcode Folded} back as one with real {@linkcode EquityBuckets}. */
export function foldedFromMessage(message: FoldedMessage): Folded {
  return { ...message, buckets: EquityBuckets.fromFields(message.buckets) };
}
