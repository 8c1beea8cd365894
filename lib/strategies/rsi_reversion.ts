/**
 * RsiReversion: buy weakness, sell strength. When the RSI drops below `oversold` it enters long;
 * when it rises above `overbought` it exits the long (and, with `allow_short`, enters short —
 * symmetrically, a drop below `oversold` then also exits the short). It signals once per zone
 * entry: a run of bars inside a zone gives one signal, and the RSI must leave the zone (back
 * into the neutral band or into the other zone) before that zone can signal again.
 *
 * The RSI (Wilder, `period`) is computed over the last `lookback` closes, Tesser's meaning of
 * `lookback`, so the state is exactly that window and a snapshot restores bit-for-bit.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, SymbolId } from "../domain/mod.ts";
import { Rsi } from "../indicators/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  History,
  intervalParam,
  lastOver,
  requireBelow,
  SnapshotReader,
  symbolField,
  symbolParam,
} from "./_support.ts";

const NAME = "RsiReversion";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval the RSI runs on" }),
  period: field.number({ integer: true, min: 2, default: 14, description: "RSI length (bars)" }),
  oversold: field.number({
    min: 0,
    max: 100,
    default: 30,
    description: "enter long when the RSI drops below this",
  }),
  overbought: field.number({
    min: 0,
    max: 100,
    default: 70,
    description: "exit long (or enter short) when the RSI rises above this",
  }),
  lookback: field.number({
    integer: true,
    min: 3,
    default: 200,
    description: "closes the RSI is computed over (more than period)",
  }),
  allow_short: field.boolean({
    default: false,
    description: "enter short in the overbought zone",
  }),
});

/** Validated RsiReversion parameters. */
export interface RsiReversionParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** RSI length. */
  readonly period: number;
  /** Lower RSI threshold (enter long below it). */
  readonly oversold: number;
  /** Upper RSI threshold (exit long / enter short above it). */
  readonly overbought: number;
  /** Closes the RSI is computed over. */
  readonly lookback: number;
  /** Enter short in the overbought zone. */
  readonly allow_short: boolean;
}

type Zone = "oversold" | "overbought" | "neutral";

/** The RsiReversion strategy instance. */
export class RsiReversion implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: RsiReversionParams;
  readonly #symbol: SymbolId;
  readonly #closes: History<number>;
  #zone: Zone | undefined;

  /** Builds the strategy; throws a `ConfigError` for inconsistent thresholds or lengths. */
  constructor(params: RsiReversionParams) {
    requireBelow(NAME, "oversold", params.oversold, "overbought", params.overbought);
    if (params.lookback <= params.period) {
      throw paramError(
        NAME,
        "lookback",
        `must be above period (got lookback = ${params.lookback}, period = ${params.period})`,
      );
    }
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#closes = new History(params.lookback);
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval }];
  }

  /** Updates the RSI and signals when it enters a zone. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    this.#closes.push(candle.close);
    const rsi = lastOver(new Rsi({ period: this.#params.period }), this.#closes.items);
    if (rsi === undefined) return;
    // A window without any movement has RSI 0 by TA-Lib's convention; it is neither oversold
    // nor overbought (stale or forward-filled data must not trade).
    const closes = this.#closes.items;
    const moved = closes.some((close) => close !== closes[0]);
    const zone: Zone = !moved
      ? "neutral"
      : rsi < this.#params.oversold
      ? "oversold"
      : rsi > this.#params.overbought
      ? "overbought"
      : "neutral";
    const previous = this.#zone;
    this.#zone = zone;
    if (zone === previous) return;
    const symbol = this.#symbol;
    const note = `RSI ${rsi.toFixed(2)}`;
    switch (zone) {
      case "oversold":
        if (this.#params.allow_short) ctx.signal({ symbol, kind: "exit-short", confidence: 1 });
        ctx.signal({ symbol, kind: "enter-long", confidence: 1, note });
        return;
      case "overbought":
        ctx.signal({ symbol, kind: "exit-long", confidence: 1, note });
        if (this.#params.allow_short) {
          ctx.signal({ symbol, kind: "enter-short", confidence: 1, note });
        }
        return;
      case "neutral":
        return;
      default: {
        const unknown: never = zone;
        throw new TypeError(`Unknown zone ${String(unknown)}`);
      }
    }
  }

  /** The last `lookback` closes and the current zone. */
  snapshot(): JsonValue {
    return { closes: [...this.#closes.items], zone: this.#zone ?? null };
  }

  /** Restores a {@linkcode RsiReversion.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const closes = reader.numbers("closes");
    const zone = reader.optionalString("zone");
    if (zone !== undefined && zone !== "oversold" && zone !== "overbought" && zone !== "neutral") {
      throw new TypeError(`${NAME}.restore: zone must be oversold, overbought, neutral or null`);
    }
    this.#closes.clear();
    for (const close of closes) this.#closes.push(close);
    this.#zone = zone;
  }
}

/** The registry entry of {@linkcode RsiReversion}. */
export const rsiReversionDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["rsi_reversion", "rsi-reversion"],
  description: "RSI mean reversion: long when RSI enters oversold, exit (or short) when overbought",
  params,
  create: (values) => new RsiReversion(values),
};
