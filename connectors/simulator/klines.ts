/**
 * Candles of the simulated market: one-minute buckets built from the trades the feed
 * publishes (or taken from replayed candles), aggregated to any interval on request, so the
 * venues' kline endpoints and streams agree with the trades they sent.
 *
 * @module
 */

/** One candle; times in ms. */
export interface Kline {
  /** Open time. */
  readonly start: number;
  /** Close time (exclusive end − 1 ms). */
  readonly end: number;
  /** Open. */
  readonly open: number;
  /** High. */
  readonly high: number;
  /** Low. */
  readonly low: number;
  /** Close. */
  readonly close: number;
  /** Volume in base units. */
  readonly volume: number;
  /** Turnover in quote units. */
  readonly turnover: number;
  /** Number of trades. */
  readonly trades: number;
}

const MINUTE = 60_000;
const MAX_BUCKETS = 20_000;

interface Bucket {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  turnover: number;
  trades: number;
}

/** Where an interval's candles start: fixed minutes, or calendar weeks (Monday) and months. */
export type IntervalSpec = { readonly minutes: number } | { readonly calendar: "week" | "month" };

/** The start of the candle of `spec` containing `ts`. */
export function bucketStart(spec: IntervalSpec, ts: number): number {
  if ("minutes" in spec) return Math.floor(ts / (spec.minutes * MINUTE)) * spec.minutes * MINUTE;
  const date = new Date(ts);
  if (spec.calendar === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return day - sinceMonday * 24 * 60 * MINUTE;
}

/** The start of the candle after the one starting at `start`. */
export function bucketEnd(spec: IntervalSpec, start: number): number {
  if ("minutes" in spec) return start + spec.minutes * MINUTE;
  const date = new Date(start);
  if (spec.calendar === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return start + 7 * 24 * 60 * MINUTE;
}

/** One-minute candles per symbol. */
export class KlineStore {
  readonly #buckets = new Map<string, Bucket[]>();

  /** Adds a trade at `ts`. */
  trade(code: string, ts: number, price: number, quantity: number): void {
    const bucket = this.#bucket(code, Math.floor(ts / MINUTE) * MINUTE, price);
    if (price > bucket.high) bucket.high = price;
    if (price < bucket.low) bucket.low = price;
    bucket.close = price;
    bucket.volume += quantity;
    bucket.turnover += quantity * price;
    bucket.trades += 1;
  }

  /** Adds a whole one-minute (or longer, stored at its open minute) candle. */
  candle(
    code: string,
    ts: number,
    candle: Omit<Kline, "start" | "end" | "turnover" | "trades">,
  ): void {
    const bucket = this.#bucket(code, Math.floor(ts / MINUTE) * MINUTE, candle.open);
    bucket.high = Math.max(bucket.high, candle.high);
    bucket.low = Math.min(bucket.low, candle.low);
    bucket.close = candle.close;
    bucket.volume += candle.volume;
    bucket.turnover += candle.volume * candle.close;
    bucket.trades += 1;
  }

  /** Candles of `spec` overlapping [from, to], oldest first, at most `limit` of the newest. */
  query(
    code: string,
    spec: IntervalSpec,
    range: { from?: number; to?: number; limit: number },
  ): readonly Kline[] {
    const out: Kline[] = [];
    let current: Bucket | undefined;
    for (const bucket of this.#buckets.get(code) ?? []) {
      const start = bucketStart(spec, bucket.start);
      if (range.from !== undefined && bucketEnd(spec, start) <= range.from) continue;
      if (range.to !== undefined && start > range.to) break;
      if (current === undefined || current.start !== start) {
        if (current !== undefined) out.push(finish(spec, current));
        current = { ...bucket, start };
      } else {
        current.high = Math.max(current.high, bucket.high);
        current.low = Math.min(current.low, bucket.low);
        current.close = bucket.close;
        current.volume += bucket.volume;
        current.turnover += bucket.turnover;
        current.trades += bucket.trades;
      }
    }
    if (current !== undefined) out.push(finish(spec, current));
    return out.slice(Math.max(0, out.length - range.limit));
  }

  /** The candle of `spec` containing `ts`, if any trade fell in it. */
  current(code: string, spec: IntervalSpec, ts: number): Kline | undefined {
    const start = bucketStart(spec, ts);
    return this.query(code, spec, { from: start, to: start, limit: 1 })[0];
  }

  #bucket(code: string, start: number, price: number): Bucket {
    let list = this.#buckets.get(code);
    if (list === undefined) {
      list = [];
      this.#buckets.set(code, list);
    }
    const last = list.at(-1);
    if (last !== undefined && last.start === start) return last;
    if (last !== undefined && last.start > start) {
      // Late data (a replay behind the clock) joins the newest bucket rather than reordering.
      return last;
    }
    const bucket: Bucket = {
      start,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 0,
      turnover: 0,
      trades: 0,
    };
    list.push(bucket);
    if (list.length > MAX_BUCKETS) list.splice(0, list.length - MAX_BUCKETS);
    return bucket;
  }
}

function finish(spec: IntervalSpec, bucket: Bucket): Kline {
  return {
    start: bucket.start,
    end: bucketEnd(spec, bucket.start) - 1,
    open: bucket.open,
    high: bucket.high,
    low: bucket.low,
    close: bucket.close,
    volume: bucket.volume,
    turnover: bucket.turnover,
    trades: bucket.trades,
  };
}
