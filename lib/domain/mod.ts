/**
 * Domain value types of Tesser: symbols, time, intervals, exact decimals, instruments,
 * market data, orders, fills, positions, signals, typed refusals and the domain errors. It imports nothing
 * else from `lib/` (decimal.js only, through `decimal.ts`).
 *
 * @module
 */

export * from "./book_view.ts";
export * from "./decimal.ts";
export * from "./errors.ts";
export * from "./funding_payment.ts";
export * from "./instrument.ts";
export * from "./interval.ts";
export * from "./json.ts";
export * from "./market.ts";
export * from "./model_spec.ts";
export * from "./order.ts";
export * from "./refusal.ts";
export * from "./signal.ts";
export * from "./symbol.ts";
export * from "./time.ts";
