// Instruments with a minimum notional, for the boundary tests of that rule at the OMS (at the
// last price) and at the candle venue (at the arrival open).
import { makeInstrument } from "../../lib/domain/mod.ts";

/** Linear BTCUSDT, minimum notional 5 USDT. */
export const MIN_NOTIONAL_LINEAR = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
});

/** Inverse XBTUSD, minimum notional 0.0002 XBT. */
export const MIN_NOTIONAL_INVERSE = makeInstrument({
  symbol: "bitmex:XBTUSD",
  kind: "inverse",
  base: "XBT",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
  minNotional: "0.0002",
});
