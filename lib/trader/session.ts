/**
 * The trading session every mode shares: the one engine with its clock (event time in
 * backtests, the wall clock live), the exact
 * portfolio, pre-trade risk and the OMS reading the portfolio, the strategy host, the venue
 * port, and all the wiring between them: order commands out to the venue; order updates,
 * fills, signals and timers in; candles, trades, quotes and books to the strategy with the
 * marks, the volatility for sizing and funding they imply; the drawdown kill switch. A runner
 * adds only its data loop (and what its report needs).
 *
 * @module
 */

import type { VenueInbox, VenuePort } from "../broker/mod.ts";
import {
  ConfigError,
  type Decimal,
  decimal,
  type DecimalValue,
  type ExecutionHint,
  type Instrument,
  type Interval,
  type JsonValue,
  type Micros,
  type Order,
  roundPrice,
  type Signal,
  type SymbolId,
} from "../domain/mod.ts";
import { type Clock, Engine, EventClock } from "../engine/mod.ts";
import type {
  AlertEvent,
  Event,
  FillEvent,
  OrderCommand,
  OrderUpdateEvent,
  ReconciliationEvent,
} from "../events/mod.ts";
import {
  ALGORITHM_TIMER_OWNER,
  clientIdPrefix,
  ClientIds,
  ExecutionAlgorithms,
  type ExecutionQuality,
  type ExecutionTemplate,
  hintProblem,
  type OmsNotice,
  OrderManager,
  PreTradeRisk,
  type RiskLimits,
  type Sizer,
  templateHint,
} from "../execution/mod.ts";
import type { Atr } from "../indicators/mod.ts";
import { type LiquidationTrigger, Portfolio } from "../portfolio/mod.ts";
import type { RoundTrip, VenueAnswer, VenueBalance, VenuePosition } from "../portfolio/mod.ts";
import type { Strategy, StrategySubscription } from "../strategies/mod.ts";
import { refuseUnhonouredHints } from "./execution_hints.ts";
import type { MarketBooks } from "./market_books.ts";
import { subscribeMarketData } from "./_market_data.ts";
import { observeForAlgorithms } from "./_algorithm_data.ts";
import type { LoadedModel } from "../cortex/mod.ts";
import { type InferenceOptions, InferenceService } from "./inference.ts";
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
  /**
   * Prefix of client order ids, from the strategy's configured id (default: its name), so
   * reconciliation tells this strategy's orders from anyone else's.
   */
  readonly clientIdPrefix?: string;
  /**
   * How long (ms) a submit, cancel or amend may stay unanswered before the order turns
   * ambiguous and reconciliation is asked for (default: never, as simulated venues always
   * answer).
   */
  readonly ackTimeoutMs?: number;
  /** The strategy's loaded models by id (`loadModels(strategy.models)`), when it declares any. */
  readonly models?: ReadonlyMap<string, LoadedModel>;
  /** Receives warnings of model loading (a provider fallback); default `console.warn`. */
  readonly warn?: (message: string) => void;
  /** Timing of the models' answers (default: modelled, with the default latency). */
  readonly inference?: Pick<InferenceOptions, "timing" | "latencyMicros" | "syncLatencyMicros">;
  /**
   * The execution algorithm for every signal without a hint (a strategy file's `[execution]`
   * table); default none: such signals are market orders.
   */
  readonly execution?: ExecutionTemplate;
}

/** Options of {@linkcode TradingSession}. */
export interface SessionOptions extends TradingOptions {
  /** ATR period of the volatility estimate for risk-adjusted sizing (0 or absent: none). */
  readonly atrPeriod?: number;
  /**
   * Our order books (tick and live modes): with them the session applies book events and
   * quotes, marks traded symbols at their mid (or the last trade while a side is empty) and
   * hands changed books to the strategy. Without them it delivers candles only.
   */
  readonly books?: MarketBooks;
  /**
   * The execution hints this session honours (default {@linkcode HONOURED_HINTS}); a strategy
   * that declares any other is refused when the session is built.
   */
  readonly executionHints?: readonly ExecutionHint["kind"][];
  /** Slippage of market fills (bps) the buying-power check prices orders with (default 0). */
  readonly slippageBps?: number;
  /** The venue's taker fee rate, when it overrides the instruments' (buying-power check). */
  readonly takerFeeRate?: Decimal;
  /**
   * The session's clock (default: a new `EventClock`, event time, as backtests run). A live run
   * passes the `WallClock` (a `ManualClock` in tests), so timers come due on real time.
   */
  readonly clock?: Clock;
  /**
   * Whether the kill switch flattens every position (default true,
   * `risk_management.flatten_on_kill`); when false it only cancels the working entries and the
   * session stays reducing-only.
   */
  readonly flattenOnKill?: boolean;
}

/** What a session hands the venue it connects to. */
export interface VenueLink {
  /** The session's clock: commands are sent at its time. */
  readonly clock: Clock;
  /**
   * The engine's inbox for reports that happen at once: processed as input events when the
   * engine is idle (a fill inside a bar, so orders sent in response join the rest of it) and
   * queued behind the current event when it is busy (a submit refused on the spot).
   */
  readonly inbox: VenueInbox;
  /** The account, for venues that read the position (reduce-only) or the liquidation price. */
  readonly portfolio: Portfolio;
}

/** The `owner` of the timer events the session schedules for the OMS. */
export const OMS_TIMER_OWNER = "@oms";

function noticeAlert(notice: OmsNotice): { readonly code: string; readonly message: string } {
  switch (notice.kind) {
    case "unknown-order":
      return {
        code: "order-unknown",
        message: `${notice.symbol}: ${
          notice.status === "fill" ? "a fill" : `a ${notice.status} report`
        } for order ${notice.clientOrderId}, which this session never sent${
          notice.ours ? " (it has our prefix: adopt it)" : ""
        }; reconcile with the venue`,
      };
    case "ambiguous":
      return {
        code: "order-ambiguous",
        message:
          `${notice.symbol}: no answer to the ${notice.step} of ${notice.clientOrderId}; its state is unknown until reconciled (not resent)`,
      };
    default: {
      const unknown: never = notice;
      throw new TypeError(`Unknown OMS notice ${JSON.stringify(unknown)}`);
    }
  }
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
  /** Leverage of perpetual positions. */
  readonly leverage: number;
  /** The pre-trade risk limits in force. */
  readonly riskLimits: RiskLimits;
  /** When and at which drawdown the kill switch tripped; undefined when it did not. */
  readonly killSwitch: KillSwitchTrip | undefined;
  /** Each execution algorithm's parent and its quality; absent when none ran. */
  readonly executionQuality?: readonly ExecutionQuality[];
}

/** The drawdown kill switch's trip. */
export interface KillSwitchTrip {
  /** When it tripped (µs): the mark whose equity breached the limit. */
  readonly ts: Micros;
  /** The drawdown from the equity peak at that mark (fraction). */
  readonly drawdown: number;
  /** The limit it breached (fraction). */
  readonly limit: number;
}

/** The tables of a run that the report files are made from. */
export interface SessionTables {
  /** The round trips. */
  readonly roundTrips: readonly RoundTrip[];
  /** All fills in time order. */
  readonly fills: readonly TimedFill[];
  /** All orders in their latest state. */
  readonly orders: readonly Order[];
  /**
   * The parent id of each child of an execution algorithm (undefined for other orders); absent
   * when no algorithm ran, so the report files keep their columns.
   */
  readonly parentOf?: (clientOrderId: string) => string | undefined;
}

function isReference(subscription: StrategySubscription): boolean {
  return subscription.kind === "candles" && subscription.reference === true;
}

/**
 * The shared core of a run, in any mode. `V` is the type of its venue, so the data loop that
 * made the venue keeps driving it (a simulated venue walks bars or books) without a downcast.
 *
 * @throws {ConfigError} (from the constructor) when a traded symbol has no instrument or the
 * account cannot be set up (e.g. a balance no instrument converts to the reporting currency).
 */
export class TradingSession<V extends VenuePort = VenuePort> {
  /** The session's time: event time in backtests, the wall clock live. */
  readonly clock: Clock;
  /** The engine every event goes through. */
  readonly engine: Engine;
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
  /** The venue every order command goes to. */
  readonly venue: V;
  /** Runs the strategy's models, when it declares any. */
  readonly inference: InferenceService | undefined;
  /**
   * The execution algorithms working the signals whose hint is one; `snapshot()`/`restore()`
   * carry their state across a restart (with the OMS's).
   */
  readonly algorithms: ExecutionAlgorithms;
  readonly #strategy: Strategy;
  readonly #positions = new Map<SymbolId, number>();
  readonly #fillListeners: ((event: FillEvent) => void)[] = [];
  readonly #updateListeners: ((event: OrderUpdateEvent) => void)[] = [];
  readonly #markListeners: ((symbol: SymbolId, price: number, ts: Micros) => void)[] = [];
  readonly #atrs = new Map<SymbolId, Atr>();
  #host: StrategyHost | undefined;
  #killSwitch: KillSwitchTrip | undefined;
  readonly #leverage: number;
  readonly #flattenOnKill: boolean;

  /**
   * Sets everything up and connects the venue `connect` makes (it gets the session's clock,
   * inbox and account).
   *
   * @throws {ConfigError} as the class says, and when the strategy declares an execution hint
   * the session cannot honour.
   */
  constructor(options: SessionOptions, connect: (link: VenueLink) => V) {
    this.clock = options.clock ?? new EventClock();
    this.engine = new Engine({ clock: this.clock });
    refuseUnhonouredHints(options.strategy, options.executionHints, options.execution?.hint.kind);
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
    // A configured algorithm that cannot work on a traded instrument would refuse every signal.
    const template = options.execution;
    if (template !== undefined) {
      for (const instrument of this.instruments.values()) {
        const problem = hintProblem(templateHint(template, "buy", 1), instrument);
        if (problem !== undefined) {
          throw new ConfigError(
            `[execution] ${template.hint.kind} for ${instrument.symbol}: ${problem}`,
            {
              hint: "fix the strategy file's [execution] table",
            },
          );
        }
      }
    }
    this.#strategy = options.strategy;
    this.#leverage = options.leverage ?? 1;
    this.#flattenOnKill = options.flattenOnKill ?? true;
    const specs = options.strategy.models ?? [];
    this.inference = specs.length === 0 ? undefined : new InferenceService(this.engine, {
      ...options.inference,
      strategy: options.strategy.name,
      specs,
      models: options.models ?? new Map(),
    });
    this.risk = new PreTradeRisk(options.risk);
    const portfolio = this.portfolio;
    const { clock, engine } = this;
    // Refusals, notices and venue reports enter wherever they arise: queued behind the current
    // event inside a handler, processed at once when the engine is idle.
    const publish = (event: Event): void => {
      if (engine.processing) engine.emit(event);
      else engine.process(event);
    };
    const ackTimeout = options.ackTimeoutMs === undefined
      ? undefined
      : Math.max(1, Math.round(options.ackTimeoutMs * 1000));
    const books = options.books;
    // VWAP's default profile is the volume seen at each time of day: kept only when asked for.
    const keepProfiles = (options.strategy.executionHints ?? []).includes("vwap") ||
      options.execution?.hint.kind === "vwap";
    // The venue is connected after the OMS; it is known by the time a parent starts.
    const venueAmends = (): boolean => this.venue.capabilities?.amend !== false;
    this.algorithms = new ExecutionAlgorithms(
      {
        now: () => clock.now(),
        // An algorithm arms "at `at`, not before now" from its own reading of the clock; on
        // the wall clock (live) now may have moved past that reading by the time this runs.
        setTimer: (at, tag) =>
          engine.scheduleNotBeforeNow(at, (due) => ({
            kind: "timer",
            ts: due,
            tsRecv: due,
            owner: ALGORITHM_TIMER_OWNER,
            tag,
          })),
        submit: (intent) => this.oms.submitIntent(intent),
        cancel: (symbol, id) => this.oms.cancelOrder(symbol, id),
        amend: (symbol, id, changes) => this.oms.amendOrder(symbol, id, changes),
        touch: books === undefined ? undefined : (symbol) => {
          const book = books.book(symbol);
          return { bid: book.bids.price(0), ask: book.asks.price(0) };
        },
        lastPrice: (symbol) => portfolio.lastPrice(symbol),
        get canAmend(): boolean {
          return venueAmends();
        },
        onFinished: (algorithm) => {
          const { symbol, id, stopLoss, takeProfit } = algorithm.parent;
          if (algorithm.filledLots > 0) this.oms.protectParent(symbol, id, stopLoss, takeProfit);
        },
      },
      this.instruments,
      keepProfiles,
    );
    this.oms = new OrderManager(
      {
        algorithms: this.algorithms,
        execution: options.execution,
        instruments: this.instruments,
        sizer: options.sizer,
        risk: this.risk,
        pyramiding: options.pyramiding,
        clientIds: new ClientIds(
          clientIdPrefix(options.clientIdPrefix ?? options.strategy.name),
          () => clock.now(),
        ),
        clock: {
          now: () => clock.now(),
          setTimer: (at, tag) =>
            engine.schedule(at, { kind: "timer", ts: at, tsRecv: at, owner: OMS_TIMER_OWNER, tag }),
        },
        ackTimeout,
        slippageBps: options.slippageBps,
        takerFeeRate: options.takerFeeRate,
        // Counted by the OMS either way; the event is for listeners (a live runtime's
        // journal, tests), and a backtest has none: 250,000 refusals then cost no events and
        // no messages.
        wantsRefusals: () => engine.bus.handlerCount("refusal") !== 0,
        onRefusal: (refusal) => {
          const now = clock.now();
          publish({ kind: "refusal", ts: now, tsRecv: now, refusal });
        },
        onNotice: (notice) => {
          const now = clock.now();
          const { code, message } = noticeAlert(notice);
          const { symbol, clientOrderId } = notice;
          publish({
            kind: "alert",
            ts: now,
            tsRecv: now,
            // An order whose fate is unknown is as urgent as the port's outcome-unknown.
            severity: notice.kind === "ambiguous" ? "critical" : "warning",
            code,
            message,
            symbol,
            clientOrderId,
          });
        },
      },
      {
        position: (symbol) => portfolio.position(symbol).quantity,
        equity: () => portfolio.equity(),
        rateOf: (currency) => portfolio.rateOf(currency),
        freeMargin: (currency) => portfolio.freeMargin(currency),
        leverage: (symbol) => portfolio.leverageOf(symbol),
        lastPrice: (symbol) => portfolio.lastPrice(symbol),
        volatility: (symbol) => this.#atrs.get(symbol)?.value,
      },
      {
        send: (command) => {
          const now = clock.now();
          engine.emit({ kind: "order-command", command, ts: now, tsRecv: now });
        },
      },
    );
    this.venue = connect({ clock: this.clock, inbox: publish, portfolio });
    this.#subscribe();
    subscribeMarketData({
      bus: engine.bus,
      clock: this.clock,
      portfolio,
      instruments: this.instruments,
      references: this.references,
      atrPeriod: options.atrPeriod ?? 0,
      atrs: this.#atrs,
      books: options.books,
      host: () => this.#host,
      markListeners: this.#markListeners,
    });
    observeForAlgorithms(engine.bus, this.algorithms, this.instruments, books, keepProfiles);
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
      // Stamped here rather than through emitNow's copy: one object per signal.
      signal: (signal) => {
        const now = clock.now();
        engine.emit({ kind: "signal", strategy: name, signal, ts: now, tsRecv: now });
      },
      setTimer: (at, tag) =>
        engine.schedule(at, { kind: "timer", ts: at, tsRecv: at, owner: name, tag }),
      submitOrder: (intent) => oms.submitIntent(intent),
      cancelOrder: (symbol, clientOrderId) => oms.cancelOrder(symbol, clientOrderId),
      amendOrder: (symbol, clientOrderId, changes) =>
        oms.amendOrder(symbol, clientOrderId, changes),
      refuse: (rule, message) => oms.reject(rule, message),
      pushFeatures: (model, row) => {
        if (this.inference === undefined) {
          throw new RangeError(`strategy ${name} pushed features but declares no models`);
        }
        this.inference.push(model, row);
      },
    }, dataInterval);
    return this.#host;
  }

  /** Calls `listener` on every fill, after the accounting and before the OMS and strategy. */
  onFill(listener: (event: FillEvent) => void): void {
    this.#fillListeners.push(listener);
  }

  /** Calls `listener` whenever a traded symbol is marked at a new price from a book or trade. */
  onMark(listener: (symbol: SymbolId, price: number, ts: Micros) => void): void {
    this.#markListeners.push(listener);
  }

  /** Calls `listener` on every order update (duplicates and late ones too), before the OMS and strategy. */
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
      leverage: this.#leverage,
      riskLimits: this.risk.limits,
      killSwitch: this.#killSwitch,
      ...(this.algorithms.used ? { executionQuality: this.algorithms.quality() } : {}),
    };
  }

  /** The tables the report files need. */
  tables(): SessionTables {
    return {
      roundTrips: this.portfolio.roundTrips(),
      fills: this.fills,
      orders: [...this.orders.values()],
      ...(this.algorithms.used ? { parentOf: (id: string) => this.algorithms.parentOf(id) } : {}),
    };
  }

  /**
   * Feeds the account's equity to the drawdown kill switch. When it trips, returns the critical
   * `kill-switch` alert for the runner to process next (between events, never from a handler);
   * on it the OMS flattens every position (liquidate-only from then on).
   */
  drawdownAlert(equity: number): AlertEvent | undefined {
    if (!this.risk.observeEquity(equity)) return undefined;
    const now = this.clock.now();
    this.#killSwitch = {
      ts: now,
      drawdown: this.risk.drawdownAtKill,
      limit: this.risk.limits.maxDrawdown ?? 0,
    };
    return {
      kind: "alert",
      ts: now,
      tsRecv: now,
      severity: "critical",
      code: "kill-switch",
      message: `drawdown limit ${
        (this.risk.limits.maxDrawdown ?? 0) * 100
      }% reached: liquidate-only`,
    };
  }

  /** Whether a drawdown limit is set (a runner checks the equity only then). */
  get watchesDrawdown(): boolean {
    return this.risk.limits.maxDrawdown !== undefined;
  }

  /**
   * Reconciles the portfolio with the venue's positions and balances (see
   * `Portfolio.reconcile` for the policy: the venue's figures are adopted, an unknown answer is
   * never taken as flat) and emits the `reconciliation` event listing each difference, which
   * it also returns. Works from a handler and between events.
   *
   * @throws {DataError} when a report lists a symbol or currency twice.
   */
  reconcile(
    positions: VenueAnswer<readonly VenuePosition[]>,
    balances: VenueAnswer<readonly VenueBalance[]>,
  ): ReconciliationEvent {
    const event = this.portfolio.reconcile(positions, balances, this.clock.now());
    this.#positions.clear();
    if (this.engine.processing) this.engine.emit(event);
    else this.engine.process(event);
    return event;
  }

  /**
   * The liquidation check of a mode whose venue does not walk bars (tick mode): call it after
   * each new mark and each fill. When `price` has reached the isolated position's liquidation
   * price it returns the close-out the venue must execute — the whole position at its
   * bankruptcy price, or at `price` when the market is already beyond that (a gap), on the tick
   * grid against the position — and counts the liquidation once (until the closing fill).
   *
   * @throws {RangeError} for a symbol the portfolio does not hold.
   */
  liquidationDue(symbol: SymbolId, price: number): LiquidationTrigger | undefined {
    if (!(price > 0)) return undefined;
    const trigger = this.portfolio.checkLiquidation(symbol, price, price);
    if (trigger === undefined) return undefined;
    const long = trigger.side === "sell";
    const beyond = long
      ? price < trigger.fillPrice.toNumber()
      : price > trigger.fillPrice.toNumber();
    if (!beyond) return trigger;
    const instrument = this.instruments.get(symbol);
    const exact = decimal(price);
    const fillPrice = instrument === undefined
      ? exact
      : roundPrice(instrument, exact, long ? "floor" : "ceil");
    return { ...trigger, fillPrice };
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

  // A command the venue cannot carry out is refused here, as the OMS refuses what risk does.
  #send(command: OrderCommand): void {
    if (command.type === "amend" && this.venue.capabilities?.amend === false) {
      this.oms.commandRefused(
        command,
        "unsupported-amend",
        `${command.clientOrderId}: amend is not supported by the ${this.venue.venue} venue`,
      );
      return;
    }
    this.venue.send(command);
  }

  #subscribe(): void {
    const bus = this.engine.bus;
    const { oms, portfolio, algorithms } = this;
    bus.subscribe("order-command", (event) => this.#send(event.command));
    bus.subscribe("order-update", (event) => {
      for (const listener of this.#updateListeners) listener(event);
      // A duplicate or overtaken report must not roll the order's latest state back, nor
      // tell the strategy again what it already knows.
      if (!oms.onOrderUpdate(event.order)) return;
      this.orders.set(event.order.request.clientOrderId, event.order);
      algorithms.onOrderUpdate(event.order);
      this.#host?.onOrderUpdate(event.order);
    });
    bus.subscribe("fill", (event) => {
      // A fill reported twice (same trade id) is booked once.
      if (!oms.recordFill(event.fill)) return;
      const { roundTrip, settleRate } = portfolio.applyFill(event.fill, event.ts);
      if (roundTrip !== undefined) {
        this.tradePnls.push(roundTrip.netPnl.times(settleRate).toNumber());
      }
      this.#positions.delete(event.fill.symbol);
      this.fills.push({ ts: event.ts, fill: event.fill });
      for (const listener of this.#fillListeners) listener(event);
      oms.onFill(event.fill);
      algorithms.onFill(event.fill);
      this.#host?.onFill(event.fill);
    });
    bus.subscribe("funding-payment", (event) => {
      // What the venue booked (live), exact and once; a symbol the session does not trade is
      // left to the reconciliation of balances, as a backtest's funding of it would be.
      const instrument = this.instruments.get(event.payment.symbol);
      if (instrument === undefined || instrument.kind === "spot") return;
      if (portfolio.bookFundingPayment(event.payment, event.ts) !== "unbookable") return;
      const { id, symbol, amount, currency } = event.payment;
      const now = this.clock.now();
      // Not a throw (it would stop the session): the operator is told, the money is listed.
      this.engine.emit({
        kind: "alert",
        ts: now,
        tsRecv: now,
        severity: "warning",
        code: "funding-unbooked",
        message: `funding payment ${id} for ${symbol} (${amount} ${currency}) is not booked: ` +
          `the portfolio holds no ${currency}; add it to the balances or reconcile ` +
          `(${portfolio.unbookedFunding().length} unbooked)`,
        symbol,
      });
    });
    bus.subscribe("signal", (event) => oms.onSignal(event.signal));
    bus.subscribe("timer", (event) => {
      if (event.owner === OMS_TIMER_OWNER) oms.onTimer(event.tag);
      else if (event.owner === ALGORITHM_TIMER_OWNER) algorithms.onTimer(event.tag);
      else if (event.owner === this.#strategy.name) this.#host?.onTimer(event.tag);
    });
    bus.subscribe("connectivity", (event) => this.#host?.onConnectivity(event));
    bus.subscribe("inference", (event) => {
      if (event.strategy === this.#strategy.name) this.#host?.onInference(event.inference);
    });
    bus.subscribe("alert", (event) => {
      if (event.code !== "kill-switch") {
        oms.onVenueAlert(event);
        return;
      }
      oms.setTradingState("reducing-only");
      if (this.#flattenOnKill) {
        oms.flattenAll(this.instruments.keys());
        return;
      }
      // Protective (reduce-only) orders stay: they can only shrink the positions kept open.
      for (const order of oms.openOrders()) {
        if (!order.request.reduceOnly) {
          oms.cancelOrder(order.request.symbol, order.request.clientOrderId);
        }
      }
    });
  }
}
