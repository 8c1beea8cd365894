/**
 * `/v5/market/instruments-info` items (linear) → our `Instrument`: tick from priceFilter,
 * lot and minimum quantity from lotSizeFilter, minimum notional from `minNotionalValue`,
 * funding interval from `fundingInterval` (minutes).
 *
 * @module
 */

import { type Instrument, makeInstrument } from "../../lib/domain/mod.ts";
import { num, obj, optStr, str } from "./_wire.ts";
import { bybitSymbol } from "./parse_public.ts";

/** One instruments-info item → `Instrument` (fees are per account; they default to 0). */
export function parseInstrument(raw: unknown): Instrument {
  const item = obj(raw, "instrument");
  const code = str(item, "symbol", "instrument");
  const price = obj(item.priceFilter, "instrument.priceFilter");
  const lot = obj(item.lotSizeFilter, "instrument.lotSizeFilter");
  const minNotional = optStr(lot, "minNotionalValue");
  const fundingMinutes = item.fundingInterval === undefined
    ? 480
    : num(item, "fundingInterval", "instrument");
  return makeInstrument({
    symbol: bybitSymbol(code),
    kind: "linear",
    base: str(item, "baseCoin", "instrument"),
    quote: str(item, "quoteCoin", "instrument"),
    settle: optStr(item, "settleCoin") || str(item, "quoteCoin", "instrument"),
    tickSize: str(price, "tickSize", "instrument.priceFilter"),
    lotSize: str(lot, "qtyStep", "instrument.lotSizeFilter"),
    minQuantity: str(lot, "minOrderQty", "instrument.lotSizeFilter"),
    minNotional: minNotional === "" ? 0 : minNotional,
    fundingIntervalHours: fundingMinutes / 60,
  });
}
