// The linear perpetual of issue 11's hand-computed cases: tick 0.1, taker 0.05 %, maker 0.02 %.
import { type Instrument, makeInstrument } from "../../../lib/domain/mod.ts";

export const ISSUE11_PERP: Instrument = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  makerFee: "0.0002",
  takerFee: "0.0005",
});
