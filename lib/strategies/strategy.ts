/**
 * The strategy contract. A strategy is synchronous and pure: it sees closed bars (or trades,
 * quotes, books), its positions and open orders through a read-only {@linkcode StrategyContext},
 * and answers with signals. No I/O, no real time, no knowledge of backtest versus live.
 *
 * @module
 */

import type {
  AmendIntent,
  BookSideView,
  BookView,
  Candle,
  ExecutionHint,
  Fill,
  Inference,
  Instrument,
  Interval,
  JsonValue,
  Micros,
  ModelSpec,
  Order,
  OrderIntent,
  Quote,
  Signal,
  SymbolId,
  Trade,
} from "../domain/mod.ts";
import type { ConnectivityEvent } from "../events/mod.ts";

/** What market data a strategy wants. */
export type StrategySubscription =
  | {
    readonly kind: "candles";
    readonly symbol: SymbolId;
    readonly interval: Interval;
    /**
     * A data series the strategy reads but never trades (an implied-volatility index, a
     * benchmark): it needs no instrument and is never marked in the portfolio.
     */
    readonly reference?: boolean;
  }
  | { readonly kind: "trades"; readonly symbol: SymbolId }
  | { readonly kind: "quotes"; readonly symbol: SymbolId }
  | { readonly kind: "book"; readonly symbol: SymbolId };

/** What a strategy may see and do while handling an event. */
export interface StrategyContext {
  /** The engine's current time (µs). */
  readonly now: Micros;
  /** Signed position in `symbol` (contracts or base units; 0 when flat). */
  position(symbol: SymbolId): number;
  /** Working orders of this strategy. */
  openOrders(symbol?: SymbolId): readonly Order[];
  /** The instrument of `symbol`, when known. */
  instrument(symbol: SymbolId): Instrument | undefined;
  /** Emits a signal; the OMS turns it into orders. */
  signal(signal: Signal): void;
  /** Asks for an `onTimer(tag)` call at time `at` (µs, not in the past). */
  setTimer(at: Micros, tag: string): void;
  /** Places an order directly; returns its client order id, or `undefined` when refused. */
  submitOrder(intent: OrderIntent): string | undefined;
  /** Cancels one of the strategy's working orders. */
  cancelOrder(symbol: SymbolId, clientOrderId: string): void;
  /** Changes price and/or quantity of a working order. */
  amendOrder(symbol: SymbolId, clientOrderId: string, changes: AmendIntent): void;
  /**
   * Appends a feature row for the model `model` (one of {@linkcode Strategy.models}); once a
   * full window is in, the model runs and its answer comes back through
   * {@linkcode Strategy.onInference}. The row is copied, so the caller may reuse it.
   */
  pushFeatures(model: string, row: ArrayLike<number>): void;
}

/** A running strategy instance. Every handler is optional. */
export interface Strategy {
  /** The registered strategy name. */
  readonly name: string;
  /** Market data the strategy needs. */
  readonly subscriptions: readonly StrategySubscription[];
  /**
   * The execution hints its signals may carry besides `market` and `limit` (e.g. `vwap`), so a
   * session that cannot honour one refuses the strategy when it is built.
   */
  readonly executionHints?: readonly ExecutionHint["kind"][];
  /** Models the strategy feeds through `ctx.pushFeatures`; the session loads and runs them. */
  readonly models?: readonly ModelSpec[];
  /**
   * Whether `onCandle` may keep the candle object after it returns (default `true`). A
   * strategy that only reads it says `false`: a candle backtest then refills one object each
   * bar instead of allocating a fresh one (a third of the run's thread's allocation), so a
   * candle kept anyway would change under the strategy.
   */
  readonly keepsCandles?: boolean;
  /** A bar closed (delivered after its close, at `openTime + interval`). */
  onCandle?(candle: Candle, ctx: StrategyContext): void;
  /** A public trade happened. */
  onTrade?(trade: Trade, ctx: StrategyContext): void;
  /** The best bid/offer changed. */
  onQuote?(quote: Quote, ctx: StrategyContext): void;
  /** The order book changed. */
  onBook?(book: BookView, ctx: StrategyContext): void;
  /** One of this strategy's orders filled (partly). */
  onFill?(fill: Fill, ctx: StrategyContext): void;
  /** One of this strategy's orders changed state. */
  onOrderUpdate?(order: Order, ctx: StrategyContext): void;
  /** A timer set with `ctx.setTimer` fired. */
  onTimer?(tag: string, ctx: StrategyContext): void;
  /**
   * A market stream or the execution channel went down, came back, or went stale (live only;
   * e.g. stop quoting a symbol whose book is stale).
   */
  onConnectivity?(event: ConnectivityEvent, ctx: StrategyContext): void;
  /** A model answered a `ctx.pushFeatures` request. */
  onInference?(inference: Inference, ctx: StrategyContext): void;
  /** The full state (indicators included) as JSON-safe data. */
  snapshot(): JsonValue;
  /** Replaces the state with one from {@linkcode Strategy.snapshot}. */
  restore(state: JsonValue): void;
}

export type { BookSideView, BookView, JsonValue };
