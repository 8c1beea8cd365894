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

import { field } from "../config/mod.ts";
import type { Candle, SymbolId } from "../domain/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  BarPairSync,
  intervalParam,
  requireBelow,
  SnapshotReader,
  storedBar,
  symbolPairParam,
} from "./_support.ts";

const NAME = "CrossExchangeArb";

const params = field.table({
  symbols: field.array(field.string(), {
    required: true,
    description: 'the same instrument on two venues, e.g. ["bybit:BTCUSDT", "binance:BTCUSDT"]',
  }),
  interval: field.string({ default: "1m", description: "bar interval of both venues" }),
  entry_bps: field.number({
    min: 0,
    default: 10,
    description: "open when the spread net of round-trip fees reaches this (bps)",
  }),
  exit_bps: field.number({
    min: 0,
    default: 2,
    description: "close when the spread falls to this (bps)",
  }),
  fee_bps: field.number({
    min: 0,
    description: "fee per fill (bps); default: each instrument's taker fee",
  }),
  quantity: field.number({ min: 0, default: 0.01, description: "quantity of each leg" }),
});

/** Validated CrossExchangeArb parameters. */
export interface CrossExchangeArbParams {
  /** The two venue-qualified symbols of one instrument. */
  readonly symbols: readonly string[];
  /** Bar interval. */
  readonly interval: string;
  /** Net entry threshold (bps). */
  readonly entry_bps: number;
  /** Exit threshold on the gross spread (bps). */
  readonly exit_bps: number;
  /** Fee per fill (bps); the instruments' taker fees when absent. */
  readonly fee_bps?: number;
  /** Quantity of each leg. */
  readonly quantity: number;
}

/** The CrossExchangeArb strategy instance. */
export class CrossExchangeArb implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: CrossExchangeArbParams;
  readonly #symbols: readonly [SymbolId, SymbolId];
  readonly #sync: BarPairSync;
  #groupId: string | undefined;
  // +1: entered with symbols[0] rich (short it); −1: symbols[1] rich.
  #direction: 1 | -1 = 1;

  /** Builds the strategy; throws a `ConfigError` for one symbol, one venue or `exit ≥ entry`. */
  constructor(params: CrossExchangeArbParams) {
    this.#symbols = symbolPairParam(NAME, "symbols", params.symbols);
    const [a, b] = this.#symbols.map((s) => s.slice(0, s.indexOf(":")));
    if (a === b) {
      throw paramError(NAME, "symbols", `must be on two venues (both are on ${a})`);
    }
    requireBelow(NAME, "exit_bps", params.exit_bps, "entry_bps", params.entry_bps);
    if (!(params.quantity > 0)) {
      throw paramError(NAME, "quantity", `must be positive (got ${params.quantity})`);
    }
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#sync = new BarPairSync(this.#symbols);
    this.subscriptions = this.#symbols.map((symbol) => ({
      kind: "candles" as const,
      symbol,
      interval,
    }));
  }

  /** Pairs the venues' bars and trades the spread. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    const pair = this.#sync.add(candle.symbol, storedBar(candle));
    if (pair === undefined) return;
    const p1 = pair[0].close;
    const p2 = pair[1].close;
    const spreadBps = ((p1 - p2) / ((p1 + p2) / 2)) * 10_000;
    const [s1, s2] = this.#symbols;
    const note = `spread ${spreadBps.toFixed(2)} bps`;
    if (this.#groupId !== undefined) {
      // The spread is measured in the trade's direction: a flip past zero is a gain, so it
      // exits too (only a spread still wider than exit_bps on the entry side keeps it open).
      if (this.#direction * spreadBps > this.#params.exit_bps) return;
      const groupId = this.#groupId;
      this.#groupId = undefined;
      ctx.signal({ symbol: s1, kind: "flatten", confidence: 1, groupId, note });
      ctx.signal({ symbol: s2, kind: "flatten", confidence: 1, groupId, note });
      return;
    }
    const cost = 2 * (this.#feeBps(s1, ctx) + this.#feeBps(s2, ctx));
    if (Math.abs(spreadBps) - cost < this.#params.entry_bps) return;
    const groupId = `${NAME}:${pair[0].openTime}`;
    this.#groupId = groupId;
    this.#direction = spreadBps > 0 ? 1 : -1;
    const [rich, cheap] = spreadBps > 0 ? [s1, s2] : [s2, s1];
    const quantity = this.#params.quantity;
    ctx.signal({ symbol: rich, kind: "enter-short", confidence: 1, quantity, groupId, note });
    ctx.signal({ symbol: cheap, kind: "enter-long", confidence: 1, quantity, groupId, note });
  }

  /** A half-received pair of bars and the open trade's group id. */
  snapshot(): JsonValue {
    return {
      pending: this.#sync.snapshot(),
      groupId: this.#groupId ?? null,
      direction: this.#direction,
    };
  }

  /** Restores a {@linkcode CrossExchangeArb.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const groupId = reader.optionalString("groupId");
    const direction = (state as { readonly [key: string]: JsonValue }).direction;
    this.#sync.restore(NAME, (state as { readonly [key: string]: JsonValue }).pending);
    this.#groupId = groupId;
    this.#direction = direction === -1 ? -1 : 1;
  }

  #feeBps(symbol: SymbolId, ctx: StrategyContext): number {
    if (this.#params.fee_bps !== undefined) return this.#params.fee_bps;
    const fee = ctx.instrument(symbol)?.takerFee.toNumber() ?? 0;
    return Math.max(0, fee) * 10_000;
  }
}

/** The registry entry of {@linkcode CrossExchangeArb}. */
export const crossExchangeArbDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["cross_exchange_arb", "cross-exchange-arb"],
  description:
    "cross-venue arbitrage: sell the rich venue, buy the cheap one when the net spread pays",
  params,
  create: (values) => new CrossExchangeArb(values),
};
