/**
 * Broker ports: the interfaces venues implement ({@linkcode MarketStream},
 * {@linkcode ExecutionClient}, {@linkcode HistoricalData}). Interfaces only; it may import only
 * `lib/domain` and `lib/events`.
 *
 * @module
 */

export * from "./execution_client.ts";
export * from "./historical_data.ts";
export * from "./market_stream.ts";
