/**
 * SmaCross: the classic moving-average crossover. When the fast SMA crosses above the slow SMA
 * it enters long (optionally with a stop-loss below the bar's low); when it crosses below it
 * exits the long, and with `allow_short` enters short. No signal before `min_samples` bars.
 *
 * @module
 */

import type { Candle, Signal } from "../domain/mod.ts";
import { Sma } from "../indicators/mod.ts";
import { type DefinedStrategy, defineStrategy } from "./define_strategy.ts";
import { param, type ParamsOf } from "./param.ts";
import { paramError } from "./registry.ts";

const fields = {
  symbol: param.symbol(),
  interval: param.interval({ description: "bar interval the SMAs run on" }),
  fast_period: param.number({
    integer: true,
    min: 1,
    default: 12,
    description: "fast SMA length (bars)",
  }),
  slow_period: param.number({
    integer: true,
    min: 2,
    default: 30,
    description: "slow SMA length (bars)",
  }),
  min_samples: param.number({
    integer: true,
    min: 0,
    default: 0,
    description: "bars to see before the first signal (0: as soon as the slow SMA is ready)",
  }),
  allow_short: param.boolean({ default: false, description: "enter short on a cross down" }),
  stop_loss_pct: param.number({
    min: 0,
    max: 0.5,
    default: 0,
    description: "stop-loss this fraction below the entry bar's low (0: none)",
  }),
  vwap_duration_secs: param.number({
    min: 0,
    default: 0,
    description: "execute entries with a VWAP algorithm over this many seconds (0: market)",
  }),
  vwap_participation: param.number({
    min: 0,
    max: 1,
    default: 0.1,
    description: "VWAP volume participation",
  }),
};

/** Validated SmaCross parameters (the symbol and interval parsed). */
export type SmaCrossParams = ParamsOf<typeof fields>;

function entry(p: SmaCrossParams, kind: "enter-long" | "enter-short", candle: Candle): Signal {
  const pct = p.stop_loss_pct;
  const stopLoss = pct > 0
    ? (kind === "enter-long" ? candle.low * (1 - pct) : candle.high * (1 + pct))
    : undefined;
  const { vwap_duration_secs: duration, vwap_participation: participation } = p;
  return {
    symbol: p.symbol,
    kind,
    confidence: 1,
    ...(stopLoss === undefined ? {} : { stopLoss }),
    ...(duration > 0
      ? { hint: { kind: "vwap" as const, durationSecs: duration, participation } }
      : {}),
  };
}

/** The registry entry of SmaCross. */
export const smaCrossDefinition: DefinedStrategy<typeof fields> = defineStrategy({
  name: "SmaCross",
  aliases: ["sma_cross", "sma-cross"],
  description: "fast/slow SMA crossover: long on a cross up, exit (or short) on a cross down",
  params: fields,
  check: (p) => {
    if (p.fast_period >= p.slow_period) {
      throw paramError(
        "SmaCross",
        "fast_period",
        `must be below slow_period (got fast_period = ${p.fast_period}, slow_period = ${p.slow_period})`,
      );
    }
  },
  // The last slow_period closes rebuild both SMAs on restore. Once full, `history` is a ring:
  // bar number `bars` overwrites slot `bars % slow_period`, the oldest close (shifting the
  // array every bar cost more than the rest of the strategy).
  state: { history: [] as number[], bars: 0, previousDiff: null as number | null },
  indicators: (p) => ({
    fast: new Sma({ period: p.fast_period }),
    slow: new Sma({ period: p.slow_period }),
  }),
  onRestore: ({ params: p, state, indicators }) => {
    const { history, bars } = state;
    // Oldest first: a full ring starts at the slot the next bar would overwrite.
    const oldest = history.length < p.slow_period ? 0 : bars % history.length;
    for (let i = 0; i < history.length; i++) {
      const close = history[(oldest + i) % history.length];
      indicators.fast.update(close);
      indicators.slow.update(close);
    }
  },
  subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: p.interval }],
  executionHints: (p) => p.vwap_duration_secs > 0 ? ["vwap"] : [],
  // Reads the close (and the entry bar's low or high) only.
  keepsCandles: false,
  onCandle(candle, ctx) {
    const { params: p, state, indicators } = ctx;
    if (candle.symbol !== p.symbol) return;
    if (state.history.length < p.slow_period) state.history.push(candle.close);
    else state.history[state.bars % p.slow_period] = candle.close;
    state.bars++;
    const fast = indicators.fast.update(candle.close);
    const slow = indicators.slow.update(candle.close);
    if (fast === undefined || slow === undefined) return;
    const diff = fast - slow;
    const previous = state.previousDiff;
    state.previousDiff = diff;
    if (previous === null || state.bars < p.min_samples) return;
    if (previous <= 0 && diff > 0) {
      ctx.signal(entry(p, "enter-long", candle));
    } else if (previous >= 0 && diff < 0) {
      ctx.signal({ symbol: p.symbol, kind: "exit-long", confidence: 1 });
      if (p.allow_short) ctx.signal(entry(p, "enter-short", candle));
    }
  },
});
