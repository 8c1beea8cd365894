/**
 * Execution algorithms: TWAP, VWAP, Iceberg, PeggedBest, Sniper and TrailingStop, each working
 * a sized signal as a parent order through child orders on the OMS's path, driven only by the
 * session's events and timers (docs/execution_algorithms.md).
 *
 * @module
 */

export * from "./algorithm.ts";
export * from "./execution_algorithms.ts";
export * from "./execution_quality.ts";
export * from "./execution_template.ts";
export * from "./iceberg.ts";
export * from "./pegged_best.ts";
export * from "./sniper.ts";
export * from "./trailing_stop.ts";
export * from "./twap.ts";
export * from "./vwap.ts";
