/**
 * Tick-mode backtesting: the tick runner over the L2 matching engine of `lib/venues`, its data
 * sources and settings, and the market-making diagnostics. Semantics are documented in
 * docs/tick_backtesting.md.
 *
 * @module
 */

export * from "./diagnostics.ts";
export * from "./recording.ts";
export * from "./tick_backtest.ts";
export * from "./tick_sources.ts";
export * from "./tick_settings.ts";
