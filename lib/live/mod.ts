/**
 * The live runtime: the trading session on the wall clock, fed by market streams and the
 * execution channel through the two-lane inbox (paper execution on the simulated venues, live
 * execution through a connector's client handed in by the caller), reconciliation, the paper
 * sandbox's random-walk market, the state store (`lib/live/state`) and operations
 * (`lib/live/ops`: metrics, the ops server with health and control, alerts, logging,
 * supervision). It may import `lib/domain`, `lib/events`, `lib/engine`, `lib/broker`,
 * `lib/config`, `lib/indicators`, `lib/strategies`, `lib/portfolio`, `lib/execution`,
 * `lib/data`, `lib/cortex`, `lib/trader` and `lib/venues`; never `connectors/` (a connector is
 * passed in through the ports of `lib/broker`).
 *
 * @module
 */

export * from "./account_check.ts";
export * from "./live_books.ts";
export * from "./live_execution.ts";
export * from "./live_runtime.ts";
export * from "./live_runtime_options.ts";
export * from "./live_source.ts";
export * from "./paper_tick_clock.ts";
export * from "./paper_tick_source.ts";
export * from "./ops/mod.ts";
export * from "./random_walk_market.ts";
export * from "./order_difference.ts";
export * from "./reconciler.ts";
export * from "./state/mod.ts";
export * from "./supervised_channel.ts";
export * from "./supervised_data_gap.ts";
export * from "./supervised_feed.ts";
