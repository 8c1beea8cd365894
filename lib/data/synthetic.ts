/**
 * Seeded synthetic market data for runs without `--data` and for benchmarks: candles from a
 * geometric Brownian motion with switching volatility regimes and an intraday volume profile,
 * trades, and L2 books. The same options and seed always give the same data.
 *
 * @module
 */

import {
  type Interval,
  intervalMicros,
  type Micros,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  type SymbolId,
} from "../domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent, TradeEvent } from "../events/mod.ts";
import { allocateCandleBatch, type CandleBatch, sliceCandleBatch } from "./candle_batch.ts";
import { Random } from "./_random.ts";

/**
 * `x` rounded to the tick grid, as the nearest float64 to the decimal price — what an exchange
 * prints. `steps × 0.1` would give 42064.700000000004; dividing by the whole number of ticks per
 * unit gives 42064.7.
 */
function onTick(x: number, tick: number): number {
  const steps = Math.round(x / tick);
  const perUnit = Math.round(1 / tick);
  return Math.abs(perUnit * tick - 1) < 1e-12 ? steps / perUnit : steps * tick;
}

/** Options of {@linkcode generateCandles}. */
export interface SyntheticCandleOptions {
  /** Number of bars. */
  readonly rows: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Symbol (default `synth:BTCUSDT`). */
  readonly symbol?: SymbolId;
  /** Interval (default `1m`). */
  readonly interval?: Interval;
  /** Open time of the first bar (default 2024-01-01T00:00:00Z); aligned down to the interval. */
  readonly start?: Micros;
  /** First open price (default 42,000). */
  readonly startPrice?: number;
  /** Annualized volatility in the calm and the stormy regime (default 0.4 and 1.2). */
  readonly volatility?: readonly [number, number];
  /** Per-bar probability of switching regime (default 0.001). */
  readonly switchProbability?: number;
  /** Price tick to round to (default 0.1). */
  readonly tick?: number;
  /** Rows per yielded batch (default 65,536). */
  readonly batchSize?: number;
}

const YEAR = 365 * MICROS_PER_DAY;
const DEFAULT_START = Date.UTC(2024, 0, 1) * 1000;

/** Relative volume by UTC hour: quiet Asian night, peak at the US open (~14:00 UTC). */
export function intradayVolumeFactor(ts: Micros): number {
  const hour = (ts % MICROS_PER_DAY) / MICROS_PER_HOUR;
  return 1 + 0.6 * Math.cos((2 * Math.PI * (hour - 14.5)) / 24);
}

/**
 * Generates OHLCV bars (valid: low ≤ open, close ≤ high, prices > 0), batch by batch.
 *
 * @example
 * ```ts
 * import { generateCandles } from "@tesser/tesser/data";
 * import assert from "node:assert/strict";
 *
 * let rows = 0;
 * for (const batch of generateCandles({ rows: 1000, seed: 7 })) rows += batch.length;
 * assert.equal(rows, 1000);
 * ```
 */
export function* generateCandles(options: SyntheticCandleOptions): Generator<CandleBatch> {
  const symbol = options.symbol ?? "synth:BTCUSDT";
  const interval = options.interval ?? "1m";
  const length = intervalMicros(interval);
  const size = options.batchSize ?? 65_536;
  const tick = options.tick ?? 0.1;
  const [calm, storm] = options.volatility ?? [0.4, 1.2];
  const switchP = options.switchProbability ?? 0.001;
  const rng = new Random(options.seed ?? 1);
  const dt = length / YEAR;
  const sqrtDt = Math.sqrt(dt);
  const round = (x: number): number => Math.max(tick, onTick(x, tick));
  let ts = Math.floor((options.start ?? DEFAULT_START) / length) * length;
  let price = options.startPrice ?? 42_000;
  let stormy = false;
  let left = options.rows;
  while (left > 0) {
    const n = Math.min(size, left);
    const batch = allocateCandleBatch(symbol, interval, n);
    for (let i = 0; i < n; i++) {
      if (rng.next() < switchP) stormy = !stormy;
      const sigma = stormy ? storm : calm;
      const step = sigma * sqrtDt;
      const open = round(price);
      const next = price * Math.exp(-0.5 * step * step + step * rng.normal());
      const close = round(next);
      const up = Math.abs(rng.normal()) * step * 0.6;
      const down = Math.abs(rng.normal()) * step * 0.6;
      const high = Math.max(round(Math.max(open, close) * Math.exp(up)), open, close);
      const low = Math.min(round(Math.min(open, close) * Math.exp(-down)), open, close);
      const noise = Math.exp(0.35 * rng.normal());
      batch.ts[i] = ts;
      batch.open[i] = open;
      batch.high[i] = high;
      batch.low[i] = low;
      batch.close[i] = close;
      batch.volume[i] = Math.round(
        (length / 60e6) * 12 * intradayVolumeFactor(ts) * (stormy ? 2.5 : 1) * noise * 1e4,
      ) / 1e4;
      price = next;
      ts += length;
    }
    left -= n;
    yield n === batch.length ? batch : sliceCandleBatch(batch, 0, n);
  }
}

/** Options of {@linkcode generateTrades}. */
export interface SyntheticTradeOptions {
  /** Number of trades. */
  readonly count: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Symbol (default `synth:BTCUSDT`). */
  readonly symbol?: SymbolId;
  /** Time of the first trade (default 2024-01-01T00:00:00Z). */
  readonly start?: Micros;
  /** First price (default 42,000). */
  readonly startPrice?: number;
  /** Mean time between trades, µs (default 50,000). */
  readonly meanGap?: Micros;
  /** Price tick (default 0.1). */
  readonly tick?: number;
}

/** Generates trades (Poisson arrivals, GBM prices on a tick grid, log-normal sizes). */
export function* generateTrades(options: SyntheticTradeOptions): Generator<TradeEvent> {
  const rng = new Random(options.seed ?? 1);
  const symbol = options.symbol ?? "synth:BTCUSDT";
  const tick = options.tick ?? 0.1;
  const gap = options.meanGap ?? 50_000;
  let ts = options.start ?? DEFAULT_START;
  let price = options.startPrice ?? 42_000;
  for (let i = 0; i < options.count; i++) {
    ts += Math.max(1, Math.round(rng.exponential(gap)));
    price *= Math.exp(0.6 * Math.sqrt(gap / YEAR) * rng.normal());
    const quantity = Math.round(Math.exp(rng.normal() - 4) * 1e4) / 1e4 || 0.0001;
    yield {
      kind: "trade",
      ts,
      tsRecv: ts,
      trade: {
        symbol,
        price: Math.max(tick, onTick(price, tick)),
        quantity,
        side: rng.next() < 0.5 ? "buy" : "sell",
        tradeId: String(i + 1),
      },
    };
  }
}

/** Options of {@linkcode generateBook}. */
export interface SyntheticBookOptions {
  /** Number of delta events after the initial snapshot. */
  readonly updates: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Symbol (default `synth:BTCUSDT`). */
  readonly symbol?: SymbolId;
  /** Time of the snapshot (default 2024-01-01T00:00:00Z). */
  readonly start?: Micros;
  /** Initial mid price (default 42,000). */
  readonly startPrice?: number;
  /** Levels per side in the snapshot (default 25). */
  readonly levels?: number;
  /** Price tick (default 0.5). */
  readonly tick?: number;
  /** Mean time between updates, µs (default 100,000). */
  readonly meanGap?: Micros;
}

/**
 * Generates an L2 book: one snapshot, then deltas that change sizes near the top and move
 * the touch as the mid drifts; bids stay below asks.
 */
export function* generateBook(
  options: SyntheticBookOptions,
): Generator<BookSnapshotEvent | BookDeltaEvent> {
  const rng = new Random(options.seed ?? 1);
  const symbol = options.symbol ?? "synth:BTCUSDT";
  const tick = options.tick ?? 0.5;
  const depth = options.levels ?? 25;
  const gap = options.meanGap ?? 100_000;
  let ts = options.start ?? DEFAULT_START;
  let bestBid = Math.round((options.startPrice ?? 42_000) / tick) * tick;
  const size = (): number => Math.round(Math.exp(rng.normal()) * 1000) / 1000 || 0.001;
  const bids = Array.from(
    { length: depth },
    (_, i) => ({ price: bestBid - i * tick, size: size() }),
  );
  const asks = Array.from({ length: depth }, (_, i) => ({
    price: bestBid + (i + 1) * tick,
    size: size(),
  }));
  yield { kind: "book-snapshot", ts, tsRecv: ts, book: { symbol, bids, asks } };
  for (let u = 0; u < options.updates; u++) {
    ts += Math.max(1, Math.round(rng.exponential(gap)));
    const move = rng.next();
    const deltaBids: { price: number; size: number }[] = [];
    const deltaAsks: { price: number; size: number }[] = [];
    if (move < 0.05) {
      // The touch moves up one tick: the best ask is taken, a new bid level appears.
      deltaAsks.push({ price: bestBid + tick, size: 0 });
      deltaAsks.push({ price: bestBid + (depth + 1) * tick, size: size() });
      bestBid += tick;
      deltaBids.push({ price: bestBid, size: size() });
      deltaBids.push({ price: bestBid - depth * tick, size: 0 });
    } else if (move < 0.1) {
      deltaBids.push({ price: bestBid, size: 0 });
      deltaBids.push({ price: bestBid - depth * tick, size: size() });
      bestBid -= tick;
      deltaAsks.push({ price: bestBid + tick, size: size() });
      deltaAsks.push({ price: bestBid + (depth + 1) * tick, size: 0 });
    } else {
      const level = Math.floor(Math.abs(rng.normal()) * 3) % depth;
      if (rng.next() < 0.5) deltaBids.push({ price: bestBid - level * tick, size: size() });
      else deltaAsks.push({ price: bestBid + (level + 1) * tick, size: size() });
    }
    yield {
      kind: "book-delta",
      ts,
      tsRecv: ts,
      delta: { symbol, bids: deltaBids, asks: deltaAsks },
    };
  }
}
