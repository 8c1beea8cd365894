/**
 * Simulated venues: the candle fill model and the L2 order-book matching engine with queue
 * position and latency, both implementing the venue port of `lib/broker`. Backtests and paper
 * trading both use them. It may import `lib/domain`, `lib/events`, `lib/engine`, `lib/broker`
 * (the port) and `lib/strategies` (the book view strategies read).
 *
 * @module
 */

export * from "./candle/candle_venue.ts";
export type { FeeRates } from "./_venue_fill.ts";
export * from "./tick/latency.ts";
export * from "./tick/queue_model.ts";
export * from "./tick/sim_book.ts";
export * from "./tick/tick_venue.ts";
export type { MarketDataEvent } from "./tick/_venue_book.ts";
