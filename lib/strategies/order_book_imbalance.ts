/**
 * OrderBookImbalance: trades the depth-weighted imbalance of the book,
 * `I = (Σ wᵢ·bidᵢ − Σ wᵢ·askᵢ) / (Σ wᵢ·bidᵢ + Σ wᵢ·askᵢ)` over the best `depth` levels with
 * `wᵢ = level_decay^i` (level 0 weighs 1). `I ≥ enter_threshold` enters long,
 * `I ≤ −enter_threshold` enters short (market orders through the OMS), and `|I| < exit_threshold`
 * (the neutral zone) flattens. A target changes at most once per `cooldown_ms`.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import { symbolField } from "./_support.ts";
import { type SymbolId, symbolId } from "../domain/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type {
  BookView,
  JsonValue,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "./strategy.ts";

/**
 * The depth-weighted imbalance in [−1, 1] (0 for an empty book).
 *
 * @example
 * ```ts
 * import { bookImbalance } from "./order_book_imbalance.ts";
 * const side = (sizes: number[]) => ({ depth: sizes.length, price: (i: number) => 100 - i, size: (i: number) => sizes[i] });
 * bookImbalance({ symbol: "x:Y", bids: side([3]), asks: side([1]) }, 1, 0.5); // 0.5
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

const params = field.table({
  symbol: symbolField,
  depth: field.number({ integer: true, min: 1, default: 5, description: "levels per side" }),
  level_decay: field.number({
    min: 0,
    max: 1,
    default: 0.5,
    description: "weight of level i is level_decay^i",
  }),
  enter_threshold: field.number({
    min: 0,
    max: 1,
    default: 0.6,
    description: "|imbalance| that enters",
  }),
  exit_threshold: field.number({
    min: 0,
    max: 1,
    default: 0.1,
    description: "|imbalance| below which to flatten",
  }),
  quantity: field.number({ min: 0, default: 100, description: "position size" }),
  cooldown_ms: field.number({ min: 0, default: 5000, description: "minimum time between targets" }),
});

/** Validated OrderBookImbalance parameters. */
export interface OrderBookImbalanceParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Levels per side. */
  readonly depth: number;
  /** Level weight decay. */
  readonly level_decay: number;
  /** Entry threshold on |I|. */
  readonly enter_threshold: number;
  /** Neutral zone: |I| below this flattens. */
  readonly exit_threshold: number;
  /** Position size. */
  readonly quantity: number;
  /** Minimum ms between target changes. */
  readonly cooldown_ms: number;
}

type Target = -1 | 0 | 1;

/** The OrderBookImbalance strategy instance. */
export class OrderBookImbalance implements Strategy {
  readonly name = "OrderBookImbalance";
  readonly subscriptions: readonly StrategySubscription[];
  readonly #p: OrderBookImbalanceParams;
  readonly #symbol: SymbolId;
  #target: Target = 0;
  #lastChange = -Infinity;
  #signals = 0;
  #last = 0;

  /** Builds the strategy; the exit threshold must be below the entry threshold. */
  constructor(params: OrderBookImbalanceParams) {
    if (params.exit_threshold >= params.enter_threshold) {
      throw paramError(
        "OrderBookImbalance",
        "exit_threshold",
        `must be below enter_threshold (got ${params.exit_threshold} ≥ ${params.enter_threshold})`,
      );
    }
    try {
      this.#symbol = symbolId(params.symbol);
    } catch (error) {
      throw paramError("OrderBookImbalance", "symbol", (error as Error).message);
    }
    this.#p = params;
    this.subscriptions = [{ kind: "book", symbol: this.#symbol }];
  }

  /** The latest imbalance. */
  get imbalance(): number {
    return this.#last;
  }

  /** Recomputes the imbalance and moves the target when it crosses a threshold. */
  onBook(book: BookView, ctx: StrategyContext): void {
    if (book.symbol !== this.#symbol) return;
    const p = this.#p;
    const imbalance = bookImbalance(book, p.depth, p.level_decay);
    this.#last = imbalance;
    let target: Target = this.#target;
    if (imbalance >= p.enter_threshold) target = 1;
    else if (imbalance <= -p.enter_threshold) target = -1;
    else if (Math.abs(imbalance) < p.exit_threshold) target = 0;
    if (target === this.#target || ctx.now - this.#lastChange < p.cooldown_ms * 1000) return;
    this.#target = target;
    this.#lastChange = ctx.now;
    this.#signals++;
    const kind = target === 1 ? "enter-long" : target === -1 ? "enter-short" : "flatten";
    ctx.signal({
      symbol: this.#symbol,
      kind,
      confidence: Math.min(1, Math.abs(imbalance)),
      quantity: p.quantity,
      note: `imbalance ${imbalance.toFixed(3)}`,
    });
  }

  /** Target, last imbalance and signal count. */
  diagnostics(): Readonly<Record<string, JsonValue>> {
    return { target: this.#target, imbalance: this.#last, signals: this.#signals };
  }

  /** The target and the time it last changed. */
  snapshot(): JsonValue {
    return {
      target: this.#target,
      lastChange: Number.isFinite(this.#lastChange) ? this.#lastChange : null,
    };
  }

  /** Restores a {@linkcode OrderBookImbalance.snapshot}. */
  restore(state: JsonValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new TypeError("OrderBookImbalance.restore: expected the object made by snapshot()");
    }
    const record = state as { readonly [key: string]: JsonValue };
    const target = record.target;
    this.#target = target === 1 || target === -1 ? target : 0;
    this.#lastChange = typeof record.lastChange === "number" ? record.lastChange : -Infinity;
  }
}

/** The registry entry of {@linkcode OrderBookImbalance}. */
export const orderBookImbalanceDefinition: StrategyDefinition<typeof params> = {
  name: "OrderBookImbalance",
  aliases: ["order_book_imbalance", "order-book-imbalance", "obi"],
  description: "depth-weighted book imbalance: long/short beyond a threshold, flat when neutral",
  params,
  create: (values) => new OrderBookImbalance(values),
};
