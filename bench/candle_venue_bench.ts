import { decimal, makeInstrument, ZERO } from "../lib/domain/mod.ts";
import { CandleVenue } from "../lib/venues/mod.ts";

const M = 60_000_000;
const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});
const INBOX = (): void => {};

function venue(): CandleVenue {
  return new CandleVenue(
    { instruments: new Map([[BTC.symbol, BTC]]), positionOf: () => ZERO },
    INBOX,
  );
}

const BARS = 1_000;

const idle = venue();
let t = 0;
Deno.bench({
  name: "onBar, no working orders (×1000 bars)",
  group: "candle-venue",
  baseline: true,
  fn(): void {
    for (let i = 0; i < BARS; i++) {
      idle.onBar(BTC.symbol, t, M, 100, 101, 99, 100, 10);
      t += M;
    }
  },
});

const resting = venue();
resting.submit({
  clientOrderId: "never",
  symbol: BTC.symbol,
  side: "buy",
  type: "limit",
  quantity: decimal("0.01"),
  price: decimal("50"),
  timeInForce: "gtc",
  reduceOnly: false,
}, 0);
let u = 0;
Deno.bench({
  name: "onBar, one resting limit that never fills (×1000 bars)",
  group: "candle-venue",
  fn(): void {
    for (let i = 0; i < BARS; i++) {
      resting.onBar(BTC.symbol, u, M, 100, 101, 99, 100, 10);
      u += M;
    }
  },
});
