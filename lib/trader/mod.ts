/**
 * The mode-neutral trading core: the session that wires engine, portfolio, risk, OMS and the
 * strategy host for backtests, paper and live trading alike. It may import `lib/domain`,
 * `lib/events`, `lib/engine`, `lib/broker`, `lib/config`, `lib/indicators`, `lib/strategies`,
 * `lib/portfolio`, `lib/execution`, `lib/data` and `lib/cortex` (the models it runs for a
 * strategy).
 *
 * @module
 */

export * from "./execution_hints.ts";
export * from "./inference.ts";
export * from "./market_books.ts";
export * from "./session.ts";
export * from "./strategy_host.ts";
