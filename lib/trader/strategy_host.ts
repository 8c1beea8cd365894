/**
 * The strategy host runs one {@linkcode Strategy} inside an engine: it delivers the data the
 * strategy subscribed to (aggregating finer candles into coarser ones and delivering each at
 * its close), offers the read-only context, and forwards the strategy's signals and timers.
 * Backtest and live use the same host. It is the edge between user code and Tesser: what the
 * strategy throws becomes a `StrategyError` naming it and the event, and a malformed signal or
 * order is refused (counted, naming the field) before anything acts on it.
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
  TesserError,
  toIso,
  type Trade,
} from "../domain/mod.ts";
import { CandleAggregator } from "../data/candle_aggregator.ts";
import type { ConnectivityEvent } from "../events/mod.ts";
import {
  amendProblem,
  type BookView,
  orderProblem,
  type OutputProblem,
  signalProblem,
  type Strategy,
  type StrategyContext,
  strategyLabel,
  strategyOrigin,
  strategyThrew,
} from "../strategies/mod.ts";

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
  /**
   * Counts a refusal of the strategy's output (a malformed signal or order) under `rule`;
   * without it the host only counts them itself ({@linkcode StrategyHost.refusals}).
   */
  refuse?(rule: HostRefusal["rule"], message: string): void;
}

/** A malformed signal, order or amendment the host refused. */
export interface HostRefusal {
  /** `malformed-signal`, `malformed-order` or `malformed-amend`. */
  readonly rule: "malformed-signal" | "malformed-order" | "malformed-amend";
  /** The field and why, naming the strategy. */
  readonly message: string;
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
  #lastSymbol: SymbolId | undefined;
  #lastRoutes: CandleRoute[] | undefined;
  readonly #context: StrategyContext;
  readonly #origin: string | undefined;
  // Errors thrown by Tesser's side of a context call: passed on unchanged, never blamed on
  // the strategy.
  readonly #ours = new WeakSet<object>();
  readonly #refusals: HostRefusal[] = [];
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
    this.#origin = strategyOrigin(strategy);
    const traded = new Set(
      strategy.subscriptions.filter((s) => !(s.kind === "candles" && s.reference === true))
        .map((s) => s.symbol),
    );
    // A strategy signals the same symbol over and over: the last one found known skips the
    // set and the instrument lookups (a known symbol stays known).
    let lastKnown: string | undefined;
    const isKnown = (symbol: string) => {
      if (symbol === lastKnown) return true;
      const known = traded.has(symbol) || services.instrument(symbol) !== undefined;
      if (known) lastKnown = symbol;
      return known;
    };
    const ours = <T>(call: () => T): T => this.#ours_(call);
    this.#context = {
      get now(): Micros {
        return services.now();
      },
      position: (symbol) => ours(() => services.position(symbol)),
      openOrders: (symbol) => ours(() => services.openOrders(symbol)),
      instrument: (symbol) => ours(() => services.instrument(symbol)),
      signal: (signal) => {
        const problem = signalProblem(signal, isKnown);
        if (problem !== undefined) return this.#refuse("malformed-signal", problem);
        this.#signals++;
        // Inline rather than through `ours`: no closure for every signal.
        try {
          services.signal(signal);
        } catch (error) {
          throw this.#marked(error);
        }
      },
      setTimer: (at, tag) => ours(() => services.setTimer(at, tag)),
      submitOrder: (intent) => {
        const problem = orderProblem(intent, isKnown);
        if (problem !== undefined) return this.#refuse("malformed-order", problem);
        return ours(() => services.submitOrder(intent));
      },
      cancelOrder: (symbol, clientOrderId) =>
        ours(() => services.cancelOrder(symbol, clientOrderId)),
      amendOrder: (symbol, clientOrderId, changes) => {
        const problem = amendProblem(changes);
        if (problem !== undefined) return this.#refuse("malformed-amend", problem);
        ours(() => services.amendOrder(symbol, clientOrderId, changes));
      },
      pushFeatures: (model, row) => ours(() => services.pushFeatures(model, row)),
    };
  }

  /** The strategy's malformed outputs refused so far. */
  get refusals(): readonly HostRefusal[] {
    return this.#refusals;
  }

  #ours_<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw this.#marked(error);
    }
  }

  // Tesser's side threw `error`: remembered, so `#fault` passes it on instead of blaming the
  // strategy.
  #marked(error: unknown): unknown {
    if (error !== null && typeof error === "object") this.#ours.add(error);
    return error;
  }

  #refuse(rule: HostRefusal["rule"], problem: OutputProblem): undefined {
    const label = strategyLabel(this.strategy.name, this.#origin);
    const message = `strategy ${label}: ${problem.field} ${problem.reason}`;
    this.#refusals.push({ rule, message });
    this.#services.refuse?.(rule, message);
    return undefined;
  }

  // What the strategy threw, said as its fault; Tesser's own errors pass unchanged.
  #fault(error: unknown, event: string, subject: string): unknown {
    if (error instanceof TesserError) return error;
    if (error !== null && typeof error === "object" && this.#ours.has(error)) return error;
    const now = this.#services.now();
    const at = Number.isSafeInteger(now) ? toIso(now) : String(now);
    return strategyThrew(this.strategy.name, this.#origin, `on ${event} ${subject} ${at}`, error);
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
    // Nearly every bar is of the symbol before (one series, or a few merged): its routes are
    // kept rather than looked up again.
    let routes = this.#lastRoutes;
    if (candle.symbol !== this.#lastSymbol) {
      routes = this.#routes.get(candle.symbol);
      this.#lastSymbol = candle.symbol;
      this.#lastRoutes = routes;
    }
    if (routes === undefined || this.strategy.onCandle === undefined) return;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      if (route.aggregator === undefined) {
        if (route.interval === candle.interval) this.#deliverCandle(candle);
        continue;
      }
      for (const closed of route.aggregator.update(candle)) {
        // Data that starts inside a coarse bar makes a partial first bar: not delivered, so a
        // strategy never mistakes 30 minutes for an hour. Later bars come even with a gap.
        if (!route.started && !closed.complete) continue;
        route.started = true;
        this.#deliverCandle(closed.candle);
      }
    }
  }

  #deliverCandle(candle: Candle): void {
    try {
      this.strategy.onCandle?.(candle, this.#context);
    } catch (error) {
      throw this.#fault(error, "candle", candle.symbol);
    }
  }

  /** Delivers a trade. */
  onTrade(trade: Trade): void {
    try {
      this.strategy.onTrade?.(trade, this.#context);
    } catch (error) {
      throw this.#fault(error, "trade", trade.symbol);
    }
  }

  /** Delivers a quote. */
  onQuote(quote: Quote): void {
    try {
      this.strategy.onQuote?.(quote, this.#context);
    } catch (error) {
      throw this.#fault(error, "quote", quote.symbol);
    }
  }

  /** Delivers a book view. */
  onBook(book: BookView): void {
    try {
      this.strategy.onBook?.(book, this.#context);
    } catch (error) {
      throw this.#fault(error, "book", book.symbol);
    }
  }

  /** Delivers one of the strategy's fills. */
  onFill(fill: Fill): void {
    try {
      this.strategy.onFill?.(fill, this.#context);
    } catch (error) {
      throw this.#fault(error, "fill", `${fill.symbol} (order ${fill.clientOrderId})`);
    }
  }

  /** Delivers an order update. */
  onOrderUpdate(order: Order): void {
    try {
      this.strategy.onOrderUpdate?.(order, this.#context);
    } catch (error) {
      const { symbol, clientOrderId } = order.request;
      throw this.#fault(error, "order update", `${symbol} (order ${clientOrderId})`);
    }
  }

  /** Delivers a timer. */
  onTimer(tag: string): void {
    try {
      this.strategy.onTimer?.(tag, this.#context);
    } catch (error) {
      throw this.#fault(error, "timer", JSON.stringify(tag));
    }
  }

  /** Delivers a connectivity change. */
  onConnectivity(event: ConnectivityEvent): void {
    try {
      this.strategy.onConnectivity?.(event, this.#context);
    } catch (error) {
      const subject = `${event.channel} ${event.venue}${
        event.symbol === undefined ? "" : ` ${event.symbol}`
      } ${event.state}`;
      throw this.#fault(error, "connectivity", subject);
    }
  }

  /** Delivers a model's answer. */
  onInference(inference: Inference): void {
    this.strategy.onInference?.(inference, this.#context);
  }
}
