/**
 * Strategies: the {@linkcode Strategy} contract, the static registry and the built-in
 * strategies. It may import `lib/domain`, `lib/events`, `lib/broker`, `lib/config` (param
 * schemas) and `lib/indicators`.
 *
 * @module
 */

export * from "./registry.ts";
export * from "./strategy.ts";
