/**
 * Binance USDⓈ-M codes ↔ our venue-qualified symbol ids (`BTCUSDT` ↔ `binance:BTCUSDT`).
 *
 * @module
 */

import { parseSymbol, type SymbolId } from "../../lib/domain/mod.ts";

/** The venue name of every Binance USDⓈ-M symbol and error. */
export const VENUE = "binance";

// Both directions cached: a stream carries a few codes, so each trade gets the same string
// (compared to a strategy's symbol by identity) and an order does not parse its symbol again.
// Cleared when full.
const symbols = new Map<string, SymbolId>();
const codes = new Map<SymbolId, string>();
const MAX_CACHED = 1024;

/** The symbol id of a Binance USDⓈ-M code (`BTCUSDT` → `binance:BTCUSDT`). */
export function binanceSymbol(code: string): SymbolId {
  let symbol = symbols.get(code);
  if (symbol === undefined) {
    if (symbols.size >= MAX_CACHED) symbols.clear();
    symbol = `${VENUE}:${code}`;
    symbols.set(code, symbol);
  }
  return symbol;
}

/**
 * The Binance code of a symbol id (`binance:BTCUSDT` → `BTCUSDT`).
 *
 * @throws {RangeError} for a symbol of another venue.
 */
export function binanceCode(symbol: SymbolId): string {
  let code = codes.get(symbol);
  if (code === undefined) {
    const parts = parseSymbol(symbol);
    if (parts.venue !== VENUE) {
      throw new RangeError(`Symbol ${symbol} is not a Binance symbol (expected binance:CODE)`);
    }
    if (codes.size >= MAX_CACHED) codes.clear();
    code = parts.code;
    codes.set(symbol, code);
  }
  return code;
}
