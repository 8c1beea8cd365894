/**
 * OrderBookImbalance: trades the depth-weighted imbalance of the book,
 * `I = (Σ wᵢ·bidᵢ − Σ wᵢ·askᵢ) / (Σ wᵢ·bidᵢ + Σ wᵢ·askᵢ)` over the best `depth` levels with
 * `wᵢ = level_decay^i` (level 0 weighs 1). `I ≥ enter_threshold` enters long,
 * `I ≤ −enter_threshold` enters short (market orders through the OMS), and `|I| < exit_threshold`
 * (the neutral zone) flattens. A target changes at most once per `cooldown_ms`.
 *
 * @module
 */

import { type DefinedStrategy, defineStrategy } from "./define_strategy.ts";
import { param, type ParamsOf } from "./param.ts";
import { paramError } from "./registry.ts";
import type { BookView } from "./strategy.ts";

/**
 * The depth-weighted imbalance in [−1, 1] (0 for an empty book).
 *
 * @example
 * ```ts
 * import { bookImbalance } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const side = (sizes: number[]) => ({
 *   depth: sizes.length,
 *   price: (i: number) => 100 - i,
 *   size: (i: number) => sizes[i] ?? 0,
 * });
 * assert.equal(bookImbalance({ symbol: "x:Y", bids: side([3]), asks: side([1]) }, 1, 0.5), 0.5);
 * ```
 */
export function bookImbalance(book: BookView, depth: number, decay: number): number {
  let bid = 0;
  let ask = 0;
  let w = 1;
  for (let i = 0; i < depth; i++) {
    if (i < book.bids.depth) bid += w * book.bids.size(i);
    if (i < book.asks.depth) ask += w * book.asks.size(i);
    w *= decay;
  }
  const total = bid + ask;
  return total > 0 ? (bid - ask) / total : 0;
}

const fields = {
  symbol: param.symbol(),
  depth: param.number({ integer: true, min: 1, default: 5, description: "levels per side" }),
  level_decay: param.number({
    min: 0,
    max: 1,
    default: 0.5,
    description: "weight of level i is level_decay^i",
  }),
  enter_threshold: param.number({
    min: 0,
    max: 1,
    default: 0.6,
    description: "|imbalance| that enters",
  }),
  exit_threshold: param.number({
    min: 0,
    max: 1,
    default: 0.1,
    description: "|imbalance| below which to flatten",
  }),
  quantity: param.number({ min: 0, default: 100, description: "position size" }),
  cooldown_ms: param.number({ min: 0, default: 5000, description: "minimum time between targets" }),
};

/** Validated OrderBookImbalance parameters. */
export type OrderBookImbalanceParams = ParamsOf<typeof fields>;

/** The registry entry of OrderBookImbalance. */
export const orderBookImbalanceDefinition: DefinedStrategy<typeof fields> = defineStrategy({
  name: "OrderBookImbalance",
  aliases: ["order_book_imbalance", "order-book-imbalance", "obi"],
  description: "depth-weighted book imbalance: long/short beyond a threshold, flat when neutral",
  params: fields,
  check: (p) => {
    if (p.exit_threshold >= p.enter_threshold) {
      throw paramError(
        "OrderBookImbalance",
        "exit_threshold",
        `must be below enter_threshold (got ${p.exit_threshold} ≥ ${p.enter_threshold})`,
      );
    }
  },
  // target: −1 short, 0 flat, +1 long; lastChange: when it last moved (null: never).
  state: { target: 0, lastChange: null as number | null, imbalance: 0, signals: 0 },
  subscriptions: (p) => [{ kind: "book", symbol: p.symbol }],
  diagnostics: ({ state }) => ({
    target: state.target,
    imbalance: state.imbalance,
    signals: state.signals,
  }),
  onBook(book, ctx) {
    const { params: p, state } = ctx;
    if (book.symbol !== p.symbol) return;
    const imbalance = bookImbalance(book, p.depth, p.level_decay);
    state.imbalance = imbalance;
    let target = state.target;
    if (imbalance >= p.enter_threshold) target = 1;
    else if (imbalance <= -p.enter_threshold) target = -1;
    else if (Math.abs(imbalance) < p.exit_threshold) target = 0;
    const cooling = state.lastChange !== null &&
      ctx.now - state.lastChange < p.cooldown_ms * 1000;
    if (target === state.target || cooling) return;
    state.target = target;
    state.lastChange = ctx.now;
    state.signals++;
    const kind = target === 1 ? "enter-long" : target === -1 ? "enter-short" : "flatten";
    ctx.signal({
      symbol: p.symbol,
      kind,
      confidence: Math.min(1, Math.abs(imbalance)),
      quantity: p.quantity,
      note: `imbalance ${imbalance.toFixed(3)}`,
    });
  },
});
