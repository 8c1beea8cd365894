/**
 * SmaCross: the classic moving-average crossover. When the fast SMA crosses above the slow SMA
 * it enters long (optionally with a stop-loss below the bar's low); when it crosses below it
 * exits the long, and with `allow_short` enters short. No signal before `min_samples` bars.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import { symbolField } from "./_support.ts";
import {
  type Candle,
  type ExecutionHint,
  parseInterval,
  type Signal,
  symbolId,
} from "../domain/mod.ts";
import { Sma } from "../indicators/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval the SMAs run on" }),
  fast_period: field.number({
    integer: true,
    min: 1,
    default: 12,
    description: "fast SMA length (bars)",
  }),
  slow_period: field.number({
    integer: true,
    min: 2,
    default: 30,
    description: "slow SMA length (bars)",
  }),
  min_samples: field.number({
    integer: true,
    min: 0,
    default: 0,
    description: "bars to see before the first signal (0: as soon as the slow SMA is ready)",
  }),
  allow_short: field.boolean({ default: false, description: "enter short on a cross down" }),
  stop_loss_pct: field.number({
    min: 0,
    max: 0.5,
    default: 0,
    description: "stop-loss this fraction below the entry bar's low (0: none)",
  }),
  vwap_duration_secs: field.number({
    min: 0,
    default: 0,
    description: "execute entries with a VWAP algorithm over this many seconds (0: market)",
  }),
  vwap_participation: field.number({
    min: 0,
    max: 1,
    default: 0.1,
    description: "VWAP volume participation",
  }),
});

/** Validated SmaCross parameters. */
export interface SmaCrossParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** Fast SMA length. */
  readonly fast_period: number;
  /** Slow SMA length. */
  readonly slow_period: number;
  /** Bars before the first signal (0 = when the slow SMA is ready). */
  readonly min_samples: number;
  /** Enter short on a cross down. */
  readonly allow_short: boolean;
  /** Stop-loss distance below the entry bar's low, as a fraction (0 = none). */
  readonly stop_loss_pct: number;
  /** VWAP execution window (0 = market orders). */
  readonly vwap_duration_secs: number;
  /** VWAP participation rate. */
  readonly vwap_participation: number;
}

/** The SmaCross strategy instance. */
export class SmaCross implements Strategy {
  readonly name = "SmaCross";
  readonly subscriptions: readonly StrategySubscription[];
  /** `vwap` when `vwap_duration_secs` is set. */
  readonly executionHints: readonly ExecutionHint["kind"][];
  readonly #params: SmaCrossParams;
  readonly #symbol: string;
  #fast: Sma;
  #slow: Sma;
  // The last slow_period closes, in a ring: enough to rebuild both SMAs on restore.
  #history: Float64Array;
  #historyNext = 0;
  #historyCount = 0;
  #bars = 0;
  #previousDiff: number | undefined;

  /** Builds the strategy; throws a `ConfigError` when the periods are inconsistent. */
  constructor(params: SmaCrossParams) {
    if (params.fast_period >= params.slow_period) {
      throw paramError(
        "SmaCross",
        "fast_period",
        `must be below slow_period (got fast_period = ${params.fast_period}, slow_period = ${params.slow_period})`,
      );
    }
    let symbol: string;
    let interval;
    try {
      symbol = symbolId(params.symbol);
      interval = parseInterval(params.interval);
    } catch (error) {
      throw paramError("SmaCross", "symbol/interval", (error as Error).message);
    }
    this.#params = params;
    this.#symbol = symbol;
    this.#fast = new Sma({ period: params.fast_period });
    this.#slow = new Sma({ period: params.slow_period });
    this.#history = new Float64Array(params.slow_period);
    this.subscriptions = [{ kind: "candles", symbol, interval }];
    this.executionHints = params.vwap_duration_secs > 0 ? ["vwap"] : [];
  }

  /** Updates both SMAs and signals on a cross. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    this.#remember(candle.close);
    this.#bars++;
    const fast = this.#fast.update(candle.close);
    const slow = this.#slow.update(candle.close);
    if (fast === undefined || slow === undefined) return;
    const diff = fast - slow;
    const previous = this.#previousDiff;
    this.#previousDiff = diff;
    if (previous === undefined || this.#bars < this.#params.min_samples) return;
    if (previous <= 0 && diff > 0) {
      ctx.signal(this.#entry("enter-long", candle));
    } else if (previous >= 0 && diff < 0) {
      ctx.signal({ symbol: this.#symbol, kind: "exit-long", confidence: 1 });
      if (this.#params.allow_short) ctx.signal(this.#entry("enter-short", candle));
    }
  }

  /** The last `slow_period` closes and the counters; indicators are rebuilt from them. */
  snapshot(): JsonValue {
    return {
      history: this.#orderedHistory(),
      bars: this.#bars,
      previousDiff: this.#previousDiff ?? null,
    };
  }

  /** Restores a {@linkcode SmaCross.snapshot}. */
  restore(state: JsonValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new TypeError("SmaCross.restore: expected the object made by snapshot()");
    }
    const record = state as { readonly [key: string]: JsonValue };
    const history = record.history;
    if (!Array.isArray(history) || !history.every((v) => typeof v === "number")) {
      throw new TypeError("SmaCross.restore: history must be an array of numbers");
    }
    this.#fast = new Sma({ period: this.#params.fast_period });
    this.#slow = new Sma({ period: this.#params.slow_period });
    this.#historyNext = 0;
    this.#historyCount = 0;
    for (const close of history as number[]) {
      this.#fast.update(close);
      this.#slow.update(close);
      this.#remember(close);
    }
    this.#bars = typeof record.bars === "number" ? record.bars : history.length;
    this.#previousDiff = typeof record.previousDiff === "number" ? record.previousDiff : undefined;
  }

  #remember(close: number): void {
    this.#history[this.#historyNext] = close;
    this.#historyNext = (this.#historyNext + 1) % this.#history.length;
    if (this.#historyCount < this.#history.length) this.#historyCount++;
  }

  #orderedHistory(): number[] {
    const size = this.#history.length;
    const start = (this.#historyNext - this.#historyCount + size) % size;
    return Array.from({ length: this.#historyCount }, (_, i) => this.#history[(start + i) % size]);
  }

  #entry(kind: "enter-long" | "enter-short", candle: Candle): Signal {
    const pct = this.#params.stop_loss_pct;
    const stopLoss = pct > 0
      ? (kind === "enter-long" ? candle.low * (1 - pct) : candle.high * (1 + pct))
      : undefined;
    const { vwap_duration_secs: duration, vwap_participation: participation } = this.#params;
    return {
      symbol: this.#symbol,
      kind,
      confidence: 1,
      ...(stopLoss === undefined ? {} : { stopLoss }),
      ...(duration > 0
        ? { hint: { kind: "vwap" as const, durationSecs: duration, participation } }
        : {}),
    };
  }
}

/** The registry entry of {@linkcode SmaCross}. */
export const smaCrossDefinition: StrategyDefinition<typeof params> = {
  name: "SmaCross",
  aliases: ["sma_cross", "sma-cross"],
  description: "fast/slow SMA crossover: long on a cross up, exit (or short) on a cross down",
  params,
  create: (values) => new SmaCross(values),
};
