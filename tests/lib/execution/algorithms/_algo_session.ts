// A candle-mode session for the algorithm tests: a scripted strategy sends given signals at
// given bars, the real CandleVenue fills the children on each 1m bar, and `bar()` walks one.
import type { Micros, Order, Signal } from "../../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../../lib/trader/mod.ts";
import { CandleVenue } from "../../../../lib/venues/mod.ts";
import { BTC, M } from "../../trader/_fixtures.ts";

export { BTC, M };

/** Start of the test runs: a whole minute. */
export const T0: Micros = 1_700_000_000_000_000 - (1_700_000_000_000_000 % M);

/** Sends `script[i]` (without the symbol) on the close of bar `i`. */
class Scripted implements Strategy {
  readonly name = "algo-test";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly executionHints = [
    "twap",
    "vwap",
    "iceberg",
    "pegged-best",
    "sniper",
    "trailing-stop",
  ] as const;
  readonly script: Map<number, Omit<Signal, "symbol">>;
  #bar = 0;
  constructor(script: Map<number, Omit<Signal, "symbol">>, start = 0) {
    this.script = script;
    this.#bar = start;
  }
  onCandle(_c: unknown, ctx: StrategyContext): void {
    const signal = this.script.get(this.#bar++);
    if (signal !== undefined) ctx.signal({ symbol: BTC.symbol, ...signal });
  }
  snapshot(): number {
    return this.#bar;
  }
  restore(): void {}
}

/** One bar: open, high, low, close, volume. */
export type Bar = readonly [number, number, number, number, number];

/** A session over the real candle venue with a scripted strategy. */
export class AlgoSession {
  readonly session: TradingSession<CandleVenue>;
  #index: number;
  constructor(
    script: Record<number, Omit<Signal, "symbol">>,
    options: { readonly quantity?: number; readonly startBar?: number } = {},
  ) {
    this.#index = options.startBar ?? 0;
    const strategy = new Scripted(
      new Map(Object.entries(script).map(([k, v]) => [Number(k), v])),
      this.#index,
    );
    this.session = new TradingSession({
      strategy,
      instruments: [BTC],
      initialBalances: { USDT: 1_000_000 },
      reportingCurrency: "USDT",
      sizer: fixedQuantity(options.quantity ?? 0.01),
    }, ({ clock, inbox, portfolio }) =>
      new CandleVenue({
        instruments: new Map([[BTC.symbol, BTC]]),
        positionOf: (symbol) => portfolio.position(symbol).quantity,
        liquidationPriceOf: (symbol) => portfolio.liquidationPrice(symbol),
        bankruptcyPriceOf: (symbol) => portfolio.bankruptcyPrice(symbol),
        now: () => clock.now(),
      }, inbox));
    this.session.host("1m");
  }

  /** Index of the next bar. */
  get index(): number {
    return this.#index;
  }

  /** Walks the next 1m bar on the venue, then delivers its close. */
  bar([open, high, low, close, volume]: Bar): void {
    const openTime = T0 + this.#index++ * M;
    const { session } = this;
    session.venue.onBar(BTC.symbol, openTime, M, open, high, low, close, volume);
    session.engine.process({
      kind: "candle",
      ts: openTime + M,
      tsRecv: openTime + M,
      candle: { symbol: BTC.symbol, interval: "1m", openTime, open, high, low, close, volume },
    });
  }

  /** Walks flat bars at `price` with `volume`. */
  flat(count: number, price = 100, volume = 1_000): void {
    for (let i = 0; i < count; i++) this.bar([price, price, price, price, volume]);
  }

  /** Every order sent, in sending order (latest state). */
  orders(): Order[] {
    return [...this.session.orders.values()];
  }

  /** Orders with a parent, in sending order. */
  children(): Order[] {
    const algos = this.session.algorithms;
    return this.orders().filter((o) => algos.parentOf(o.request.clientOrderId) !== undefined);
  }
}
