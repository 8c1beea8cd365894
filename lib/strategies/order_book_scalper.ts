/**
 * OrderBookScalper: takes a side when the depth-weighted book imbalance (see
 * `order_book_imbalance.ts`) and the MACD histogram of mid prices agree (imbalance beyond
 * `threshold` and histogram of the same sign), and gets there with **passive** orders pegged to
 * the best price of its side: a buy rests at the best bid, a sell at the best ask. When the touch
 * moves, the order is amended to the new best (losing queue priority); while it stays, the order
 * is left alone (keeping it). Without agreement the target is flat, reached the same way.
 * Mids are sampled for the MACD every `sample_ms`. With `peg_refresh_secs > 0` the pegging is
 * left to the PeggedBest execution algorithm instead: each change of target is one signal with
 * the hint `{ kind: "pegged-best", offsetTicks: 0, refreshSecs: peg_refresh_secs }`.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import { symbolField } from "./_support.ts";
import { isTerminal, type Order, type SymbolId, symbolId } from "../domain/mod.ts";
import { Macd } from "../indicators/mod.ts";
import { bookImbalance } from "./order_book_imbalance.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type {
  BookView,
  JsonValue,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "./strategy.ts";

const params = field.table({
  symbol: symbolField,
  depth: field.number({ integer: true, min: 1, default: 5, description: "levels per side" }),
  level_decay: field.number({ min: 0, max: 1, default: 0.5, description: "level weight decay" }),
  threshold: field.number({ min: 0, max: 1, default: 0.4, description: "|imbalance| to act" }),
  quantity: field.number({ min: 0, default: 100, description: "position size" }),
  sample_ms: field.number({ min: 1, default: 1000, description: "MACD sampling step (ms)" }),
  fast_period: field.number({ integer: true, min: 1, default: 12, description: "MACD fast EMA" }),
  slow_period: field.number({ integer: true, min: 2, default: 26, description: "MACD slow EMA" }),
  signal_period: field.number({ integer: true, min: 1, default: 9, description: "MACD signal" }),
  peg_refresh_secs: field.number({
    min: 0,
    default: 0,
    description:
      "0: peg its own orders; above 0: signals worked by PeggedBest, re-pegged this often",
  }),
});

/** Validated OrderBookScalper parameters. */
export interface OrderBookScalperParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Levels per side. */
  readonly depth: number;
  /** Level weight decay. */
  readonly level_decay: number;
  /** |imbalance| needed to take a side. */
  readonly threshold: number;
  /** Position size. */
  readonly quantity: number;
  /** MACD sampling step, ms. */
  readonly sample_ms: number;
  /** MACD fast period (samples). */
  readonly fast_period: number;
  /** MACD slow period (samples). */
  readonly slow_period: number;
  /** MACD signal period (samples). */
  readonly signal_period: number;
  /** PeggedBest refresh (s); 0: the strategy pegs its own orders. */
  readonly peg_refresh_secs?: number;
}

interface Peg {
  readonly id: string;
  readonly buy: boolean;
  price: number;
}

/** The OrderBookScalper strategy instance. */
export class OrderBookScalper implements Strategy {
  readonly name = "OrderBookScalper";
  readonly subscriptions: readonly StrategySubscription[];
  /** `pegged-best` when PeggedBest works its signals. */
  readonly executionHints: readonly "pegged-best"[];
  readonly #p: OrderBookScalperParams;
  readonly #symbol: SymbolId;
  #macd: Macd;
  #histogram = NaN;
  #nextSample = -Infinity;
  #peg: Peg | undefined;
  #target = 0;
  #signalled = 0;
  #placed = 0;
  #amended = 0;
  #kept = 0;

  /** Builds the strategy. */
  constructor(params: OrderBookScalperParams) {
    if (params.fast_period >= params.slow_period) {
      throw paramError("OrderBookScalper", "fast_period", "must be below slow_period");
    }
    try {
      this.#symbol = symbolId(params.symbol);
    } catch (error) {
      throw paramError("OrderBookScalper", "symbol", (error as Error).message);
    }
    this.#p = params;
    this.#macd = this.#newMacd();
    this.subscriptions = [{ kind: "book", symbol: this.#symbol }];
    this.executionHints = (params.peg_refresh_secs ?? 0) > 0 ? ["pegged-best"] : [];
  }

  #newMacd(): Macd {
    const p = this.#p;
    return new Macd({
      fastPeriod: p.fast_period,
      slowPeriod: p.slow_period,
      signalPeriod: p.signal_period,
    });
  }

  /** Updates the MACD and the target, then re-pegs the working order. */
  onBook(book: BookView, ctx: StrategyContext): void {
    if (book.symbol !== this.#symbol || book.bids.depth === 0 || book.asks.depth === 0) return;
    const p = this.#p;
    const bestBid = book.bids.price(0);
    const bestAsk = book.asks.price(0);
    if (ctx.now >= this.#nextSample) {
      this.#nextSample = ctx.now + p.sample_ms * 1000;
      const value = this.#macd.update((bestBid + bestAsk) / 2);
      if (value !== undefined) this.#histogram = value.histogram;
    }
    const imbalance = bookImbalance(book, p.depth, p.level_decay);
    const h = this.#histogram;
    this.#target = imbalance >= p.threshold && h > 0
      ? p.quantity
      : imbalance <= -p.threshold && h < 0
      ? -p.quantity
      : 0;
    const refreshSecs = p.peg_refresh_secs ?? 0;
    if (refreshSecs > 0) {
      this.#signalTarget(ctx, refreshSecs);
      return;
    }
    const need = this.#target - ctx.position(this.#symbol);
    const peg = this.#peg;
    if (need === 0) {
      if (peg !== undefined) {
        ctx.cancelOrder(this.#symbol, peg.id);
        this.#peg = undefined;
      }
      return;
    }
    const buy = need > 0;
    const price = buy ? bestBid : bestAsk;
    if (peg !== undefined && peg.buy !== buy) {
      ctx.cancelOrder(this.#symbol, peg.id);
      this.#peg = undefined;
    } else if (peg !== undefined) {
      if (peg.price === price) {
        this.#kept++;
        return;
      }
      ctx.amendOrder(this.#symbol, peg.id, { price });
      peg.price = price;
      this.#amended++;
      return;
    }
    const id = ctx.submitOrder({
      symbol: this.#symbol,
      side: buy ? "buy" : "sell",
      type: "limit",
      quantity: Math.abs(need),
      price,
      timeInForce: "post-only",
    });
    if (id !== undefined) {
      this.#peg = { id, buy, price };
      this.#placed++;
    }
  }

  // The target as a signal worked by PeggedBest, once per change of target.
  #signalTarget(ctx: StrategyContext, refreshSecs: number): void {
    const target = this.#target;
    if (target === this.#signalled) return;
    this.#signalled = target;
    const symbol = this.#symbol;
    const hint = { kind: "pegged-best" as const, offsetTicks: 0, refreshSecs };
    if (target === 0) {
      ctx.signal({ symbol, kind: "flatten", confidence: 1 });
      return;
    }
    this.#placed++;
    ctx.signal({
      symbol,
      kind: target > 0 ? "enter-long" : "enter-short",
      confidence: 1,
      quantity: Math.abs(target),
      hint,
    });
  }

  /** Forgets the peg once it is done. */
  onOrderUpdate(order: Order): void {
    if (this.#peg?.id === order.request.clientOrderId && isTerminal(order.status)) {
      this.#peg = undefined;
    }
  }

  /** Target, histogram and peg counters. */
  diagnostics(): Readonly<Record<string, JsonValue>> {
    return {
      target: this.#target,
      histogram: Number.isFinite(this.#histogram) ? this.#histogram : null,
      placed: this.#placed,
      amended: this.#amended,
      keptPriority: this.#kept,
    };
  }

  /** The MACD warms up again from the data; nothing else is worth persisting. */
  snapshot(): JsonValue {
    return { target: this.#target };
  }

  /** Resets the indicator (it warms up from the data). */
  restore(_state: JsonValue): void {
    this.#macd = this.#newMacd();
    this.#histogram = NaN;
  }
}

/** The registry entry of {@linkcode OrderBookScalper}. */
export const orderBookScalperDefinition: StrategyDefinition<typeof params> = {
  name: "OrderBookScalper",
  aliases: ["order_book_scalper", "order-book-scalper"],
  description:
    "imbalance confirmed by the MACD of mids, entered with passive orders pegged to the touch",
  params,
  create: (values) => new OrderBookScalper(values),
};
