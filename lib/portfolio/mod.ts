/**
 * Portfolio accounting for Tesser: exact balances, netted positions, realized and unrealized
 * PnL, fees, funding, isolated margin, liquidation and round trips; it may import only
 * `lib/domain` and `lib/events`.
 *
 * The backtester and the live runner feed it fills ({@linkcode Portfolio.applyFill}) and
 * funding ({@linkcode Portfolio.applyFunding}) in exact Decimal, and mark it per bar in
 * float64 ({@linkcode Portfolio.mark}, {@linkcode Portfolio.equity}).
 *
 * @example
 * ```ts
 * import { makeInstrument } from "@tesser/tesser/domain";
 * import { Portfolio } from "@tesser/tesser/portfolio";
 * import assert from "node:assert/strict";
 *
 * const instrument = makeInstrument({
 *   symbol: "bybit:BTCUSD", kind: "inverse", base: "BTC", quote: "USD",
 *   tickSize: "0.5", lotSize: "1",
 * });
 * const portfolio = new Portfolio({
 *   instruments: [instrument], initialBalances: { BTC: 1 }, reportingCurrency: "USD",
 * });
 * portfolio.mark("bybit:BTCUSD", 20000);
 * assert.equal(portfolio.equity(), 20000);
 * ```
 *
 * @module
 */

// Domain types in this module's signatures, re-exported so it documents on its own.
export type {
  Balance,
  Decimal,
  DecimalValue,
  Fill,
  Instrument,
  InstrumentKind,
  Liquidity,
  Micros,
  Position,
  Side,
  SymbolId,
} from "../domain/mod.ts";
export * from "./conversion.ts";
export * from "./margin.ts";
export * from "./portfolio.ts";
export * from "./reconcile.ts";
export * from "./round_trip.ts";
export * from "./snapshot.ts";
export * from "./trade_ledger.ts";
