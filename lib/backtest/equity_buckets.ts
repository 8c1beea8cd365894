/**
 * Time buckets for the report's charts, filled mark by mark without knowing the run's length:
 * at most {@linkcode MAX_BUCKETS} buckets of one width (a power-of-two number of bars), each
 * holding the minimum and the maximum of equity and drawdown (with the bar where each was
 * reached) and the price's open/high/low/close. When a mark falls past the last bucket, pairs of
 * buckets merge and the width doubles, so a 10M-bar run keeps the same few thousand buckets as a
 * 10k-bar run and every bucket is exact (the envelope of its bars).
 *
 * @module
 */

/** The most buckets kept (between half of this and this many are in use after a long run). */
export const MAX_BUCKETS = 4096;

/** The data of {@linkcode EquityBuckets}: what a structured clone of one carries. */
export interface EquityBucketFields {
  /** See {@linkcode EquityBuckets.t0}. */
  readonly t0: number;
  /** See {@linkcode EquityBuckets.width}. */
  readonly width: number;
  /** See {@linkcode EquityBuckets.count}. */
  readonly count: number;
  /** The per-bucket arrays, by field name. */
  readonly minEquity: Float64Array;
  /** See {@linkcode EquityBuckets.minEquityTs}. */
  readonly minEquityTs: Float64Array;
  /** See {@linkcode EquityBuckets.maxEquity}. */
  readonly maxEquity: Float64Array;
  /** See {@linkcode EquityBuckets.maxEquityTs}. */
  readonly maxEquityTs: Float64Array;
  /** See {@linkcode EquityBuckets.maxDrawdown}. */
  readonly maxDrawdown: Float64Array;
  /** See {@linkcode EquityBuckets.maxDrawdownTs}. */
  readonly maxDrawdownTs: Float64Array;
  /** See {@linkcode EquityBuckets.minDrawdown}. */
  readonly minDrawdown: Float64Array;
  /** See {@linkcode EquityBuckets.minDrawdownTs}. */
  readonly minDrawdownTs: Float64Array;
  /** See {@linkcode EquityBuckets.open}. */
  readonly open: Float64Array;
  /** See {@linkcode EquityBuckets.high}. */
  readonly high: Float64Array;
  /** See {@linkcode EquityBuckets.low}. */
  readonly low: Float64Array;
  /** See {@linkcode EquityBuckets.close}. */
  readonly close: Float64Array;
}

const ARRAY_FIELDS = [
  "minEquity",
  "minEquityTs",
  "maxEquity",
  "maxEquityTs",
  "maxDrawdown",
  "maxDrawdownTs",
  "minDrawdown",
  "minDrawdownTs",
  "open",
  "high",
  "low",
  "close",
] as const;

/** Per-bucket figures, one array per field (only the first `count` are valid). */
export class EquityBuckets {
  /** Open time of the first bar (µs). */
  t0 = 0;
  /** Bucket width, µs. */
  width: number;
  /** Buckets in use; one without an equity mark has `maxEquity` −∞. */
  count = 0;
  /** Lowest equity and the bar it was at. */
  readonly minEquity: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Open time of the bar of {@linkcode minEquity}. */
  readonly minEquityTs: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Highest equity. */
  readonly maxEquity: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Open time of the bar of {@linkcode maxEquity}. */
  readonly maxEquityTs: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Largest drawdown (fraction ≥ 0). */
  readonly maxDrawdown: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Open time of the bar of {@linkcode maxDrawdown}. */
  readonly maxDrawdownTs: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Smallest drawdown. */
  readonly minDrawdown: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Open time of the bar of {@linkcode minDrawdown}. */
  readonly minDrawdownTs: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Price: the first bar's open (NaN while the bucket has no price bar). */
  readonly open: Float64Array = new Float64Array(MAX_BUCKETS).fill(Number.NaN);
  /** Price: the highest high. */
  readonly high: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Price: the lowest low. */
  readonly low: Float64Array = new Float64Array(MAX_BUCKETS);
  /** Price: the last bar's close. */
  readonly close: Float64Array = new Float64Array(MAX_BUCKETS);
  #started = false;

  /** Buckets one `barMicros` wide to begin with. */
  constructor(barMicros: number) {
    this.width = Math.max(1, barMicros);
  }

  /** Buckets holding `fields` (those of buckets filled elsewhere, e.g. in a worker). */
  static fromFields(fields: EquityBucketFields): EquityBuckets {
    const buckets = new EquityBuckets(fields.width);
    buckets.t0 = fields.t0;
    buckets.count = fields.count;
    buckets.#started = fields.count > 0;
    for (const name of ARRAY_FIELDS) buckets[name].set(fields[name]);
    return buckets;
  }

  /** Adds the equity mark of the bar opening at `ts` (drawdown as a fraction ≥ 0). */
  mark(ts: number, equity: number, drawdown: number): void {
    const b = this.#index(ts);
    if (b >= this.count) this.#openEmpty(b, ts);
    if (equity < this.minEquity[b]) {
      this.minEquity[b] = equity;
      this.minEquityTs[b] = ts;
    }
    if (equity > this.maxEquity[b]) {
      this.maxEquity[b] = equity;
      this.maxEquityTs[b] = ts;
    }
    if (drawdown > this.maxDrawdown[b]) {
      this.maxDrawdown[b] = drawdown;
      this.maxDrawdownTs[b] = ts;
    }
    if (drawdown < this.minDrawdown[b]) {
      this.minDrawdown[b] = drawdown;
      this.minDrawdownTs[b] = ts;
    }
  }

  /** Adds the first `n` marks (in time order); the same as {@linkcode mark} for each. */
  markChunk(ts: Float64Array, equity: Float64Array, drawdown: Float64Array, n: number): void {
    let i = 0;
    while (i < n) {
      const b = this.#index(ts[i]);
      if (b >= this.count) this.#openEmpty(b, ts[i]);
      // Every mark before the bucket's end falls in it (whole µs: the bounds are exact).
      const end = this.t0 + (b + 1) * this.width;
      let minE = this.minEquity[b], minETs = this.minEquityTs[b];
      let maxE = this.maxEquity[b], maxETs = this.maxEquityTs[b];
      let minD = this.minDrawdown[b], minDTs = this.minDrawdownTs[b];
      let maxD = this.maxDrawdown[b], maxDTs = this.maxDrawdownTs[b];
      for (; i < n && ts[i] < end; i++) {
        const e = equity[i];
        const d = drawdown[i];
        if (e < minE) {
          minE = e;
          minETs = ts[i];
        }
        if (e > maxE) {
          maxE = e;
          maxETs = ts[i];
        }
        if (d < minD) {
          minD = d;
          minDTs = ts[i];
        }
        if (d > maxD) {
          maxD = d;
          maxDTs = ts[i];
        }
      }
      this.minEquity[b] = minE;
      this.minEquityTs[b] = minETs;
      this.maxEquity[b] = maxE;
      this.maxEquityTs[b] = maxETs;
      this.minDrawdown[b] = minD;
      this.minDrawdownTs[b] = minDTs;
      this.maxDrawdown[b] = maxD;
      this.maxDrawdownTs[b] = maxDTs;
    }
  }

  /** Adds a price bar opening at `ts` (of the charted symbol). */
  price(ts: number, open: number, high: number, low: number, close: number): void {
    const b = this.#index(ts);
    if (b >= this.count) this.#openEmpty(b, ts);
    if (Number.isNaN(this.open[b])) {
      this.open[b] = open;
      this.high[b] = high;
      this.low[b] = low;
    } else {
      if (high > this.high[b]) this.high[b] = high;
      if (low < this.low[b]) this.low[b] = low;
    }
    this.close[b] = close;
  }

  // Opens buckets up to `b` with no mark (a gap in the data leaves empty buckets; a price bar
  // comes before its timestamp's mark).
  #openEmpty(b: number, ts: number): void {
    for (let i = this.count; i <= b; i++) {
      this.minEquity[i] = Number.POSITIVE_INFINITY;
      this.maxEquity[i] = Number.NEGATIVE_INFINITY;
      this.maxDrawdown[i] = Number.NEGATIVE_INFINITY;
      this.minDrawdown[i] = Number.POSITIVE_INFINITY;
      this.minEquityTs[i] = ts;
      this.maxEquityTs[i] = ts;
      this.maxDrawdownTs[i] = ts;
      this.minDrawdownTs[i] = ts;
    }
    this.count = b + 1;
  }

  #index(ts: number): number {
    if (!this.#started) {
      this.#started = true;
      this.t0 = ts;
    }
    let b = Math.floor((ts - this.t0) / this.width);
    while (b >= MAX_BUCKETS) {
      this.#halve();
      b = Math.floor((ts - this.t0) / this.width);
    }
    return b;
  }

  // Merges bucket pairs (2i, 2i + 1) into i and doubles the width.
  #halve(): void {
    const n = this.count;
    const half = Math.ceil(n / 2);
    for (let i = 0; i < half; i++) {
      const a = 2 * i;
      const b = a + 1;
      this.#copy(a, i);
      if (b < n) this.#merge(b, i);
    }
    for (let i = half; i < n; i++) this.open[i] = Number.NaN;
    this.count = half;
    this.width *= 2;
  }

  #copy(from: number, to: number): void {
    if (from === to) return;
    this.minEquity[to] = this.minEquity[from];
    this.minEquityTs[to] = this.minEquityTs[from];
    this.maxEquity[to] = this.maxEquity[from];
    this.maxEquityTs[to] = this.maxEquityTs[from];
    this.maxDrawdown[to] = this.maxDrawdown[from];
    this.maxDrawdownTs[to] = this.maxDrawdownTs[from];
    this.minDrawdown[to] = this.minDrawdown[from];
    this.minDrawdownTs[to] = this.minDrawdownTs[from];
    this.open[to] = this.open[from];
    this.high[to] = this.high[from];
    this.low[to] = this.low[from];
    this.close[to] = this.close[from];
  }

  // Folds bucket `from` (later in time) into `to`.
  #merge(from: number, to: number): void {
    if (this.minEquity[from] < this.minEquity[to]) {
      this.minEquity[to] = this.minEquity[from];
      this.minEquityTs[to] = this.minEquityTs[from];
    }
    if (this.maxEquity[from] > this.maxEquity[to]) {
      this.maxEquity[to] = this.maxEquity[from];
      this.maxEquityTs[to] = this.maxEquityTs[from];
    }
    if (this.maxDrawdown[from] > this.maxDrawdown[to]) {
      this.maxDrawdown[to] = this.maxDrawdown[from];
      this.maxDrawdownTs[to] = this.maxDrawdownTs[from];
    }
    if (this.minDrawdown[from] < this.minDrawdown[to]) {
      this.minDrawdown[to] = this.minDrawdown[from];
      this.minDrawdownTs[to] = this.minDrawdownTs[from];
    }
    if (Number.isNaN(this.open[from])) return;
    if (Number.isNaN(this.open[to])) {
      this.open[to] = this.open[from];
      this.high[to] = this.high[from];
      this.low[to] = this.low[from];
    } else {
      if (this.high[from] > this.high[to]) this.high[to] = this.high[from];
      if (this.low[from] < this.low[to]) this.low[to] = this.low[from];
    }
    this.close[to] = this.close[from];
  }
}
