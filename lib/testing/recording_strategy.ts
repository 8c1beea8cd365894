/**
 * A decorator {@linkcode Strategy} that records every signal the wrapped strategy emits, with
 * the engine time, and otherwise passes everything through unchanged.
 *
 * @module
 */

import {
  type Candle,
  type Fill,
  type Inference,
  intervalMicros,
  type Micros,
  type ModelSpec,
  type Order,
  type Quote,
  type Signal,
  type Trade,
} from "../domain/mod.ts";
import type { ConnectivityEvent } from "../events/mod.ts";
import type {
  BookView,
  JsonValue,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "../strategies/mod.ts";

/** A signal and when it was emitted. */
export interface RecordedSignal {
  /** Engine time of the emission (µs): a bar's close for `onCandle` signals. */
  readonly ts: Micros;
  /**
   * Index of the last data bar closed at `ts` in the sorted distinct bar times of the run's
   * input (for one symbol: the index into its candles); -1 before the first close.
   */
  readonly bar: number;
  /** The signal as emitted. */
  readonly signal: Signal;
}

/** Wraps a strategy and records its signals; the wrapper has the same name and subscriptions. */
export class RecordingStrategy implements Strategy {
  /** The wrapped strategy. */
  readonly inner: Strategy;
  readonly #signals: RecordedSignal[] = [];
  readonly #barOf: (ts: Micros) => number;
  #context: StrategyContext | undefined;
  #wrapped: StrategyContext | undefined;

  /** Wraps `inner`; `barOf` maps an emission time to a bar index (default: -1). */
  constructor(inner: Strategy, barOf: (ts: Micros) => number = () => -1) {
    this.inner = inner;
    this.#barOf = barOf;
  }

  /** The wrapped strategy's name. */
  get name(): string {
    return this.inner.name;
  }

  /** The wrapped strategy's subscriptions. */
  get subscriptions(): readonly StrategySubscription[] {
    return this.inner.subscriptions;
  }

  /** The wrapped strategy's models. */
  get models(): readonly ModelSpec[] | undefined {
    return this.inner.models;
  }

  /** The signals recorded so far, in emission order. */
  get signals(): readonly RecordedSignal[] {
    return this.#signals;
  }

  /** Forwards a closed bar. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    this.inner.onCandle?.(candle, this.#wrap(ctx));
  }

  /** Forwards a trade. */
  onTrade(trade: Trade, ctx: StrategyContext): void {
    this.inner.onTrade?.(trade, this.#wrap(ctx));
  }

  /** Forwards a quote. */
  onQuote(quote: Quote, ctx: StrategyContext): void {
    this.inner.onQuote?.(quote, this.#wrap(ctx));
  }

  /** Forwards a book. */
  onBook(book: BookView, ctx: StrategyContext): void {
    this.inner.onBook?.(book, this.#wrap(ctx));
  }

  /** Forwards a fill. */
  onFill(fill: Fill, ctx: StrategyContext): void {
    this.inner.onFill?.(fill, this.#wrap(ctx));
  }

  /** Forwards an order update. */
  onOrderUpdate(order: Order, ctx: StrategyContext): void {
    this.inner.onOrderUpdate?.(order, this.#wrap(ctx));
  }

  /** Forwards a timer. */
  onTimer(tag: string, ctx: StrategyContext): void {
    this.inner.onTimer?.(tag, this.#wrap(ctx));
  }

  /** Forwards a connectivity change. */
  onConnectivity(event: ConnectivityEvent, ctx: StrategyContext): void {
    this.inner.onConnectivity?.(event, this.#wrap(ctx));
  }

  /** Forwards a model's answer. */
  onInference(inference: Inference, ctx: StrategyContext): void {
    this.inner.onInference?.(inference, this.#wrap(ctx));
  }

  /** The wrapped strategy's snapshot. */
  snapshot(): JsonValue {
    return this.inner.snapshot();
  }

  /** Restores the wrapped strategy. */
  restore(state: JsonValue): void {
    this.inner.restore(state);
  }

  #wrap(ctx: StrategyContext): StrategyContext {
    if (this.#context === ctx && this.#wrapped !== undefined) return this.#wrapped;
    const signals = this.#signals;
    const barOf = this.#barOf;
    const wrapped: StrategyContext = {
      get now(): Micros {
        return ctx.now;
      },
      position: (symbol) => ctx.position(symbol),
      openOrders: (symbol) => ctx.openOrders(symbol),
      instrument: (symbol) => ctx.instrument(symbol),
      signal: (signal) => {
        const ts = ctx.now;
        signals.push({ ts, bar: barOf(ts), signal });
        ctx.signal(signal);
      },
      setTimer: (at, tag) => ctx.setTimer(at, tag),
      submitOrder: (intent) => ctx.submitOrder(intent),
      cancelOrder: (symbol, clientOrderId) => ctx.cancelOrder(symbol, clientOrderId),
      amendOrder: (symbol, clientOrderId, changes) =>
        ctx.amendOrder(symbol, clientOrderId, changes),
      pushFeatures: (model, row) => ctx.pushFeatures(model, row),
    };
    this.#context = ctx;
    this.#wrapped = wrapped;
    return wrapped;
  }
}

/** Maps a time to the index of the last bar of `candles` closed at or before it. */
export function barIndexer(candles: readonly Candle[]): (ts: Micros) => number {
  const closes = [...new Set(candles.map((c) => c.openTime + intervalMicros(c.interval)))]
    .sort((a, b) => a - b);
  return (ts) => {
    let lo = 0;
    let hi = closes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((closes[mid] as number) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
}
