/**
 * Breakout: the Donchian channel breakout with an ATR stop (the turtle rule). The channel is
 * the highest high and lowest low of the `period` bars before the current one. A close that
 * breaks above the channel enters long with a stop-loss `atr_multiplier`·ATR below the close;
 * a close that breaks below it exits the long (and, with `allow_short`, enters short with the
 * stop above). A break is signalled on the bar it happens, not again while the price stays
 * outside, so a stopped-out trade waits for the next fresh break.
 *
 * The ATR (Wilder, `atr_period`) is computed over the last `lookback` bars, which are the
 * whole state, so a snapshot restores bit-for-bit.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, Signal, SymbolId } from "../domain/mod.ts";
import { Atr } from "../indicators/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  barToRow,
  History,
  intervalParam,
  lastOver,
  rowToBar,
  SnapshotReader,
  type StoredBar,
  storedBar,
  symbolField,
  symbolParam,
} from "./_support.ts";

const NAME = "Breakout";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval of the channel" }),
  period: field.number({
    integer: true,
    min: 1,
    default: 20,
    description: "Donchian channel length (bars before the current one)",
  }),
  atr_period: field.number({ integer: true, min: 1, default: 14, description: "ATR length" }),
  atr_multiplier: field.number({
    min: 0,
    default: 2,
    description: "stop-loss distance in ATRs from the entry close (0: no stop)",
  }),
  lookback: field.number({
    integer: true,
    min: 2,
    default: 100,
    description: "bars kept; the ATR is computed over them (more than period and atr_period)",
  }),
  allow_short: field.boolean({ default: false, description: "enter short on a downside break" }),
});

/** Validated Breakout parameters. */
export interface BreakoutParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** Channel length (bars before the current one). */
  readonly period: number;
  /** ATR length. */
  readonly atr_period: number;
  /** Stop distance in ATRs (0 = no stop). */
  readonly atr_multiplier: number;
  /** Bars kept and used for the ATR. */
  readonly lookback: number;
  /** Enter short on a downside break. */
  readonly allow_short: boolean;
}

/** The Breakout strategy instance. */
export class Breakout implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: BreakoutParams;
  readonly #symbol: SymbolId;
  readonly #bars: History<StoredBar>;
  #wasAbove = false;
  #wasBelow = false;

  /** Builds the strategy; throws a `ConfigError` when `lookback` is too short. */
  constructor(params: BreakoutParams) {
    const needed = Math.max(params.period, params.atr_period) + 1;
    if (params.lookback < needed) {
      throw paramError(
        NAME,
        "lookback",
        `must be at least max(period, atr_period) + 1 = ${needed} (got ${params.lookback})`,
      );
    }
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#bars = new History(params.lookback);
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval }];
  }

  /** Signals on the bar whose close breaks out of the previous `period` bars' channel. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    const bars = this.#bars.items;
    const period = this.#params.period;
    let above = false;
    let below = false;
    if (bars.length >= period) {
      let upper = -Infinity;
      let lower = Infinity;
      for (let i = bars.length - period; i < bars.length; i++) {
        const bar = bars[i] as StoredBar;
        if (bar.high > upper) upper = bar.high;
        if (bar.low < lower) lower = bar.low;
      }
      above = candle.close > upper;
      below = candle.close < lower;
    }
    this.#bars.push(storedBar(candle));
    const freshUp = above && !this.#wasAbove;
    const freshDown = below && !this.#wasBelow;
    this.#wasAbove = above;
    this.#wasBelow = below;
    const symbol = this.#symbol;
    if (freshUp) {
      ctx.signal(this.#entry("enter-long", candle.close));
    } else if (freshDown) {
      ctx.signal({ symbol, kind: "exit-long", confidence: 1, note: "downside break" });
      if (this.#params.allow_short) ctx.signal(this.#entry("enter-short", candle.close));
    }
  }

  /** The last `lookback` bars and whether the previous close was outside the channel. */
  snapshot(): JsonValue {
    return {
      bars: this.#bars.items.map(barToRow),
      wasAbove: this.#wasAbove ? 1 : 0,
      wasBelow: this.#wasBelow ? 1 : 0,
    };
  }

  /** Restores a {@linkcode Breakout.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const bars = reader.rows("bars", 4);
    const wasAbove = reader.number("wasAbove") === 1;
    const wasBelow = reader.number("wasBelow") === 1;
    this.#bars.clear();
    for (const row of bars) this.#bars.push(rowToBar(row));
    this.#wasAbove = wasAbove;
    this.#wasBelow = wasBelow;
  }

  #entry(kind: "enter-long" | "enter-short", close: number): Signal {
    const symbol = this.#symbol;
    const multiplier = this.#params.atr_multiplier;
    const atr = multiplier > 0
      ? lastOver(new Atr({ period: this.#params.atr_period }), this.#bars.items)
      : undefined;
    const note = kind === "enter-long" ? "upside break" : "downside break";
    if (atr === undefined) return { symbol, kind, confidence: 1, note };
    const stopLoss = kind === "enter-long" ? close - multiplier * atr : close + multiplier * atr;
    return stopLoss > 0
      ? { symbol, kind, confidence: 1, stopLoss, note }
      : { symbol, kind, confidence: 1, note };
  }
}

/** The registry entry of {@linkcode Breakout}. */
export const breakoutDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["donchian_breakout", "donchian-breakout", "donchian"],
  description: "Donchian channel breakout: long on a break above the channel with an ATR stop",
  params,
  create: (values) => new Breakout(values),
};
