/**
 * The trading session every mode shares: the one engine with an event clock, the exact
 * portfolio, pre-trade risk and the OMS reading the portfolio, the strategy host, and the bus
 * wiring between them (order commands out to the venue; order updates, fills, signals and
 * timers in). A runner adds only its venue, its data loop and its extra subscriptions.
 *
 * @module
 */

import {
  ConfigError,
  type Decimal,
  type DecimalValue,
  type Instrument,
  type Interval,
  type JsonValue,
  type Micros,
  type Order,
  type Signal,
  type SymbolId,
} from "../domain/mod.ts";
import { Engine, EventClock } from "../engine/mod.ts";
import type { Event, FillEvent, OrderCommand, OrderUpdateEvent } from "../events/mod.ts";
import { OrderManager, PreTradeRisk, type RiskLimits, type Sizer } from "../execution/mod.ts";
import { Portfolio } from "../portfolio/mod.ts";
import type { RoundTrip } from "../portfolio/mod.ts";
import type { Strategy, StrategySubscription } from "../strategies/mod.ts";
import { StrategyHost } from "./strategy_host.ts";

/** What every mode takes: the strategy, the account and the order path. */
export interface TradingOptions {
  /** The strategy instance. */
  readonly strategy: Strategy;
  /** Its validated params, for the report. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /** Instruments from the markets file (only the traded ones are used). */
  readonly instruments: readonly Instrument[];
  /** Starting balances by currency. */
  readonly initialBalances: Readonly<Record<string, DecimalValue>>;
  /** Currency of equity and metrics. */
  readonly reportingCurrency: string;
  /** Order sizing for signals. */
  readonly sizer: Sizer;
  /** Pre-trade risk limits. */
  readonly risk?: RiskLimits;
  /** Allow adding to open positions with signals. */
  readonly pyramiding?: boolean;
  /** Leverage for margin and liquidation (default 1). */
  readonly leverage?: number;
}

/** Options of {@linkcode TradingSession}. */
export interface SessionOptions extends TradingOptions {
  /** The volatility estimate (ATR) of a symbol for risk-adjusted sizing, when tracked. */
  readonly volatility?: (symbol: SymbolId) => number | undefined;
}

/** A fill with the time it happened. */
export interface TimedFill {
  /** When the fill happened (µs). */
  readonly ts: Micros;
  /** The fill. */
  readonly fill: FillEvent["fill"];
}

/** The report facts every runner takes from the session. */
export interface SessionReportParts {
  /** Strategy name. */
  readonly strategy: string;
  /** Equity at the end. */
  readonly finalEquity: Decimal;
  /** Fees paid in total. */
  readonly fees: Decimal;
  /** Funding paid in total. */
  readonly funding: Decimal;
  /** Orders submitted. */
  readonly orders: number;
  /** Fills received. */
  readonly fills: number;
  /** Orders and signals refused. */
  readonly rejectedOrders: number;
  /** Refusals by rule. */
  readonly rejections: Readonly<Record<string, number>>;
}

/** The tables of a run that the report files are made from. */
export interface SessionTables {
  /** The round trips. */
  readonly roundTrips: readonly RoundTrip[];
  /** All fills in time order. */
  readonly fills: readonly TimedFill[];
  /** All orders in their latest state. */
  readonly orders: readonly Order[];
}

function isReference(subscription: StrategySubscription): boolean {
  return subscription.kind === "candles" && subscription.reference === true;
}

/**
 * The shared core of a run, in any mode.
 *
 * @throws {ConfigError} (from the constructor) when a traded symbol has no instrument or the
 * account cannot be set up (e.g. a balance no instrument converts to the reporting currency).
 */
export class TradingSession {
  /** Event time: the time of the event being processed. */
  readonly clock: EventClock = new EventClock();
  /** The engine every event goes through. */
  readonly engine: Engine = new Engine({ clock: this.clock });
  /** Exact accounting. */
  readonly portfolio: Portfolio;
  /** Pre-trade risk (and the drawdown kill switch). */
  readonly risk: PreTradeRisk;
  /** The order manager. */
  readonly oms: OrderManager;
  /** Instruments of the traded symbols. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Symbols the strategy reads but never trades (no instrument needed). */
  readonly references: ReadonlySet<SymbolId>;
  /** Every fill, in time order. */
  readonly fills: TimedFill[] = [];
  /** Every order in its latest state, by client order id. */
  readonly orders: Map<string, Order> = new Map();
  /**
   * Each completed round trip's net PnL in the reporting currency, converted at its closing
   * fill (the trips themselves are in their settle currency).
   */
  readonly tradePnls: number[] = [];
  readonly #strategy: Strategy;
  readonly #positions = new Map<SymbolId, number>();
  readonly #fillListeners: ((event: FillEvent) => void)[] = [];
  readonly #updateListeners: ((event: OrderUpdateEvent) => void)[] = [];
  #host: StrategyHost | undefined;

  /** Sets everything up; `route` delivers each order command to the runner's venue. */
  constructor(options: SessionOptions, route: (command: OrderCommand, now: Micros) => void) {
    const subscriptions = options.strategy.subscriptions;
    const traded = new Set(subscriptions.filter((s) => !isReference(s)).map((s) => s.symbol));
    this.references = new Set(
      subscriptions.filter((s) => isReference(s) && !traded.has(s.symbol)).map((s) => s.symbol),
    );
    this.instruments = new Map(
      options.instruments.filter((i) => traded.has(i.symbol)).map((i) => [i.symbol, i]),
    );
    for (const symbol of traded) {
      if (!this.instruments.has(symbol)) {
        throw new ConfigError(`no instrument for ${symbol}`, {
          hint: `add it to the markets file (known: ${
            options.instruments.map((i) => i.symbol).join(", ")
          })`,
        });
      }
    }
    try {
      this.portfolio = new Portfolio({
        instruments: [...this.instruments.values()],
        initialBalances: options.initialBalances,
        reportingCurrency: options.reportingCurrency,
        leverage: options.leverage,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new ConfigError(error.message, { cause: error });
      throw error;
    }
    this.#strategy = options.strategy;
    this.risk = new PreTradeRisk(options.risk);
    const portfolio = this.portfolio;
    const send = (command: OrderCommand): void => this.emitNow({ kind: "order-command", command });
    this.oms = new OrderManager(
      {
        instruments: this.instruments,
        sizer: options.sizer,
        risk: this.risk,
        pyramiding: options.pyramiding,
      },
      {
        position: (symbol) => portfolio.position(symbol).quantity,
        equity: () => portfolio.equity(),
        rateOf: (currency) => portfolio.rateOf(currency),
        freeMargin: (currency) => portfolio.freeMargin(currency),
        leverage: (symbol) => portfolio.leverageOf(symbol),
        lastPrice: (symbol) => portfolio.lastPrice(symbol),
        volatility: options.volatility ?? (() => undefined),
      },
      {
        submit: (request) => send({ type: "submit", request }),
        cancel: (symbol, clientOrderId) => send({ type: "cancel", symbol, clientOrderId }),
        amend: (symbol, clientOrderId, price, quantity) =>
          send({
            type: "amend",
            symbol,
            clientOrderId,
            ...(price === undefined ? {} : { price }),
            ...(quantity === undefined ? {} : { quantity }),
          }),
      },
    );
    this.#subscribe(route);
  }

  /** The hosted strategy; created on first use, for data of `dataInterval`. */
  host(dataInterval?: Interval): StrategyHost {
    if (this.#host !== undefined) return this.#host;
    const { clock, engine, oms } = this;
    const name = this.#strategy.name;
    this.#host = new StrategyHost(this.#strategy, {
      now: () => clock.now(),
      position: (symbol) => this.#position(symbol),
      openOrders: (symbol) => oms.openOrders(symbol),
      instrument: (symbol) => this.instruments.get(symbol),
      signal: (signal) => this.emitNow({ kind: "signal", strategy: name, signal }),
      setTimer: (at, tag) =>
        engine.schedule(at, { kind: "timer", ts: at, tsRecv: at, owner: name, tag }),
      submitOrder: (intent) => oms.submitIntent(intent),
      cancelOrder: (symbol, clientOrderId) => oms.cancelOrder(symbol, clientOrderId),
      amendOrder: (symbol, clientOrderId, changes) =>
        oms.amendOrder(symbol, clientOrderId, changes),
      refuse: (rule, message) => oms.reject(rule, message),
    }, dataInterval);
    return this.#host;
  }

  /** Calls `listener` on every fill, after the accounting and before the OMS and strategy. */
  onFill(listener: (event: FillEvent) => void): void {
    this.#fillListeners.push(listener);
  }

  /** Calls `listener` on every order update, before the OMS and strategy. */
  onOrderUpdate(listener: (event: OrderUpdateEvent) => void): void {
    this.#updateListeners.push(listener);
  }

  /**
   * Emits an event stamped with the current time from inside a handler (signals, order
   * commands).
   */
  emitNow(
    event:
      | { readonly kind: "order-command"; readonly command: OrderCommand }
      | { readonly kind: "signal"; readonly strategy: string; readonly signal: Signal },
  ): void {
    const now = this.clock.now();
    const stamped: Event = event.kind === "signal"
      ? { ...event, ts: now, tsRecv: now }
      : { ...event, ts: now, tsRecv: now };
    this.engine.emit(stamped);
  }

  /** The report facts the session knows. */
  reportParts(): SessionReportParts {
    const rejections = this.oms.rejections();
    return {
      strategy: this.#strategy.name,
      finalEquity: this.portfolio.exactEquity(),
      fees: this.portfolio.feesPaid(),
      funding: this.portfolio.fundingPaid(),
      orders: this.oms.submitted,
      fills: this.fills.length,
      // Venue rejections reach the OMS as order updates and are counted there once.
      rejectedOrders: this.oms.rejectedCount,
      rejections: rejections.counts,
    };
  }

  /** The tables the report files need. */
  tables(): SessionTables {
    return {
      roundTrips: this.portfolio.roundTrips(),
      fills: this.fills,
      orders: [...this.orders.values()],
    };
  }

  /**
   * Feeds the account's equity to the drawdown kill switch; when it trips, raises the critical
   * `kill-switch` alert, on which the OMS flattens every position (liquidate-only from then on).
   * Call it between events, never from a handler.
   */
  checkDrawdown(equity: number): void {
    if (!this.risk.observeEquity(equity)) return;
    const now = this.clock.now();
    this.engine.process({
      kind: "alert",
      ts: now,
      tsRecv: now,
      severity: "critical",
      code: "kill-switch",
      message: `drawdown limit ${
        (this.risk.limits.maxDrawdown ?? 0) * 100
      }% reached: liquidate-only`,
    });
  }

  /** Traded notional in the reporting currency (for turnover). */
  tradedNotional(): number {
    return this.portfolio.turnover().toNumber();
  }

  // Strategies may ask for their position on every event; it changes only with our fills.
  #position(symbol: SymbolId): number {
    let position = this.#positions.get(symbol);
    if (position === undefined) {
      position = this.portfolio.position(symbol).quantity.toNumber();
      this.#positions.set(symbol, position);
    }
    return position;
  }

  #subscribe(route: (command: OrderCommand, now: Micros) => void): void {
    const bus = this.engine.bus;
    const { oms, portfolio, clock } = this;
    bus.subscribe("order-command", (event) => route(event.command, clock.now()));
    bus.subscribe("order-update", (event) => {
      for (const listener of this.#updateListeners) listener(event);
      this.orders.set(event.order.request.clientOrderId, event.order);
      oms.onOrderUpdate(event.order);
      this.#host?.onOrderUpdate(event.order);
    });
    bus.subscribe("fill", (event) => {
      const { roundTrip, settleRate } = portfolio.applyFill(event.fill, event.ts);
      if (roundTrip !== undefined) {
        this.tradePnls.push(roundTrip.netPnl.times(settleRate).toNumber());
      }
      this.#positions.delete(event.fill.symbol);
      this.fills.push({ ts: event.ts, fill: event.fill });
      for (const listener of this.#fillListeners) listener(event);
      oms.onFill(event.fill);
      this.#host?.onFill(event.fill);
    });
    bus.subscribe("signal", (event) => oms.onSignal(event.signal));
    bus.subscribe("timer", (event) => {
      if (event.owner === this.#strategy.name) this.#host?.onTimer(event.tag);
    });
    bus.subscribe("alert", (event) => {
      if (event.code === "kill-switch") oms.flattenAll(this.instruments.keys());
    });
  }
}
