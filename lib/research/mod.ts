/**
 * Research at scale: parameter search spaces, grid and random search, objectives (Sharpe,
 * Sortino, Calmar, total return, drawdown, a Jesse-style fitness), studies that shard
 * deterministically across processes and merge back byte-identically, and their result
 * files. It may import every other `lib/` module except `cortex`, `live` and `testing`; backtests are
 * reached through the {@linkcode Evaluator} port.
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
