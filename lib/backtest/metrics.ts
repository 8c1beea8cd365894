/**
 * Performance metrics of a backtest: returns, risk, drawdown and trade statistics, computed
 * in float64 from the equity curve (marked at every bar close) and the round trips.
 *
 * Definitions (`r` are the simple per-bar returns of equity, the first one from the initial
 * equity to the first bar's close; `n` is their count, one per bar; `P` the periods per year):
 *
 * - `sharpe = mean(r) / sd(r) · √P`, sample standard deviation (n − 1), zero risk-free rate;
 * - `sortino = mean(r) / dd · √P` with the downside deviation `dd = √(Σ min(r, 0)² / n)`;
 * - `annualVolatility = sd(r) · √P`;
 * - `maxDrawdown` = the largest `(peak − equity) / peak`, the peak starting at the initial
 *   equity; `maxDrawdownDuration` = the longest time (s) from a peak to the first close at or
 *   above it again (or to the end of the run if never recovered);
 * - `cagr = (final / initial)^(1 / years) − 1` with `years` = (last bar ts − first bar ts + one
 *   bar) / 365 days; `calmar = cagr / maxDrawdown`; `totalReturn = final / initial − 1`;
 * - trade statistics from the round trips' `netPnl`: `winRate` (netPnl > 0), `profitFactor =
 *   Σ wins / |Σ losses|`, `expectancy` (mean netPnl), `avgWin`, `avgLoss` (mean of the losing
 *   trades, negative), `avgHoldingTime` (s); `exposure = barsInMarket / bars`; `turnover =
 *   tradedNotional / initialEquity`.
 *
 * Every metric that is undefined (no bars, a zero denominator, no trades, an infinite profit
 * factor) is `null`, never NaN or ±Infinity, so the metrics serialise to JSON as they are.
 * Sums over bars use Neumaier's compensated summation so millions of bars do not drift, in one
 * pass ({@linkcode CurveAccumulator}) so a run can compute them as it goes.
 *
 * @module
 */

import { type Interval, intervalMicros, MICROS_PER_DAY, MICROS_PER_SECOND } from "../domain/mod.ts";
import type { RoundTrip } from "../portfolio/round_trip.ts";

/** Microseconds in a 365-day year: the calendar all annualisation uses (crypto trades 24/7). */
export const MICROS_PER_YEAR: number = 365 * MICROS_PER_DAY;

/**
 * Bars per year for an interval on a 365-day, 24-hour calendar (`1m` → 525,600, `1d` → 365).
 *
 * @example
 * ```ts
 * import { periodsPerYear } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * assert.equal(periodsPerYear("1h"), 8760);
 * ```
 */
export function periodsPerYear(interval: Interval): number {
  return MICROS_PER_YEAR / intervalMicros(interval);
}

/** What {@linkcode computeMetrics} needs: the equity curve, the run's facts and its trades. */
export interface MetricsInput {
  /** Open time (µs) of each bar; only the first `length` entries are read. */
  readonly ts: Float64Array;
  /** Equity marked at each bar's close; only the first `length` entries are read. */
  readonly equity: Float64Array;
  /** Number of bars. */
  readonly length: number;
  /** Equity before the first bar (> 0). */
  readonly initialEquity: number;
  /** Bars per year, e.g. from {@linkcode periodsPerYear}. */
  readonly periodsPerYear: number;
  /** The completed round trips. */
  readonly roundTrips: readonly RoundTrip[];
  /**
   * Each round trip's net PnL in the reporting currency, in the same order (default: the trips'
   * `netPnl`, which is in their settle currency — right when that is the reporting currency).
   */
  readonly tradePnls?: ArrayLike<number>;
  /** Bars that ended with a position open. */
  readonly barsInMarket: number;
  /** Σ |price × quantity| over all fills, in the account currency. */
  readonly tradedNotional: number;
}

/** The computed metrics; `null` marks a metric that is undefined for the run (see the module). */
export interface PerformanceMetrics {
  /** Number of bars. */
  readonly bars: number;
  /** Equity before the first bar. */
  readonly initialEquity: number;
  /** Equity at the last bar's close (the initial equity when there are no bars). */
  readonly finalEquity: number;
  /** `final / initial − 1`. */
  readonly totalReturn: number;
  /** Compound annual growth rate; null without bars or when it overflows. */
  readonly cagr: number | null;
  /** `sd(r) · √P`; null with fewer than two returns. */
  readonly annualVolatility: number | null;
  /** Annualised Sharpe ratio; null with fewer than two returns or zero deviation. */
  readonly sharpe: number | null;
  /** Annualised Sortino ratio; null without bars or without a negative return. */
  readonly sortino: number | null;
  /** `cagr / maxDrawdown`; null when either is null or the drawdown is zero. */
  readonly calmar: number | null;
  /** Largest fractional drawdown from a running peak, ≥ 0 (0 when equity never fell). */
  readonly maxDrawdown: number;
  /** Longest peak-to-recovery time in seconds (0 when equity never fell). */
  readonly maxDrawdownDuration: number;
  /** Number of round trips. */
  readonly trades: number;
  /** Share of round trips with netPnl > 0; null without trades. */
  readonly winRate: number | null;
  /** `Σ wins / |Σ losses|`; 0 with no wins, null without trades or without losses (infinite). */
  readonly profitFactor: number | null;
  /** Mean netPnl per round trip; null without trades. */
  readonly expectancy: number | null;
  /** Mean netPnl of winning round trips; null without wins. */
  readonly avgWin: number | null;
  /** Mean netPnl of losing round trips (negative); null without losses. */
  readonly avgLoss: number | null;
  /** Mean time from entry to exit in seconds; null without trades. */
  readonly avgHoldingTime: number | null;
  /** `barsInMarket / bars`; null without bars. */
  readonly exposure: number | null;
  /** `tradedNotional / initialEquity`. */
  readonly turnover: number;
}

/** Neumaier's compensated sum: `add` keeps the rounding error of each addition in `c`. */
class CompensatedSum {
  #sum = 0;
  #c = 0;

  add(x: number): void {
    const t = this.#sum + x;
    if (Math.abs(this.#sum) >= Math.abs(x)) this.#c += (this.#sum - t) + x;
    else this.#c += (x - t) + this.#sum;
    this.#sum = t;
  }

  get value(): number {
    return this.#sum + this.#c;
  }
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return finiteOrNull(numerator / denominator);
}

/**
 * A simple return; a non-positive previous equity (a busted account) has nothing left to lose
 * or gain in proportion, so its return is defined as 0 rather than ±Infinity or NaN.
 */
function simpleReturn(previous: number, current: number): number {
  return previous > 0 ? current / previous - 1 : 0;
}

/** What the equity curve contributes to the metrics. */
export interface CurveStats {
  /** Number of marks. */
  readonly bars: number;
  /** Open time of the first and the last mark (µs; 0 without marks). */
  readonly firstTs: number;
  /** Open time of the last mark. */
  readonly lastTs: number;
  /** Equity at the last mark (the initial equity without marks). */
  readonly finalEquity: number;
  /** Mean per-bar return; null without marks. */
  readonly mean: number | null;
  /** Sample standard deviation of the returns; null with fewer than two. */
  readonly sd: number | null;
  /** Downside deviation; null without marks. */
  readonly downside: number | null;
  /** Largest fractional drawdown. */
  readonly maxDrawdown: number;
  /** Longest peak-to-recovery time, seconds. */
  readonly maxDrawdownDuration: number;
}

/**
 * The curve statistics in one pass, mark by mark, so a run never needs its whole equity curve
 * in memory: compensated sums of the returns and of their squares, shifted by the first return
 * `k` (the deviation is `√((Σd² − (Σd)²/n) / (n − 1))` with `d = r − k`: exact for identical
 * returns, and per-bar returns lie close to each other against their spread, so the
 * subtraction loses nothing that 12 reported digits would show), the downside squares, the
 * running peak and the longest time under water.
 */
export class CurveAccumulator {
  readonly #barMicros: number;
  readonly #initialEquity: number;
  // Neumaier sums as value and compensation pairs, kept in plain fields and worked on in
  // locals per chunk (a per-mark object call costs more than the arithmetic).
  #sum = 0;
  #sumC = 0;
  // Returns shifted by the first one: identical returns give exactly zero deviation.
  #shifted = 0;
  #shiftedC = 0;
  #squares = 0;
  #squaresC = 0;
  #downside = 0;
  #downsideC = 0;
  #shift = 0;
  #n = 0;
  #firstTs = 0;
  #lastTs = 0;
  #previous: number;
  #peak: number;
  #peakTs = 0;
  #underwater = false;
  #maxDrawdown = 0;
  #maxDuration = 0;
  readonly #oneTs = new Float64Array(1);
  readonly #oneEquity = new Float64Array(1);

  /** Starts at `initialEquity` (marked at the first bar's open), bars `barMicros` long. */
  constructor(initialEquity: number, barMicros: number) {
    this.#initialEquity = initialEquity;
    this.#barMicros = barMicros;
    this.#previous = initialEquity;
    this.#peak = initialEquity;
  }

  /** Marks seen so far. */
  get length(): number {
    return this.#n;
  }

  /** Adds the mark of the bar opening at `ts` with equity `e` at its close. */
  add(ts: number, e: number): void {
    this.#oneTs[0] = ts;
    this.#oneEquity[0] = e;
    this.addChunk(this.#oneTs, this.#oneEquity, 1);
  }

  /** Adds the first `n` marks of `ts` (bar open times) and `equity` (at their closes), in order. */
  addChunk(ts: Float64Array, equity: Float64Array, n: number): void {
    if (n <= 0) return;
    if (this.#n === 0) {
      this.#firstTs = ts[0];
      this.#peakTs = ts[0];
      this.#shift = simpleReturn(this.#previous, equity[0]);
    }
    const barMicros = this.#barMicros;
    const shift = this.#shift;
    let sum = this.#sum, sumC = this.#sumC;
    let shifted = this.#shifted, shiftedC = this.#shiftedC;
    let squares = this.#squares, squaresC = this.#squaresC;
    let downside = this.#downside, downsideC = this.#downsideC;
    let previous = this.#previous;
    let peak = this.#peak;
    let peakTs = this.#peakTs;
    let underwater = this.#underwater;
    let maxDrawdown = this.#maxDrawdown;
    let maxDuration = this.#maxDuration;
    for (let i = 0; i < n; i++) {
      const e = equity[i];
      const r = previous > 0 ? e / previous - 1 : 0;
      let t = sum + r;
      if (Math.abs(sum) >= Math.abs(r)) sumC += (sum - t) + r;
      else sumC += (r - t) + sum;
      sum = t;
      const d = r - shift;
      t = shifted + d;
      if (Math.abs(shifted) >= Math.abs(d)) shiftedC += (shifted - t) + d;
      else shiftedC += (d - t) + shifted;
      shifted = t;
      const dd = d * d;
      t = squares + dd;
      if (squares >= dd) squaresC += (squares - t) + dd;
      else squaresC += (dd - t) + squares;
      squares = t;
      if (r < 0) {
        const rr = r * r;
        t = downside + rr;
        if (downside >= rr) downsideC += (downside - t) + rr;
        else downsideC += (rr - t) + downside;
        downside = t;
      }
      previous = e;
      const closeTs = ts[i] + barMicros;
      if (e >= peak) {
        if (underwater && closeTs - peakTs > maxDuration) maxDuration = closeTs - peakTs;
        underwater = false;
        peak = e;
        peakTs = closeTs;
      } else {
        underwater = true;
        const drawdown = (peak - e) / peak;
        if (drawdown > maxDrawdown) maxDrawdown = drawdown;
      }
    }
    this.#sum = sum;
    this.#sumC = sumC;
    this.#shifted = shifted;
    this.#shiftedC = shiftedC;
    this.#squares = squares;
    this.#squaresC = squaresC;
    this.#downside = downside;
    this.#downsideC = downsideC;
    this.#previous = previous;
    this.#peak = peak;
    this.#peakTs = peakTs;
    this.#underwater = underwater;
    this.#maxDrawdown = maxDrawdown;
    this.#maxDuration = maxDuration;
    this.#n += n;
    this.#lastTs = ts[n - 1];
  }

  /** The statistics of the marks added so far. */
  result(): CurveStats {
    const n = this.#n;
    if (n === 0) {
      return {
        bars: 0,
        firstTs: 0,
        lastTs: 0,
        finalEquity: this.#initialEquity,
        mean: null,
        sd: null,
        downside: null,
        maxDrawdown: 0,
        maxDrawdownDuration: 0,
      };
    }
    let maxDuration = this.#maxDuration;
    const endTs = this.#lastTs + this.#barMicros;
    if (this.#underwater && endTs - this.#peakTs > maxDuration) maxDuration = endTs - this.#peakTs;
    const sum = this.#sum + this.#sumC;
    const mean = sum / n;
    const shifted = this.#shifted + this.#shiftedC;
    const squares = this.#squares + this.#squaresC;
    const sd = n > 1 ? Math.sqrt(Math.max(0, squares - shifted * (shifted / n)) / (n - 1)) : null;
    return {
      bars: n,
      firstTs: this.#firstTs,
      lastTs: this.#lastTs,
      finalEquity: this.#previous,
      mean,
      sd,
      downside: Math.sqrt((this.#downside + this.#downsideC) / n),
      maxDrawdown: this.#maxDrawdown,
      maxDrawdownDuration: maxDuration / MICROS_PER_SECOND,
    };
  }
}

interface TradeStats {
  readonly trades: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly avgWin: number | null;
  readonly avgLoss: number | null;
  readonly avgHoldingTime: number | null;
}

function tradeStats(
  roundTrips: readonly RoundTrip[],
  pnls: ArrayLike<number> | undefined,
): TradeStats {
  const total = new CompensatedSum();
  const wins = new CompensatedSum();
  const losses = new CompensatedSum();
  const holding = new CompensatedSum();
  let winCount = 0;
  let lossCount = 0;
  for (let i = 0; i < roundTrips.length; i++) {
    const trip = roundTrips[i];
    const pnl = pnls?.[i] ?? trip.netPnl.toNumber();
    total.add(pnl);
    if (pnl > 0) {
      wins.add(pnl);
      winCount++;
    } else if (pnl < 0) {
      losses.add(pnl);
      lossCount++;
    }
    holding.add((trip.exitTs - trip.entryTs) / MICROS_PER_SECOND);
  }
  const trades = roundTrips.length;
  if (trades === 0) {
    return {
      trades,
      winRate: null,
      profitFactor: null,
      expectancy: null,
      avgWin: null,
      avgLoss: null,
      avgHoldingTime: null,
    };
  }
  return {
    trades,
    winRate: winCount / trades,
    profitFactor: lossCount === 0 ? null : ratio(wins.value, Math.abs(losses.value)),
    expectancy: finiteOrNull(total.value / trades),
    avgWin: winCount === 0 ? null : finiteOrNull(wins.value / winCount),
    avgLoss: lossCount === 0 ? null : finiteOrNull(losses.value / lossCount),
    avgHoldingTime: holding.value / trades,
  };
}

function validate(input: MetricsInput): void {
  const { length, initialEquity, periodsPerYear } = input;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`Metrics length must be a non-negative integer, got ${length}`);
  }
  if (length > input.ts.length || length > input.equity.length) {
    throw new RangeError(
      `Metrics length ${length} exceeds the arrays (ts ${input.ts.length}, equity ${input.equity.length})`,
    );
  }
  if (!(initialEquity > 0) || !Number.isFinite(initialEquity)) {
    throw new RangeError(`Initial equity must be a positive finite number, got ${initialEquity}`);
  }
  if (!(periodsPerYear > 0) || !Number.isFinite(periodsPerYear)) {
    throw new RangeError(
      `Periods per year must be a positive finite number, got ${periodsPerYear}`,
    );
  }
}

/**
 * Computes the performance metrics of a run (definitions in the module documentation).
 * Pure, one pass, O(bars + trades), no allocation per bar.
 *
 * @example
 * ```ts
 * import { computeMetrics, periodsPerYear } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * const day = 86_400_000_000;
 * const metrics = computeMetrics({
 *   ts: new Float64Array([0, day]),
 *   equity: new Float64Array([110, 99]),
 *   length: 2,
 *   initialEquity: 100,
 *   periodsPerYear: periodsPerYear("1d"),
 *   roundTrips: [],
 *   barsInMarket: 2,
 *   tradedNotional: 200,
 * });
 * assert.ok(Math.abs(metrics.maxDrawdown - 0.1) < 1e-12); // from 110 to 99
 * ```
 * @throws {RangeError} when `length` exceeds the arrays, or the initial equity or periods per
 * year are not positive.
 */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  validate(input);
  const { ts, equity, length: bars, initialEquity, periodsPerYear: perYear } = input;
  const curve = new CurveAccumulator(initialEquity, MICROS_PER_YEAR / perYear);
  curve.addChunk(ts, equity, bars);
  return metricsFromCurve(curve.result(), input);
}

/**
 * The metrics from curve statistics gathered mark by mark ({@linkcode CurveAccumulator}) and
 * the run's trades: what {@linkcode computeMetrics} returns for the same marks.
 */
export function metricsFromCurve(
  curve: CurveStats,
  input: Omit<MetricsInput, "ts" | "equity" | "length">,
): PerformanceMetrics {
  const { initialEquity, periodsPerYear: perYear } = input;
  const barMicros = MICROS_PER_YEAR / perYear;
  const bars = curve.bars;
  const finalEquity = curve.finalEquity;
  const growth = finalEquity / initialEquity;
  let cagr: number | null = null;
  if (bars > 0) {
    const years = (curve.lastTs - curve.firstTs + barMicros) / MICROS_PER_YEAR;
    // A run that lost everything (or more, on margin) has a CAGR of −100 %.
    cagr = growth <= 0 ? -1 : finiteOrNull(Math.pow(growth, 1 / years) - 1);
  }
  const rootP = Math.sqrt(perYear);
  const annualVolatility = curve.sd === null ? null : finiteOrNull(curve.sd * rootP);
  const sharpe = curve.mean === null ? null : ratio(curve.mean * rootP, curve.sd);
  const sortino = curve.mean === null ? null : ratio(curve.mean * rootP, curve.downside);
  return {
    bars,
    initialEquity,
    finalEquity,
    totalReturn: growth - 1,
    cagr,
    annualVolatility,
    sharpe,
    sortino,
    calmar: ratio(cagr, curve.maxDrawdown),
    maxDrawdown: curve.maxDrawdown,
    maxDrawdownDuration: curve.maxDrawdownDuration,
    ...tradeStats(input.roundTrips, input.tradePnls),
    exposure: bars === 0 ? null : input.barsInMarket / bars,
    turnover: input.tradedNotional / initialEquity,
  };
}
