/**
 * `GET /fapi/v1/exchangeInfo` symbols → our `Instrument`: PRICE_FILTER `tickSize`, LOT_SIZE
 * `stepSize`/`minQty` and MIN_NOTIONAL `notional` (never `pricePrecision`/`quantityPrecision`,
 * which are display precisions, not the grid). MARKET_LOT_SIZE is kept beside it because a
 * market order's step and bounds can differ from a limit order's.
 *
 * @module
 */

import { DataError, type Instrument, makeInstrument } from "../../lib/domain/mod.ts";
import { arr, obj, optStr, str, type Wire } from "./_wire.ts";
import { binanceSymbol } from "./symbols.ts";

/** An instrument with the Binance facts the library's `Instrument` has no field for. */
export interface BinanceInstrument {
  /** The instrument. */
  readonly instrument: Instrument;
  /** `status` (TRADING, SETTLING, …). */
  readonly status: string;
  /** `contractType` (PERPETUAL, CURRENT_QUARTER, …). */
  readonly contractType: string;
  /** MARKET_LOT_SIZE `stepSize` and `minQty`/`maxQty`, when listed. */
  readonly marketLot?: { readonly step: string; readonly min: string; readonly max: string };
  /** LOT_SIZE `maxQty`. */
  readonly maxQuantity: string;
}

function filters(item: Wire, code: string): Map<string, Wire> {
  const out = new Map<string, Wire>();
  for (const raw of arr(item.filters, `${code}.filters`)) {
    const filter = obj(raw, `${code}.filters[]`);
    out.set(str(filter, "filterType", `${code}.filters[]`), filter);
  }
  return out;
}

/**
 * One `exchangeInfo.symbols` item → instrument. Fees are per account (commissionRate); they
 * default to Binance's base tier (0.02 % maker, 0.05 % taker).
 *
 * @throws {DataError} when PRICE_FILTER or LOT_SIZE is missing.
 */
export function parseSymbolInfo(raw: unknown): BinanceInstrument {
  const item = obj(raw, "exchangeInfo.symbols[]");
  const code = str(item, "symbol", "exchangeInfo.symbols[]");
  const byType = filters(item, code);
  const price = byType.get("PRICE_FILTER");
  const lot = byType.get("LOT_SIZE");
  if (price === undefined || lot === undefined) {
    throw new DataError(
      `Binance exchangeInfo: ${code} has no ${
        price === undefined ? "PRICE_FILTER" : "LOT_SIZE"
      } filter`,
    );
  }
  const notional = byType.get("MIN_NOTIONAL");
  const market = byType.get("MARKET_LOT_SIZE");
  const instrument = makeInstrument({
    symbol: binanceSymbol(code),
    kind: "linear",
    base: str(item, "baseAsset", code),
    quote: str(item, "quoteAsset", code),
    settle: optStr(item, "marginAsset") || str(item, "quoteAsset", code),
    tickSize: str(price, "tickSize", `${code}.PRICE_FILTER`),
    lotSize: str(lot, "stepSize", `${code}.LOT_SIZE`),
    minQuantity: str(lot, "minQty", `${code}.LOT_SIZE`),
    minNotional: notional === undefined ? 0 : str(notional, "notional", `${code}.MIN_NOTIONAL`),
    makerFee: "0.0002",
    takerFee: "0.0005",
    fundingIntervalHours: 8,
  });
  return {
    instrument,
    status: optStr(item, "status", "TRADING"),
    contractType: optStr(item, "contractType"),
    maxQuantity: str(lot, "maxQty", `${code}.LOT_SIZE`),
    ...(market === undefined ? {} : {
      marketLot: {
        step: str(market, "stepSize", `${code}.MARKET_LOT_SIZE`),
        min: str(market, "minQty", `${code}.MARKET_LOT_SIZE`),
        max: str(market, "maxQty", `${code}.MARKET_LOT_SIZE`),
      },
    }),
  };
}

/** The `rateLimits` of exchangeInfo as limits (defaults for what is absent). */
export function parseRateLimits(
  raw: unknown,
): { readonly weight1m?: number; readonly orders10s?: number; readonly orders1m?: number } {
  const out: { weight1m?: number; orders10s?: number; orders1m?: number } = {};
  for (const entry of raw === undefined ? [] : arr(raw, "exchangeInfo.rateLimits")) {
    const limit = obj(entry, "exchangeInfo.rateLimits[]");
    const type = optStr(limit, "rateLimitType");
    const interval = optStr(limit, "interval");
    const n = Number(limit.intervalNum);
    const value = Number(limit.limit);
    if (!Number.isFinite(value)) continue;
    if (type === "REQUEST_WEIGHT" && interval === "MINUTE" && n === 1) out.weight1m = value;
    if (type === "ORDERS" && interval === "SECOND" && n === 10) out.orders10s = value;
    if (type === "ORDERS" && interval === "MINUTE" && n === 1) out.orders1m = value;
  }
  return out;
}
