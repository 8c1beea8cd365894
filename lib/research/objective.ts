/**
 * What a study maximises. Every objective is a score where higher is better: the report's
 * `sharpe`, `sortino`, `calmar` and `totalReturn` as they are, `max_drawdown` negated (a
 * smaller drawdown scores higher), and `fitness`, Jesse's optimisation fitness extended with
 * an out-of-sample agreement term:
 *
 * - with `trades ≤ 5` on the training run the score is 0.0001 (too few trades to judge);
 * - `effect = min(log10(trades) / log10(optimalTrades), 1)` rewards trading often enough;
 * - `norm(r) = (r + 0.5) / (MAX + 0.5)` with MAX 5 (Sharpe), 15 (Sortino), 30 (Calmar);
 * - a negative or undefined training ratio scores 0.0001;
 * - with a test run, `agreement = clamp(norm(test) / norm(train), 0, 1)`: a set whose ratio
 *   holds up out of sample keeps its score, one that collapses loses it (1 without a test);
 * - `fitness = max(0.0001, effect · norm(train) · agreement)`.
 *
 * The ratios are the report's (annualised per bar), so on minute bars they run higher than
 * Jesse's daily ones and `norm` may pass 1; the ranking is what matters.
 *
 * @module
 */

/** The objective names accepted by `--objective`. */
export const OBJECTIVES = [
  "sharpe",
  "sortino",
  "calmar",
  "total_return",
  "max_drawdown",
  "fitness",
] as const;

/** An objective name. */
export type ObjectiveName = typeof OBJECTIVES[number];

/** The ratios the fitness can be built on. */
export type FitnessRatio = "sharpe" | "sortino" | "calmar";

/** An objective with its settings. */
export interface Objective {
  /** Which objective. */
  readonly name: ObjectiveName;
  /** For `fitness`: the ratio it normalises (default `sharpe`). */
  readonly ratio: FitnessRatio;
  /** For `fitness`: the trade count at which the trade term saturates (default 100). */
  readonly optimalTrades: number;
}

/** The figures of one backtest a study reads (from its report). */
export interface TrialMetrics {
  /** Completed round trips. */
  readonly trades: number;
  /** `final / initial − 1`. */
  readonly totalReturn: number | null;
  /** Compound annual growth rate. */
  readonly cagr: number | null;
  /** Annualised Sharpe ratio. */
  readonly sharpe: number | null;
  /** Annualised Sortino ratio. */
  readonly sortino: number | null;
  /** CAGR / max drawdown. */
  readonly calmar: number | null;
  /** Largest peak-to-trough fall, a fraction. */
  readonly maxDrawdown: number | null;
  /** Share of winning round trips. */
  readonly winRate: number | null;
  /** Σ wins / |Σ losses|. */
  readonly profitFactor: number | null;
}

/** The metric names of {@linkcode TrialMetrics}, in column order. */
export const METRIC_NAMES: readonly (keyof TrialMetrics)[] = [
  "trades",
  "totalReturn",
  "cagr",
  "sharpe",
  "sortino",
  "calmar",
  "maxDrawdown",
  "winRate",
  "profitFactor",
];

const FITNESS_MAX: Readonly<Record<FitnessRatio, number>> = { sharpe: 5, sortino: 15, calmar: 30 };
const FITNESS_FLOOR = 0.0001;

function normalized(ratio: FitnessRatio, value: number): number {
  return (value + 0.5) / (FITNESS_MAX[ratio] + 0.5);
}

/**
 * The fitness of a training run and, optionally, its test run (see the module doc).
 *
 * @example
 * ```ts
 * import { fitness } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const run = { trades: 100, totalReturn: 0.1, cagr: 0.2, sharpe: 2, sortino: 3, calmar: 1,
 *   maxDrawdown: 0.1, winRate: 0.5, profitFactor: 1.5 };
 * const score = fitness(run, undefined, "sharpe", 100); // (2 + 0.5) / 5.5
 * assert.ok(Math.abs(score - 2.5 / 5.5) < 1e-12);
 * ```
 */
export function fitness(
  train: TrialMetrics,
  test: TrialMetrics | undefined,
  ratio: FitnessRatio,
  optimalTrades: number,
): number {
  if (train.trades <= 5) return FITNESS_FLOOR;
  const value = train[ratio];
  if (value === null || !(value >= 0)) return FITNESS_FLOOR;
  const effect = Math.min(Math.log10(train.trades) / Math.log10(optimalTrades), 1);
  const norm = normalized(ratio, value);
  let agreement = 1;
  if (test !== undefined) {
    const testValue = test[ratio];
    agreement = testValue === null
      ? 0
      : Math.min(1, Math.max(0, normalized(ratio, testValue) / norm));
  }
  const score = effect * norm * agreement;
  return Number.isFinite(score) ? Math.max(FITNESS_FLOOR, score) : FITNESS_FLOOR;
}

/**
 * The score of a trial (higher is better), or `null` when the metric is undefined for it.
 * `test` is read by `fitness` only.
 */
export function score(
  objective: Objective,
  train: TrialMetrics,
  test?: TrialMetrics,
): number | null {
  switch (objective.name) {
    case "sharpe":
      return train.sharpe;
    case "sortino":
      return train.sortino;
    case "calmar":
      return train.calmar;
    case "total_return":
      return train.totalReturn;
    case "max_drawdown":
      return train.maxDrawdown === null ? null : -train.maxDrawdown;
    case "fitness":
      return fitness(train, test, objective.ratio, objective.optimalTrades);
    default: {
      const unknown: never = objective.name;
      throw new TypeError(`Unknown objective ${unknown}`);
    }
  }
}

/** Reads the {@linkcode TrialMetrics} out of a parsed `report.json`. */
export function metricsOfReport(report: Readonly<Record<string, unknown>>): TrialMetrics {
  const num = (key: string): number | null => {
    const value = report[key];
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  };
  return {
    trades: num("trades") ?? 0,
    totalReturn: num("totalReturn"),
    cagr: num("cagr"),
    sharpe: num("sharpe"),
    sortino: num("sortino"),
    calmar: num("calmar"),
    maxDrawdown: num("maxDrawdown"),
    winRate: num("winRate"),
    profitFactor: num("profitFactor"),
  };
}
