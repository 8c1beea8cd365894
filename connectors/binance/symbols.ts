/**
 * Binance USDⓈ-M codes ↔ our venue-qualified symbol ids (`BTCUSDT` ↔ `binance:BTCUSDT`).
 *
 * @module
 */

import { parseSymbol, type SymbolId } from "../../lib/domain/mod.ts";

/** The venue name of every Binance USDⓈ-M symbol and error. */
export const VENUE = "binance";

/** The symbol id of a Binance USDⓈ-M code (`BTCUSDT` → `binance:BTCUSDT`). */
export function binanceSymbol(code: string): SymbolId {
  return `${VENUE}:${code}`;
}

/**
 * The Binance code of a symbol id (`binance:BTCUSDT` → `BTCUSDT`).
 *
 * @throws {RangeError} for a symbol of another venue.
 */
export function binanceCode(symbol: SymbolId): string {
  const parts = parseSymbol(symbol);
  if (parts.venue !== VENUE) {
    throw new RangeError(`Symbol ${symbol} is not a Binance symbol (expected binance:CODE)`);
  }
  return parts.code;
}
