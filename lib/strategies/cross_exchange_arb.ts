/**
 * CrossExchangeArb: the same instrument on two venues (e.g. `bybit:BTCUSDT` and
 * `binance:BTCUSDT`) should trade at the same price. At each bar close the spread is
 * `(p₁ − p₂) / ((p₁ + p₂) / 2)` in basis points. When its size, net of the round-trip fees,
 * reaches `entry_bps`, the strategy sells the rich venue and buys the cheap one, `quantity` of
 * each; when the size falls to `exit_bps` it flattens both legs.
 *
 * Fees: the round trip costs four fills (open and close on both venues), so the gross spread
 * must reach `entry_bps + 2·(fee₁ + fee₂)` where the fees are `fee_bps` per fill or, when
 * that is not set, each instrument's taker fee. One trade at a time; both legs share a
 * `groupId`. The bars of the two venues are paired by open time.
 *
 * @module
 */

import type { SymbolId } from "../domain/mod.ts";
import { type DefinedContext, type DefinedStrategy, defineStrategy } from "./define_strategy.ts";
import { param, type ParamsOf } from "./param.ts";
import { paramError } from "./registry.ts";
import { pairBar, type PendingPair, requireBelow, storedBar } from "./_support.ts";

const NAME = "CrossExchangeArb";

const fields = {
  symbols: param.symbols({
    count: 2,
    description: 'the same instrument on two venues, e.g. ["bybit:BTCUSDT", "binance:BTCUSDT"]',
  }),
  interval: param.interval({ description: "bar interval of both venues" }),
  entry_bps: param.number({
    min: 0,
    default: 10,
    description: "open when the spread net of round-trip fees reaches this (bps)",
  }),
  exit_bps: param.number({
    min: 0,
    default: 2,
    description: "close when the spread falls to this (bps)",
  }),
  fee_bps: param.number({
    min: 0,
    description: "fee per fill (bps); default: each instrument's taker fee",
  }),
  quantity: param.number({ min: 0, default: 0.01, description: "quantity of each leg" }),
};

/** Validated CrossExchangeArb parameters. */
export type CrossExchangeArbParams = ParamsOf<typeof fields>;

/** The state: the bar waiting for its partner, and the open trade (if any). */
interface ArbState {
  pending: PendingPair;
  groupId: string | null;
  // +1: entered with symbols[0] rich (short it); −1: symbols[1] rich.
  direction: number;
}

type ArbContext = DefinedContext<CrossExchangeArbParams, ArbState, Record<never, never>>;

function feeBps(symbol: SymbolId, ctx: ArbContext): number {
  if (ctx.params.fee_bps !== undefined) return ctx.params.fee_bps;
  const fee = ctx.instrument(symbol)?.takerFee.toNumber() ?? 0;
  return Math.max(0, fee) * 10_000;
}

/** The registry entry of CrossExchangeArb. */
export const crossExchangeArbDefinition: DefinedStrategy<typeof fields> = defineStrategy({
  name: NAME,
  aliases: ["cross_exchange_arb", "cross-exchange-arb"],
  description:
    "cross-venue arbitrage: sell the rich venue, buy the cheap one when the net spread pays",
  params: fields,
  check: (p) => {
    const [a, b] = p.symbols.map((s) => s.slice(0, s.indexOf(":")));
    if (a === b) throw paramError(NAME, "symbols", `must be on two venues (both are on ${a})`);
    requireBelow(NAME, "exit_bps", p.exit_bps, "entry_bps", p.entry_bps);
    if (!(p.quantity > 0)) {
      throw paramError(NAME, "quantity", `must be positive (got ${p.quantity})`);
    }
  },
  state: (): ArbState => ({ pending: [null, null], groupId: null, direction: 1 }),
  subscriptions: (p) =>
    p.symbols.map((symbol) => ({ kind: "candles" as const, symbol, interval: p.interval })),
  onCandle(candle, ctx) {
    const { params: p, state } = ctx;
    const pair = pairBar(state.pending, p.symbols, candle.symbol, storedBar(candle));
    if (pair === undefined) return;
    const p1 = pair[0].close;
    const p2 = pair[1].close;
    const spreadBps = ((p1 - p2) / ((p1 + p2) / 2)) * 10_000;
    const [s1, s2] = p.symbols as readonly [SymbolId, SymbolId];
    const note = `spread ${spreadBps.toFixed(2)} bps`;
    if (state.groupId !== null) {
      // The spread is measured in the trade's direction: a flip past zero is a gain, so it
      // exits too (only a spread still wider than exit_bps on the entry side keeps it open).
      if (state.direction * spreadBps > p.exit_bps) return;
      const groupId = state.groupId;
      state.groupId = null;
      ctx.signal({ symbol: s1, kind: "flatten", confidence: 1, groupId, note });
      ctx.signal({ symbol: s2, kind: "flatten", confidence: 1, groupId, note });
      return;
    }
    const cost = 2 * (feeBps(s1, ctx) + feeBps(s2, ctx));
    if (Math.abs(spreadBps) - cost < p.entry_bps) return;
    const groupId = `${NAME}:${pair[0].openTime}`;
    state.groupId = groupId;
    state.direction = spreadBps > 0 ? 1 : -1;
    const [rich, cheap] = spreadBps > 0 ? [s1, s2] : [s2, s1];
    const quantity = p.quantity;
    ctx.signal({ symbol: rich, kind: "enter-short", confidence: 1, quantity, groupId, note });
    ctx.signal({ symbol: cheap, kind: "enter-long", confidence: 1, quantity, groupId, note });
  },
});
