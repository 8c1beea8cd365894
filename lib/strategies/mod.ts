/**
 * Strategies: the {@linkcode Strategy} contract, the static registry and the built-in
 * strategies. It may import `lib/domain`, `lib/events`, `lib/broker`, `lib/config` (param
 * schemas), `lib/indicators` and `lib/data` (candle aggregation).
 *
 * @module
 */

export * from "./builtin.ts";
export * from "./host.ts";
export * from "./registry.ts";
export * from "./strategy.ts";
export { SmaCross, type SmaCrossParams } from "./sma_cross.ts";
