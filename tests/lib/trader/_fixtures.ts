// Shared fixtures of the session tests: one linear BTC perp and 1m candle events.
import { type Instrument, makeInstrument, type Micros } from "../../../lib/domain/mod.ts";
import type { CandleEvent } from "../../../lib/events/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";

/** One minute in µs. */
export const M = 60_000_000;

/** A linear BTCUSDT perp: tick 0.1, lot 0.001, no fees. */
export const BTC: Instrument = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});

/** The close of the 1m BTC bar opening at `openTime`, delivered at its close (range ±1). */
export function candleEvent(openTime: Micros, close = 100): CandleEvent {
  return {
    kind: "candle",
    ts: openTime + M,
    tsRecv: openTime + M,
    candle: {
      symbol: BTC.symbol,
      interval: "1m",
      openTime,
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      volume: 10,
    },
  };
}

/** Enters long once, on its first 1m BTC bar, by a 3-slice TWAP over 3 s. */
export class TwapOnce implements Strategy {
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly executionHints = ["twap"] as const;
  #sent = false;
  constructor(readonly name: string) {}
  onCandle(_c: unknown, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.signal({
      symbol: BTC.symbol,
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "twap", durationSecs: 3, slices: 3 },
    });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}
