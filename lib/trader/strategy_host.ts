/**
 * The strategy host runs one {@linkcode Strategy} inside an engine: it delivers the data the
 * strategy subscribed to (aggregating finer candles into coarser ones and delivering each at
 * its close), offers the read-only context, and forwards the strategy's signals and timers.
 * Backtest and live use the same host.
 *
 * @module
 */

import {
  type AmendIntent,
  type Candle,
  ConfigError,
  type Fill,
  type Inference,
  type Instrument,
  type Interval,
  isMultipleOf,
  type Micros,
  type Order,
  type OrderIntent,
  type Quote,
  type Signal,
  type SymbolId,
  type Trade,
} from "../domain/mod.ts";
import { CandleAggregator } from "../data/candle_aggregator.ts";
import type { ConnectivityEvent } from "../events/mod.ts";
import type { BookView, Strategy, StrategyContext } from "../strategies/mod.ts";

/** What the host needs from the engine around it. */
export interface HostServices {
  /** The current time. */
  now(): Micros;
  /** Signed position of the strategy's account in `symbol`. */
  position(symbol: SymbolId): number;
  /** Working orders. */
  openOrders(symbol?: SymbolId): readonly Order[];
  /** Instrument specs. */
  instrument(symbol: SymbolId): Instrument | undefined;
  /** Receives the strategy's signals. */
  signal(signal: Signal): void;
  /** Schedules `onTimer(tag)` at `at`. */
  setTimer(at: Micros, tag: string): void;
  /** Places an order for the strategy (through the OMS). */
  submitOrder(intent: OrderIntent): string | undefined;
  /** Cancels a working order. */
  cancelOrder(symbol: SymbolId, clientOrderId: string): void;
  /** Amends a working order. */
  amendOrder(symbol: SymbolId, clientOrderId: string, changes: AmendIntent): void;
  /** Takes a feature row for one of the strategy's models. */
  pushFeatures(model: string, row: ArrayLike<number>): void;
}

interface CandleRoute {
  readonly interval: Interval;
  readonly aggregator: CandleAggregator | undefined;
  /** Whether a coarse bar was delivered yet (the first one only when complete). */
  started: boolean;
}

/** Hosts one strategy. */
export class StrategyHost {
  /** The hosted strategy. */
  readonly strategy: Strategy;
  readonly #services: HostServices;
  readonly #routes = new Map<SymbolId, CandleRoute[]>();
  readonly #context: StrategyContext;
  #signals = 0;

  /**
   * Hosts `strategy`. `dataInterval` is the interval of the candles that will arrive (the
   * finest data); coarser subscriptions are aggregated from it.
   *
   * @throws {ConfigError} when a subscription is finer than the data or not a multiple of it.
   */
  constructor(strategy: Strategy, services: HostServices, dataInterval?: Interval) {
    this.strategy = strategy;
    this.#services = services;
    for (const subscription of strategy.subscriptions) {
      if (subscription.kind !== "candles") continue;
      const routes = this.#routes.get(subscription.symbol) ?? [];
      const needsAggregation = dataInterval !== undefined && subscription.interval !== dataInterval;
      if (needsAggregation && !isMultipleOf(subscription.interval, dataInterval)) {
        throw new ConfigError(
          `strategy ${strategy.name} wants ${subscription.interval} bars of ${subscription.symbol}, but the data is ${dataInterval}`,
          {
            hint:
              `replay data whose interval divides ${subscription.interval} (1m data serves every interval)`,
          },
        );
      }
      routes.push({
        interval: subscription.interval,
        aggregator: needsAggregation
          ? new CandleAggregator({ interval: subscription.interval })
          : undefined,
        started: false,
      });
      this.#routes.set(subscription.symbol, routes);
    }
    const countSignal = () => this.#signals++;
    this.#context = {
      get now(): Micros {
        return services.now();
      },
      position: (symbol) => services.position(symbol),
      openOrders: (symbol) => services.openOrders(symbol),
      instrument: (symbol) => services.instrument(symbol),
      signal: (signal) => {
        countSignal();
        services.signal(signal);
      },
      setTimer: (at, tag) => services.setTimer(at, tag),
      submitOrder: (intent) => services.submitOrder(intent),
      cancelOrder: (symbol, clientOrderId) => services.cancelOrder(symbol, clientOrderId),
      amendOrder: (symbol, clientOrderId, changes) =>
        services.amendOrder(symbol, clientOrderId, changes),
      pushFeatures: (model, row) => services.pushFeatures(model, row),
    };
  }

  /** Signals emitted so far. */
  get signals(): number {
    return this.#signals;
  }

  /** The symbols the strategy takes candles of. */
  get candleSymbols(): readonly SymbolId[] {
    return [...this.#routes.keys()];
  }

  /** Delivers a closed data bar (aggregating where the strategy asked for a coarser interval). */
  onCandle(candle: Candle): void {
    const routes = this.#routes.get(candle.symbol);
    if (routes === undefined || this.strategy.onCandle === undefined) return;
    for (const route of routes) {
      if (route.aggregator === undefined) {
        if (route.interval === candle.interval) this.strategy.onCandle(candle, this.#context);
        continue;
      }
      for (const closed of route.aggregator.update(candle)) {
        // Data that starts inside a coarse bar makes a partial first bar: not delivered, so a
        // strategy never mistakes 30 minutes for an hour. Later bars come even with a gap.
        if (!route.started && !closed.complete) continue;
        route.started = true;
        this.strategy.onCandle(closed.candle, this.#context);
      }
    }
  }

  /** Delivers a trade. */
  onTrade(trade: Trade): void {
    this.strategy.onTrade?.(trade, this.#context);
  }

  /** Delivers a quote. */
  onQuote(quote: Quote): void {
    this.strategy.onQuote?.(quote, this.#context);
  }

  /** Delivers a book view. */
  onBook(book: BookView): void {
    this.strategy.onBook?.(book, this.#context);
  }

  /** Delivers one of the strategy's fills. */
  onFill(fill: Fill): void {
    this.strategy.onFill?.(fill, this.#context);
  }

  /** Delivers an order update. */
  onOrderUpdate(order: Order): void {
    this.strategy.onOrderUpdate?.(order, this.#context);
  }

  /** Delivers a timer. */
  onTimer(tag: string): void {
    this.strategy.onTimer?.(tag, this.#context);
  }

  /** Delivers a connectivity change. */
  onConnectivity(event: ConnectivityEvent): void {
    this.strategy.onConnectivity?.(event, this.#context);
  }

  /** Delivers a model's answer. */
  onInference(inference: Inference): void {
    this.strategy.onInference?.(inference, this.#context);
  }
}
