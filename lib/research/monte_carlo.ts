/**
 * Monte Carlo of a backtest's trade sequence: how much of its return and drawdown is the luck
 * of the order and the draw. Each simulation rebuilds an equity path from the trades' net PnLs:
 *
 * - `shuffle`: the same trades in a random order (a Fisher–Yates permutation). The final
 *   equity is the same in every run (up to float rounding); the drawdown is what varies;
 * - `bootstrap`: as many trades as the run had, drawn with replacement, so the return varies
 *   too.
 *
 * With `compound`, the trades are applied as returns on the equity before them
 * (`r_i = pnl_i / (initial + Σ_{j<i} pnl_j)` from the original order), as a percent-of-equity
 * sizer would; otherwise as money added to the equity, as a fixed-quantity sizer does.
 * Percentiles interpolate linearly between order statistics (R's type 7); a simulation set is
 * a pure function of the trades, the options and the seed.
 *
 * @module
 */

import { Random } from "../data/mod.ts";

/** How trades are resampled. */
export type ResampleMethod = "shuffle" | "bootstrap";

/** Options of {@linkcode monteCarlo}. */
export interface MonteCarloOptions {
  /** Net PnL of each trade, in order (reporting currency). */
  readonly pnls: readonly number[];
  /** Equity before the first trade (> 0). */
  readonly initialEquity: number;
  /** Resampling method. */
  readonly method: ResampleMethod;
  /** Number of simulated paths (≥ 1). */
  readonly simulations: number;
  /** Seed of the generator. */
  readonly seed: number;
  /** Apply trades as returns (see the module doc; default false). */
  readonly compound?: boolean;
  /** Two-sided confidence level of the intervals (default 0.95). */
  readonly confidence?: number;
  /** Percentiles of the equity bands (default 5, 50, 95). */
  readonly bandPercentiles?: readonly number[];
}

/** A distribution summary. */
export interface Distribution {
  /** Mean. */
  readonly mean: number;
  /** 5th, 25th, 50th, 75th and 95th percentiles. */
  readonly p5: number;
  /** 25th percentile. */
  readonly p25: number;
  /** Median. */
  readonly p50: number;
  /** 75th percentile. */
  readonly p75: number;
  /** 95th percentile. */
  readonly p95: number;
  /** Lower end of the confidence interval. */
  readonly low: number;
  /** Upper end of the confidence interval. */
  readonly high: number;
}

/** What {@linkcode monteCarlo} found. */
export interface MonteCarloResult {
  /** The method used. */
  readonly method: ResampleMethod;
  /** Number of paths. */
  readonly simulations: number;
  /** Number of trades per path. */
  readonly trades: number;
  /** The confidence level of `low`/`high`. */
  readonly confidence: number;
  /** The original sequence's total return and max drawdown. */
  readonly original: { readonly totalReturn: number; readonly maxDrawdown: number };
  /** Total return over the paths. */
  readonly totalReturn: Distribution;
  /** Max drawdown (a fraction of the peak) over the paths. */
  readonly maxDrawdown: Distribution;
  /** Equity percentiles after each trade: `bands[j][k]` is percentile j after trade k (k = 0 is the start). */
  readonly bands: readonly (readonly number[])[];
  /** The band percentiles, in the order of `bands`. */
  readonly bandPercentiles: readonly number[];
}

/**
 * The `p`-th percentile (0–100) of sorted `values`, interpolating linearly (type 7).
 *
 * @example
 * ```ts
 * import { percentile } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function distribution(values: Float64Array, confidence: number): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (const v of sorted) sum += v;
  const tail = ((1 - confidence) / 2) * 100;
  return {
    mean: sum / sorted.length,
    p5: percentile(sorted, 5),
    p25: percentile(sorted, 25),
    p50: percentile(sorted, 50),
    p75: percentile(sorted, 75),
    p95: percentile(sorted, 95),
    low: percentile(sorted, tail),
    high: percentile(sorted, 100 - tail),
  };
}

/** Walks a path; writes the equity after each step into `path` (index 0 = start). */
function walk(
  steps: ArrayLike<number>,
  order: ArrayLike<number>,
  initial: number,
  compound: boolean,
  path: Float64Array,
): { totalReturn: number; maxDrawdown: number } {
  let equity = initial;
  let peak = initial;
  let worst = 0;
  path[0] = initial;
  for (let k = 0; k < order.length; k++) {
    const step = steps[order[k]];
    equity = compound ? equity * (1 + step) : equity + step;
    path[k + 1] = equity;
    if (equity > peak) peak = equity;
    else if (peak > 0) worst = Math.max(worst, (peak - equity) / peak);
  }
  return { totalReturn: equity / initial - 1, maxDrawdown: worst };
}

/**
 * Simulates `simulations` paths.
 *
 * @example
 * ```ts
 * import { monteCarlo } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const mc = monteCarlo({
 *   pnls: [50, -30, 20, -10, 40], initialEquity: 1000, method: "shuffle",
 *   simulations: 200, seed: 1,
 * });
 * assert.ok(Math.abs(mc.totalReturn.p50 - 0.07) < 1e-12); // the order does not change the sum
 * ```
 * @throws {RangeError} for no trades, a non-positive equity or simulation count, or a
 * confidence outside (0, 1).
 */
export function monteCarlo(options: MonteCarloOptions): MonteCarloResult {
  const { pnls, initialEquity, method, simulations, seed } = options;
  const compound = options.compound ?? false;
  const confidence = options.confidence ?? 0.95;
  const bandPercentiles = options.bandPercentiles ?? [5, 50, 95];
  if (pnls.length === 0) throw new RangeError("Monte Carlo needs at least one trade");
  if (!(initialEquity > 0)) throw new RangeError("initialEquity must be positive");
  if (!Number.isSafeInteger(simulations) || simulations < 1) {
    throw new RangeError("simulations must be a positive integer");
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError("confidence must be in (0, 1)");
  const n = pnls.length;
  const steps = new Float64Array(n);
  let before = initialEquity;
  for (let i = 0; i < n; i++) {
    steps[i] = compound ? pnls[i] / before : pnls[i];
    before += pnls[i];
  }
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const scratch = new Float64Array(n + 1);
  const original = walk(steps, identity, initialEquity, compound, scratch);
  const random = new Random(seed);
  const returns = new Float64Array(simulations);
  const drawdowns = new Float64Array(simulations);
  // Equity after trade k of every path, to cut the bands from.
  const paths = Array.from({ length: n + 1 }, () => new Float64Array(simulations));
  const order = new Int32Array(n);
  for (let s = 0; s < simulations; s++) {
    if (method === "shuffle") {
      order.set(identity);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    } else {
      for (let i = 0; i < n; i++) order[i] = Math.floor(random.next() * n);
    }
    const result = walk(steps, order, initialEquity, compound, scratch);
    returns[s] = result.totalReturn;
    drawdowns[s] = result.maxDrawdown;
    for (let k = 0; k <= n; k++) paths[k][s] = scratch[k];
  }
  const bands = bandPercentiles.map((p) =>
    paths.map((column) => percentile([...column].sort((a, b) => a - b), p))
  );
  return {
    method,
    simulations,
    trades: n,
    confidence,
    original,
    totalReturn: distribution(returns, confidence),
    maxDrawdown: distribution(drawdowns, confidence),
    bands,
    bandPercentiles,
  };
}
