/**
 * Tick-mode backtesting: the L2 matching engine ({@linkcode TickVenue}), its queue-position
 * and latency models, and the tick runner. Semantics are documented in
 * docs/tick_backtesting.md.
 *
 * @module
 */

export * from "./latency.ts";
export * from "./queue_model.ts";
export * from "./sim_book.ts";
export * from "./tick_venue.ts";
export type { MarketDataEvent } from "./_venue_book.ts";
export type { FeeRates } from "../_venue_fill.ts";
export * from "./diagnostics.ts";
export * from "./tick_backtest.ts";
export * from "./tick_sources.ts";
export * from "./tick_settings.ts";
