/**
 * BollingerBreakout: trade a close outside the Bollinger Bands in the direction of the break
 * and stand aside once the price is back near the mean. A close above the upper band
 * (`middle + std_multiplier·σ`) enters long; a close below the lower band enters short (with
 * `allow_short`); a close within `exit_band_sigma`·σ of the middle band flattens. The exit band
 * is measured in standard deviations, not price units, so one setting fits every market.
 *
 * Each entry and exit is signalled once: the strategy remembers the side it asked for.
 * Bollinger Bands are a window statistic, so the last `period` closes are its whole state.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, SymbolId } from "../domain/mod.ts";
import { BollingerBands } from "../indicators/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  History,
  intervalParam,
  requireBelow,
  type Side,
  SnapshotReader,
  symbolField,
  symbolParam,
} from "./_support.ts";

const NAME = "BollingerBreakout";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval the bands run on" }),
  period: field.number({
    integer: true,
    min: 2,
    default: 20,
    description: "window of the middle band and σ (bars)",
  }),
  std_multiplier: field.number({
    min: 0,
    default: 2,
    description: "band width in standard deviations",
  }),
  exit_band_sigma: field.number({
    min: 0,
    default: 0.5,
    description: "flatten when the close is within this many σ of the middle band",
  }),
  allow_short: field.boolean({ default: true, description: "enter short below the lower band" }),
  lookback: field.number({
    integer: true,
    min: 2,
    description: "accepted from Tesser's configs; must be at least period (the window is period)",
  }),
});

/** Validated BollingerBreakout parameters. */
export interface BollingerBreakoutParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** Window of the bands. */
  readonly period: number;
  /** Band width in σ. */
  readonly std_multiplier: number;
  /** Exit band around the middle, in σ. */
  readonly exit_band_sigma: number;
  /** Enter short below the lower band. */
  readonly allow_short: boolean;
  /** Tesser's history length; only checked to be at least `period`. */
  readonly lookback?: number;
}

/** The BollingerBreakout strategy instance. */
export class BollingerBreakout implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: BollingerBreakoutParams;
  readonly #symbol: SymbolId;
  readonly #closes: History<number>;
  #bands: BollingerBands;
  #side: Side = "flat";

  /** Builds the strategy; throws a `ConfigError` for an exit band as wide as the entry band. */
  constructor(params: BollingerBreakoutParams) {
    if (!(params.std_multiplier > 0)) {
      throw paramError(NAME, "std_multiplier", `must be positive (got ${params.std_multiplier})`);
    }
    requireBelow(
      NAME,
      "exit_band_sigma",
      params.exit_band_sigma,
      "std_multiplier",
      params.std_multiplier,
    );
    if (params.lookback !== undefined && params.lookback < params.period) {
      throw paramError(
        NAME,
        "lookback",
        `must be at least period (got lookback = ${params.lookback}, period = ${params.period})`,
      );
    }
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#closes = new History(params.period);
    this.#bands = this.#newBands();
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval }];
  }

  /** Updates the bands; enters on a close outside them, flattens near the middle. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    this.#closes.push(candle.close);
    const bands = this.#bands.update(candle.close);
    if (bands === undefined) return;
    const close = candle.close;
    const sigma = (bands.upper - bands.middle) / this.#params.std_multiplier;
    const symbol = this.#symbol;
    if (close > bands.upper && this.#side !== "long") {
      this.#side = "long";
      ctx.signal({ symbol, kind: "enter-long", confidence: 1, note: "close above upper band" });
    } else if (close < bands.lower && this.#params.allow_short && this.#side !== "short") {
      this.#side = "short";
      ctx.signal({ symbol, kind: "enter-short", confidence: 1, note: "close below lower band" });
    } else if (close < bands.lower && !this.#params.allow_short && this.#side === "long") {
      // Long-only: a gap from above the upper band to below the lower one skips the exit band.
      this.#side = "flat";
      ctx.signal({ symbol, kind: "flatten", confidence: 1, note: "close below lower band" });
    } else if (
      this.#side !== "flat" &&
      Math.abs(close - bands.middle) <= this.#params.exit_band_sigma * sigma
    ) {
      this.#side = "flat";
      ctx.signal({ symbol, kind: "flatten", confidence: 1, note: "back near the middle band" });
    }
  }

  /** The last `period` closes and the side asked for. */
  snapshot(): JsonValue {
    return { closes: [...this.#closes.items], side: this.#side };
  }

  /** Restores a {@linkcode BollingerBreakout.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const closes = reader.numbers("closes");
    const side = reader.side("side");
    this.#bands = this.#newBands();
    this.#closes.clear();
    for (const close of closes) {
      this.#bands.update(close);
      this.#closes.push(close);
    }
    this.#side = side;
  }

  #newBands(): BollingerBands {
    return new BollingerBands({
      period: this.#params.period,
      multiplier: this.#params.std_multiplier,
    });
  }
}

/** The registry entry of {@linkcode BollingerBreakout}. */
export const bollingerBreakoutDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["bollinger_breakout", "bollinger-breakout"],
  description:
    "Bollinger breakout: long above the upper band, short below the lower, flat near the mean",
  params,
  create: (values) => new BollingerBreakout(values),
};
