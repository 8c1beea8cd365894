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
 * Sums over bars use Neumaier's compensated summation so millions of bars do not drift.
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

interface CurveStats {
  readonly mean: number | null;
  readonly sd: number | null;
  readonly downside: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownDuration: number;
}

function curveStats(input: MetricsInput, barMicros: number): CurveStats {
  const { ts, equity, length: n, initialEquity } = input;
  if (n === 0) {
    return { mean: null, sd: null, downside: null, maxDrawdown: 0, maxDrawdownDuration: 0 };
  }
  const sum = new CompensatedSum();
  const downsideSquares = new CompensatedSum();
  // The initial equity is marked at the first bar's open; bar i's equity at its close.
  let peak = initialEquity;
  let peakTs = ts[0];
  let underwater = false;
  let maxDrawdown = 0;
  let maxDuration = 0;
  let previous = initialEquity;
  for (let i = 0; i < n; i++) {
    const e = equity[i];
    const r = simpleReturn(previous, e);
    sum.add(r);
    if (r < 0) downsideSquares.add(r * r);
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
  const endTs = ts[n - 1] + barMicros;
  if (underwater && endTs - peakTs > maxDuration) maxDuration = endTs - peakTs;
  const mean = sum.value / n;
  let sd: number | null = null;
  if (n > 1) {
    // Second pass over the same deterministic returns: Σ(r − mean)² is exact-er than Σr² − n·mean².
    const squares = new CompensatedSum();
    previous = initialEquity;
    for (let i = 0; i < n; i++) {
      const d = simpleReturn(previous, equity[i]) - mean;
      squares.add(d * d);
      previous = equity[i];
    }
    sd = Math.sqrt(squares.value / (n - 1));
  }
  return {
    mean,
    sd,
    downside: Math.sqrt(downsideSquares.value / n),
    maxDrawdown,
    maxDrawdownDuration: maxDuration / MICROS_PER_SECOND,
  };
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
 * Pure, O(bars + trades), no allocation per bar.
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
  const barMicros = MICROS_PER_YEAR / perYear;
  const curve = curveStats(input, barMicros);
  const finalEquity = bars === 0 ? initialEquity : equity[bars - 1];
  const growth = finalEquity / initialEquity;
  let cagr: number | null = null;
  if (bars > 0) {
    const years = (ts[bars - 1] - ts[0] + barMicros) / MICROS_PER_YEAR;
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
