/**
 * Research at scale: parameter search spaces, grid and random search, objectives (Sharpe,
 * Sortino, Calmar, total return, drawdown, a Jesse-style fitness), studies that shard
 * deterministically across processes and merge back byte-identically, their result files,
 * walk-forward analysis, Monte Carlo of trades, parameter stability and bias checks
 * (look-ahead, recursive indicators). It may import every other `lib/` module except `live`;
 * backtests are reached through the {@linkcode Evaluator} port.
 *
 * @module
 */

export * from "./constraint.ts";
export * from "./grid.ts";
export * from "./objective.ts";
export * from "./optimize.ts";
export * from "./random_search.ts";
export * from "./results.ts";
export * from "./space.ts";
export * from "./study.ts";
export * from "./walk_forward.ts";
export * from "./walk_forward_files.ts";
export * from "./monte_carlo.ts";
export * from "./monte_carlo_files.ts";
export * from "./stability.ts";
export * from "./bias_analysis.ts";
export * from "./tpe.ts";
export * from "./study_report_html.ts";
export * from "./sma_sweep.ts";
