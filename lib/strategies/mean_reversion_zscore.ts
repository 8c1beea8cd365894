/**
 * MeanReversionZScore: fade stretched prices. The z-score of the close over the last `period`
 * closes (`(close − mean) / σ`) measures the stretch: `z ≤ −entry_z` enters long, `z ≥ entry_z`
 * enters short (with `allow_short`), and `|z| ≤ exit_z` flattens. Each entry and exit is
 * signalled once: the strategy remembers the side it asked for. The z-score is a window
 * statistic, so the last `period` closes are the whole state.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, SymbolId } from "../domain/mod.ts";
import { ZScore } from "../indicators/mod.ts";
import type { StrategyDefinition } from "./registry.ts";
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

const NAME = "MeanReversionZScore";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval the z-score runs on" }),
  period: field.number({
    integer: true,
    min: 2,
    default: 20,
    description: "window of the mean and σ (bars)",
  }),
  entry_z: field.number({
    min: 0,
    default: 2,
    description: "enter when |z| reaches this (long below −entry_z, short above)",
  }),
  exit_z: field.number({ min: 0, default: 0.5, description: "flatten when |z| falls to this" }),
  allow_short: field.boolean({ default: true, description: "enter short above entry_z" }),
});

/** Validated MeanReversionZScore parameters. */
export interface MeanReversionZScoreParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** Window of the z-score. */
  readonly period: number;
  /** Entry threshold on |z|. */
  readonly entry_z: number;
  /** Exit threshold on |z|. */
  readonly exit_z: number;
  /** Enter short above `entry_z`. */
  readonly allow_short: boolean;
}

/** The MeanReversionZScore strategy instance. */
export class MeanReversionZScore implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: MeanReversionZScoreParams;
  readonly #symbol: SymbolId;
  readonly #closes: History<number>;
  #z: ZScore;
  #side: Side = "flat";

  /** Builds the strategy; throws a `ConfigError` unless `exit_z < entry_z`. */
  constructor(params: MeanReversionZScoreParams) {
    requireBelow(NAME, "exit_z", params.exit_z, "entry_z", params.entry_z);
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#closes = new History(params.period);
    this.#z = new ZScore({ period: params.period });
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval }];
  }

  /** Updates the z-score; enters when stretched, flattens when back near the mean. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    this.#closes.push(candle.close);
    const z = this.#z.update(candle.close);
    if (z === undefined) return;
    const { entry_z: entry, exit_z: exit, allow_short: allowShort } = this.#params;
    const symbol = this.#symbol;
    const note = `z ${z.toFixed(3)}`;
    if (z <= -entry && this.#side !== "long") {
      this.#side = "long";
      ctx.signal({ symbol, kind: "enter-long", confidence: 1, note });
    } else if (z >= entry && allowShort && this.#side !== "short") {
      this.#side = "short";
      ctx.signal({ symbol, kind: "enter-short", confidence: 1, note });
    } else if (Math.abs(z) <= exit && this.#side !== "flat") {
      this.#side = "flat";
      ctx.signal({ symbol, kind: "flatten", confidence: 1, note });
    }
  }

  /** The last `period` closes and the side asked for. */
  snapshot(): JsonValue {
    return { closes: [...this.#closes.items], side: this.#side };
  }

  /** Restores a {@linkcode MeanReversionZScore.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const closes = reader.numbers("closes");
    const side = reader.side("side");
    this.#z = new ZScore({ period: this.#params.period });
    this.#closes.clear();
    for (const close of closes) {
      this.#z.update(close);
      this.#closes.push(close);
    }
    this.#side = side;
  }
}

/** The registry entry of {@linkcode MeanReversionZScore}. */
export const meanReversionZScoreDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["mean_reversion_zscore", "mean-reversion-zscore", "zscore"],
  description: "z-score mean reversion: long below −entry_z, short above entry_z, flat near 0",
  params,
  create: (values) => new MeanReversionZScore(values),
};
