/**
 * The order manager (OMS): turns position-aware signals into validated, risk-checked order
 * requests, tracks its orders through their in-flight steps (see {@linkcode OrderTracker}),
 * attaches stop-loss/take-profit brackets (OCO) once an entry fills, and refuses with typed
 * {@linkcode Refusal}s. Backtest and live share it; it sends through one
 * {@linkcode OrderPort}, reads the account through an {@linkcode AccountView} and takes its
 * time from an {@linkcode OmsClock}, never from the real clock.
 *
 * @module
 */

import {
  type AmendIntent,
  type Decimal,
  decimal,
  type ExecutionHint,
  type Fill,
  type Instrument,
  isTerminal,
  type Order,
  type OrderIntent,
  type OrderRequest,
  type Refusal,
  type RefusalRule,
  type Signal,
  type SymbolId,
  validateOrder,
} from "../domain/mod.ts";
import type { AlertEvent, OrderCommand } from "../events/mod.ts";
import { OrderMemo, tickPrice } from "./_order_pricing.ts";
import { type AlgorithmHint, isAlgorithmHint } from "./algorithms/algorithm.ts";
import { hintProblem } from "./algorithms/execution_algorithms.ts";
import { templateHint } from "./algorithms/execution_template.ts";
import {
  type Bracket,
  bracketLegs,
  hintRequest,
  type PendingRequest,
  UNASSIGNED,
} from "./_order_requests.ts";
import { type PlannedOrder, planSignal } from "./_signal_plan.ts";
import { AccountSizingInput } from "./_sizing_input.ts";
import { TRADING_STATES, tradingStateRefusal } from "./_trading_state.ts";
import { type BuyingPowerContext, checkBuyingPower, type WorkingExposure } from "./buying_power.ts";
import { ClientIds } from "./client_ids.ts";
import { type DeferredRefusal, shownRefusal } from "./deferred_refusal.ts";
import { KeyQueue } from "./_key_queue.ts";
import type { OrderDraft } from "./risk.ts";
import type {
  AccountView,
  OmsNotice,
  OrderManagerOptions,
  OrderPort,
  TradingState,
} from "./oms_ports.ts";
import {
  type OmsSnapshot,
  orderFromSnapshot,
  orderToSnapshot,
  reportFromSnapshot,
  reportToSnapshot,
} from "./oms_snapshot.ts";
import {
  type AmendChange,
  OrderTracker,
  type TrackedOrder,
  type TrackerCounts,
} from "./order_tracker.ts";

/** Counts and first messages of refused signals and orders, by rule. */
export interface RejectionSummary {
  /** Count per rule (`min-notional`, `max-position`, `kill-switch`, …). */
  readonly counts: Readonly<Record<string, number>>;
  /** Up to 20 example messages, in order. */
  readonly examples: readonly string[];
}

// How many of the last applied fills a snapshot remembers (venues replay recent executions on
// reconnect; older ones belong to finished orders, which reconciliation settles).
const SNAPSHOT_TRADES = 4096;
/** How many ended orders of others (unknown here) are remembered, so none is adopted after. */
const ENDED_ELSEWHERE_MEMORY = 1024;
// How many of the last finished orders a snapshot remembers: a restart's catch-up re-delivers
// the reports of the last minute or so (Bybit's overlap is 60 s), 17 orders a second.
const SNAPSHOT_FINISHED = 1024;

// How many refusal messages the rejection summary keeps as examples.
const EXAMPLES = 20;

// A signal without a hint is a market order.
const MARKET: ExecutionHint = { kind: "market" };

// What #exposures returns with no working order (most checks): nothing to allocate. Not
// frozen (its type keeps it empty): a `for…of` over a frozen array leaves V8's fast path, and
// cost each risk check and buying-power walk ~120 instructions.
const NO_EXPOSURES: readonly WorkingExposure[] = [];

/** The numbers and names a refusal may carry besides its rule and message. */
export type RefusalDetails = Omit<Refusal, "rule" | "message">;

/** The OMS. */
export class OrderManager {
  readonly #options: OrderManagerOptions;
  readonly #account: AccountView;
  readonly #port: OrderPort;
  readonly #tracker = new OrderTracker();
  readonly #brackets = new Map<string, Bracket>();
  // Entries the venue reported finished with fills not yet booked (a REST answer overtaking the
  // stream's fills): their brackets are attached once the fills are in the position.
  readonly #awaitingFills = new Map<
    string,
    { readonly entry: Order; readonly bracket: Bracket; booked: Decimal }
  >();
  // Per rule, in the order rules first refused; a mutable cell, so a refusal costs one lookup.
  readonly #counts = new Map<string, { count: number }>();
  // The rule refused last and its cell: a run of refusals by one rule (a backtest's) skips the
  // map lookup (~75 instructions each).
  #lastRule: string | undefined;
  #lastCount: { count: number } | undefined;
  readonly #examples: string[] = [];
  readonly #ids: ClientIds;
  readonly #buyingPower: BuyingPowerContext;
  #state: TradingState = "active";
  #submitted = 0;
  readonly #memo = new OrderMemo();
  // Client ids of orders not ours whose end the venue reported: a listing older than that
  // report must not bring them back (adoptVenueOrder).
  readonly #endedElsewhere = new Set<string>();
  readonly #endedElsewhereOrder = new KeyQueue();

  /** Makes an OMS over an account view and the port its commands go out through. */
  constructor(options: OrderManagerOptions, account: AccountView, port: OrderPort) {
    if (
      options.ackTimeout !== undefined &&
      (!Number.isFinite(options.ackTimeout) || options.ackTimeout <= 0)
    ) {
      throw new RangeError(`ackTimeout must be a positive number of µs, got ${options.ackTimeout}`);
    }
    const slippageBps = options.slippageBps ?? 0;
    if (!Number.isFinite(slippageBps) || slippageBps < 0) {
      throw new RangeError(`slippageBps must be 0 or more, got ${slippageBps}`);
    }
    this.#options = options;
    this.#account = account;
    this.#port = port;
    const clock = options.clock;
    this.#ids = options.clientIds ?? new ClientIds("t", () => clock?.now() ?? 0);
    const feeOverride = options.takerFeeRate?.toNumber();
    this.#buyingPower = {
      instrument: (symbol) => options.instruments.get(symbol),
      position: (symbol) => this.#memo.numberOf(account.position(symbol)),
      leverage: (symbol) => account.leverage(symbol),
      lastPrice: (symbol) => account.lastPrice(symbol),
      free: (currency) => account.freeMargin(currency),
      slippageBps,
      // The buying-power walk prices every working order on each order and amend; the fee is
      // a constant of the (immutable) instrument, converted from its Decimal once.
      takerFeeRate: (instrument) => feeOverride ?? this.#memo.constants(instrument).takerFee,
    };
  }

  /** Orders sent so far. */
  get submitted(): number {
    return this.#submitted;
  }

  /** The client id generator (its prefix tells our orders from anyone else's). */
  get clientIds(): ClientIds {
    return this.#ids;
  }

  /** Refused signals/orders by rule, with examples. */
  rejections(): RejectionSummary {
    const counts: Record<string, number> = {};
    for (const [rule, cell] of this.#counts) counts[rule] = cell.count;
    return { counts, examples: [...this.#examples] };
  }

  /** Total refused. */
  get rejectedCount(): number {
    let total = 0;
    for (const cell of this.#counts.values()) total += cell.count;
    return total;
  }

  /** Duplicate, late and unknown reports, timeouts and suppressed commands so far. */
  counts(): TrackerCounts {
    return this.#tracker.counts();
  }

  /**
   * Working orders, in-flight ones included (a quote not yet acknowledged is working), in
   * their local state (`pending-new`, `pending-cancel`, `pending-amend`, …), optionally for
   * one symbol.
   */
  openOrders(symbol?: SymbolId): readonly Order[] {
    const result: Order[] = [];
    for (const order of this.#tracker.of(symbol)) result.push(this.#tracker.view(order));
    return result;
  }

  /** Orders whose in-flight step timed out: their outcome awaits reconciliation. */
  ambiguousOrders(): readonly Order[] {
    const result: Order[] = [];
    for (const order of this.#tracker.working()) {
      if (order.ambiguous) result.push(this.#tracker.view(order));
    }
    return result;
  }

  /** Whether new exposure, only reducing orders, or nothing but cancels may be sent. */
  get tradingState(): TradingState {
    return this.#state;
  }

  /**
   * Sets the trading state (risk, alerts, operators). Working orders stay; cancels are always
   * allowed.
   *
   * @throws {RangeError} for a state outside {@linkcode TradingState}.
   */
  setTradingState(state: TradingState): void {
    if (!TRADING_STATES.includes(state)) {
      throw new RangeError(
        `Unknown trading state "${state}" (known: ${TRADING_STATES.join(", ")})`,
      );
    }
    this.#state = state;
  }

  /**
   * Records a refusal: counted by rule and reported to `onRefusal` (the OMS's own refusals on
   * the signal path are built whole, without this spread of `details`).
   */
  reject(rule: RefusalRule, message: string, details: RefusalDetails = {}): void {
    this.#refuse({ rule, message, ...details });
  }

  /**
   * The venue port could not carry `command` at all (e.g. a venue mode without amends): the
   * refusal is recorded and the command's in-flight step undone (a submit ends rejected, a
   * cancel or amend leaves the order as it was).
   */
  commandRefused(command: OrderCommand, rule: RefusalRule, message: string): void {
    const id = command.type === "submit" ? command.request.clientOrderId : command.clientOrderId;
    const symbol = command.type === "submit" ? command.request.symbol : command.symbol;
    this.#refuse({ rule, message, symbol, clientOrderId: id });
    if (command.type === "submit") this.#brackets.delete(id);
    const order = this.#tracker.undo(id, command.type);
    if (order === undefined) return;
    if (order.inFlight === "new") this.#watch(order);
    else this.#sendQueuedAmend(order);
  }

  /** Acts on a signal: position-aware, sized, validated, risk-checked. */
  onSignal(signal: Signal): void {
    const instrument = this.#options.instruments.get(signal.symbol);
    if (instrument === undefined) {
      this.#refuse({
        rule: "unknown-symbol",
        message: `signal for ${signal.symbol}, which has no instrument`,
        symbol: signal.symbol,
      });
      return;
    }
    // The account is read once per signal: what this signal sends goes out through the port,
    // and fills and marks only change with later events, so the position and the mark the plan
    // saw are those its order is checked against.
    const position = this.#account.position(signal.symbol);
    let mark: number | undefined;
    const plan = planSignal(
      signal,
      this.#projectedPosition(signal.symbol, position),
      position,
      this.#options.pyramiding === true,
      () => {
        mark = this.#account.lastPrice(signal.symbol);
        return this.#size(signal, instrument, mark);
      },
    );
    if (plan.cancel !== "none") {
      this.#cancelWorking(signal.symbol, plan.cancel === "keep-protection");
    }
    const order = plan.order;
    if (order === undefined) return;
    this.#send(
      signal,
      instrument,
      order,
      position,
      mark ?? this.#account.lastPrice(signal.symbol),
    );
  }

  /**
   * Places a strategy's own order: quantity rounded down to the lot, prices to the tick (buys
   * down, sells up), then validated and risk-checked like any other. Returns the client order
   * id, or `undefined` when refused (the refusal is reported and counted).
   */
  submitIntent(intent: OrderIntent): string | undefined {
    const instrument = this.#options.instruments.get(intent.symbol);
    const symbol = intent.symbol;
    if (instrument === undefined) {
      this.reject("unknown-symbol", `order for ${symbol}, which has no instrument`, { symbol });
      return undefined;
    }
    if (!Number.isFinite(intent.quantity) || intent.quantity <= 0) {
      this.reject(
        "quantity",
        `${symbol}: order quantity must be positive, got ${intent.quantity}`,
        { symbol, requested: intent.quantity },
      );
      return undefined;
    }
    const passive = intent.side === "buy" ? "floor" : "ceil";
    const toPrice = (value: number | undefined, name: string): Decimal | undefined | null => {
      if (value === undefined) return undefined;
      if (!Number.isFinite(value) || value <= 0) {
        this.reject("price", `${symbol}: ${name} must be a positive number, got ${value}`, {
          symbol,
          requested: value,
        });
        return null;
      }
      return tickPrice(instrument, value, passive);
    };
    const price = toPrice(intent.price, "price");
    const triggerPrice = toPrice(intent.triggerPrice, "trigger price");
    if (price === null || triggerPrice === null) return undefined;
    const quantity = this.#memo.quantity(instrument, intent.quantity);
    const pending: PendingRequest = {
      clientOrderId: UNASSIGNED,
      symbol,
      side: intent.side,
      type: intent.type,
      quantity,
      ...(price === undefined ? {} : { price }),
      ...(triggerPrice === undefined ? {} : { triggerPrice }),
      timeInForce: intent.timeInForce ?? (intent.type === "market" ? "ioc" : "gtc"),
      reduceOnly: intent.reduceOnly ?? false,
      ...(intent.groupId === undefined ? {} : { groupId: intent.groupId }),
    };
    if (!this.#approve(pending, instrument)) return undefined;
    const request = this.#named(pending);
    this.#dispatch(request);
    return request.clientOrderId;
  }

  /**
   * Cancels a working order, in flight or not. Nothing is sent when it is not working or a
   * cancel for it is already in flight (one cancel per order). The id of a working parent of
   * an execution algorithm cancels the parent: no further child, the working ones cancelled.
   */
  cancelOrder(symbol: SymbolId, clientOrderId: string): void {
    const order = this.#tracker.get(clientOrderId);
    if (order === undefined) {
      // The id of an execution algorithm's parent: it stops and cancels its working children.
      const parent = this.#options.algorithms?.parent(clientOrderId);
      if (parent?.parent.symbol === symbol) {
        this.#options.algorithms?.cancelParent(clientOrderId, "cancelled by request");
      }
      return;
    }
    if (order.request.symbol !== symbol) return;
    this.#cancel(order);
  }

  /**
   * Amends a working order, rounding like {@linkcode submitIntent}; refused changes are
   * reported. While the order's submit or an earlier amend is unanswered the change waits and
   * only the latest one is sent once that answer comes (one amend in flight per order); while
   * a cancel is in flight it is refused.
   */
  amendOrder(symbol: SymbolId, clientOrderId: string, changes: AmendIntent): void {
    const instrument = this.#options.instruments.get(symbol);
    const order = this.#tracker.get(clientOrderId);
    if (instrument === undefined || order === undefined || order.request.symbol !== symbol) return;
    const request = order.request;
    const details = { symbol, clientOrderId };
    if (order.inFlight === "cancel") {
      this.reject("order-in-flight", `amend ${clientOrderId}: a cancel is in flight`, details);
      return;
    }
    const price = changes.price === undefined
      ? undefined
      : this.#memo.price(instrument, changes.price, request.side === "buy" ? "floor" : "ceil");
    const quantity = changes.quantity === undefined
      ? undefined
      : this.#memo.quantity(instrument, changes.quantity);
    const checkedPrice = price ?? request.price;
    const violations = checkedPrice !== undefined && quantity === undefined
      ? this.#memo.violations(instrument, request.quantity, checkedPrice)
      : validateOrder(instrument, {
        quantity: quantity ?? request.quantity,
        ...checkedPrice === undefined ? {} : { price: checkedPrice },
      });
    if (violations.length > 0) {
      this.reject(
        violations[0].rule,
        `amend ${clientOrderId}: ${violations.map((v) => v.message).join("; ")}`,
        details,
      );
      return;
    }
    // Only a pure size decrease can skip risk: anything else may add exposure or notional, and
    // must pass the same limits (and the kill switch) as a new order.
    const decreaseOnly = price === undefined && quantity !== undefined &&
      quantity.lte(request.quantity);
    if (this.#state === "halted") {
      this.reject("trading-halted", `amend ${clientOrderId}: trading is halted`, details);
      return;
    }
    if (!decreaseOnly) {
      const amended: OrderRequest = {
        ...request,
        ...(quantity === undefined ? {} : { quantity }),
        ...(price === undefined ? {} : { price }),
      };
      const refused = this.#riskRefusal(
        amended,
        instrument,
        this.#memo.numberOf(amended.quantity),
        this.#account.lastPrice(symbol),
        undefined,
        clientOrderId,
        true,
      );
      if (refused !== undefined) {
        const shown = shownRefusal(refused);
        this.#refuse({
          ...shown,
          message: `amend ${clientOrderId}: ${shown.message}`,
          clientOrderId,
        });
        return;
      }
    }
    const change: AmendChange = {
      ...(price === undefined ? {} : { price }),
      ...(quantity === undefined ? {} : { quantity }),
    };
    if (this.#tracker.amend(clientOrderId, change) === "send") this.#sendAmend(order, change);
  }

  /** Closes every open position at market (the kill switch). */
  flattenAll(symbols: Iterable<SymbolId>): void {
    for (const symbol of symbols) {
      this.onSignal({
        symbol,
        kind: "flatten",
        confidence: 1,
        note: "kill switch",
        hint: { kind: "market" },
      });
    }
  }

  /**
   * Whether this OMS saw the order `clientOrderId` finish: one of the last finished orders it
   * remembers, including those a restored snapshot listed (`finishedOrderIds`). A venue that
   * lists such an order open is stale or the OMS is wrong; reconciliation asks the venue.
   */
  sawFinish(clientOrderId: string): boolean {
    return this.#tracker.finished(clientOrderId);
  }

  /**
   * Adopts an open venue order this OMS did not send (reconciliation's `adopt` policy for an
   * order that is not ours): it is tracked from the venue's report on, as if it had been sent,
   * so strategies see it in their open orders, its reports apply, its fills are booked against
   * it (once per trade id, as every fill) and it can be cancelled or amended. Returns `false`,
   * adopting nothing, for an order already known, one that finished, or one without a client id
   * (it could be neither told apart nor cancelled).
   */
  adoptVenueOrder(order: Order): boolean {
    const id = order.request.clientOrderId;
    if (
      id === "" || isTerminal(order.status) || this.#tracker.knows(id) ||
      this.#endedElsewhere.has(id)
    ) return false;
    this.#tracker.adopt({
      request: order.request,
      venue: order,
      inFlight: undefined,
      target: undefined,
      next: undefined,
      seq: 0,
      ambiguous: false,
      // What filled before the adoption is in the position the venue reported.
      filledByFills: order.filledQuantity,
      createdTs: order.createdTs,
      sentAt: order.createdTs,
      view: undefined,
    });
    return true;
  }

  /**
   * Takes a venue report of one of our orders. Duplicate and overtaken reports change
   * nothing (they are counted); a report of an order this OMS never sent is surfaced as an
   * `unknown-order` notice; brackets are attached once an entry has finished with a fill.
   * Returns `false` for a duplicate or overtaken report (nothing new: callers keep the state
   * they have), `true` otherwise.
   */
  onOrderUpdate(report: Order): boolean {
    const outcome = this.#tracker.report(report);
    switch (outcome.kind) {
      case "duplicate":
      case "late":
        return false;
      case "unknown":
        if (isTerminal(report.status)) this.#endedElsewhereAdd(report.request.clientOrderId);
        this.#notice({
          kind: "unknown-order",
          clientOrderId: report.request.clientOrderId,
          symbol: report.request.symbol,
          status: report.status,
          ours: this.#ids.isOurs(report.request.clientOrderId),
        });
        return true;
      case "applied":
        this.#sendQueuedAmend(outcome.order);
        return true;
      case "finished": {
        const id = report.request.clientOrderId;
        if (report.status === "rejected") {
          this.reject("venue", `${id}: ${report.reason ?? "rejected by the venue"}`, {
            symbol: report.request.symbol,
            clientOrderId: id,
          });
        }
        const bracket = this.#brackets.size === 0 ? undefined : this.#brackets.get(id);
        if (bracket === undefined) return true;
        this.#brackets.delete(id);
        // A partly filled entry (IOC remainder expired, volume cap) is protected too.
        if (!report.filledQuantity.gt(0)) return true;
        // Legs are sized to the booked position: wait for fills the report counts but that
        // have not arrived yet, or the stop would be sized short or never sent. (With no fill
        // seen and a position held, the caller books fills without reporting them here.)
        const booked = outcome.order.filledByFills;
        const flat = this.#account.position(report.request.symbol).isZero();
        if (booked.lt(report.filledQuantity) && (booked.gt(0) || flat)) {
          this.#awaitingFills.set(id, { entry: report, bracket, booked });
          return true;
        }
        this.#attachBracket(report, bracket);
        return true;
      }
      default: {
        const unknown: never = outcome;
        throw new TypeError(`Unknown report outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Takes a venue's alert about one of our commands (the venue port's codes): `amend-refused`
   * and `cancel-refused` leave the order as it was (a `venue` refusal); `order-outcome-unknown`
   * makes the order ambiguous at once, kept in flight for reconciliation and never resent.
   * Other alerts are not the OMS's.
   */
  onVenueAlert(alert: Pick<AlertEvent, "code" | "message" | "symbol" | "clientOrderId">): void {
    const id = alert.clientOrderId;
    if (id === undefined) return;
    switch (alert.code) {
      case "amend-refused":
      case "cancel-refused": {
        const step = alert.code === "amend-refused" ? "amend" : "cancel";
        if (this.#tracker.get(id)?.inFlight !== step) return;
        this.reject("venue", alert.message, { symbol: alert.symbol, clientOrderId: id });
        const order = this.#tracker.undo(id, step);
        if (order === undefined) return;
        if (order.inFlight === "new") this.#watch(order);
        else this.#sendQueuedAmend(order);
        return;
      }
      case "order-outcome-unknown": {
        const order = this.#tracker.get(id);
        if (order !== undefined) this.#tracker.timeout(id, order.seq);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Remembers a fill that is not to be booked (a fresh start's pre-start history: its effect is
   * in the venue's position, which the start adopts), so that the same fill delivered again — by
   * a restarted process's catch-up, say — is a duplicate and not booked either.
   */
  passOverFill(fill: Fill): void {
    this.#tracker.passOver(fill);
  }

  /**
   * Records a fill before it is booked; `false` when its trade id was already booked (a
   * duplicate report: do not book it again). A fill of an order this OMS never sent is booked
   * (positions come from fills) and surfaced as an `unknown-order` notice.
   */
  recordFill(fill: Fill): boolean {
    const outcome = this.#tracker.fill(fill);
    if (outcome === "duplicate") return false;
    if (outcome === "unknown") {
      this.#notice({
        kind: "unknown-order",
        clientOrderId: fill.clientOrderId,
        symbol: fill.symbol,
        status: "fill",
        ours: this.#ids.isOurs(fill.clientOrderId),
      });
    }
    return true;
  }

  #endedElsewhereAdd(id: string): void {
    if (id === "" || this.#endedElsewhere.has(id)) return;
    this.#endedElsewhere.add(id);
    this.#endedElsewhereOrder.push(id);
    if (this.#endedElsewhere.size > ENDED_ELSEWHERE_MEMORY) {
      const oldest = this.#endedElsewhereOrder.shift();
      if (oldest !== undefined) this.#endedElsewhere.delete(oldest);
    }
  }

  /**
   * After a booked fill: attaches the bracket of an entry that finished before its fills came,
   * and cancels the bracket legs once the position they protect is flat.
   */
  onFill(fill: Fill): void {
    // Rarely any entry waits: the empty map is not searched.
    const awaiting = this.#awaitingFills.size === 0
      ? undefined
      : this.#awaitingFills.get(fill.clientOrderId);
    if (awaiting !== undefined) {
      awaiting.booked = awaiting.booked.plus(fill.quantity);
      if (awaiting.booked.gte(awaiting.entry.filledQuantity)) {
        this.#awaitingFills.delete(fill.clientOrderId);
        this.#attachBracket(awaiting.entry, awaiting.bracket);
      }
    }
    if (this.#tracker.size === 0 || !this.#account.position(fill.symbol).isZero()) return;
    for (const order of this.#workingOf(fill.symbol, "reduce-only")) this.#cancel(order);
  }

  /**
   * A timer this OMS asked for fired (tag `<clientOrderId>#<step>`): a step still unanswered
   * makes its order ambiguous, announced by an `ambiguous` notice; it keeps its in-flight
   * state until a report or reconciliation settles it, and is never resent.
   */
  onTimer(tag: string): void {
    const at = tag.lastIndexOf("#");
    const seq = Number(tag.slice(at + 1));
    if (at <= 0 || !Number.isInteger(seq)) return;
    const order = this.#tracker.timeout(tag.slice(0, at), seq);
    if (order === undefined || order.inFlight === undefined) return;
    this.#notice({
      kind: "ambiguous",
      clientOrderId: order.request.clientOrderId,
      symbol: order.request.symbol,
      step: order.inFlight,
      sentAt: order.sentAt,
    });
  }

  /** The OMS as plain data (see {@linkcode OmsSnapshot}); `JSON.stringify` keeps it whole. */
  snapshot(): OmsSnapshot {
    return {
      version: 1,
      tradingState: this.#state,
      clientIds: this.#ids.state(),
      orders: [...this.#tracker.working()].map(orderToSnapshot),
      brackets: [...this.#brackets].map(([entry, bracket]) => ({
        entry,
        ...(bracket.stopLoss === undefined ? {} : { stopLoss: bracket.stopLoss }),
        ...(bracket.takeProfit === undefined ? {} : { takeProfit: bracket.takeProfit }),
      })),
      tradeIds: this.#tracker.recentTrades(SNAPSHOT_TRADES),
      finishedOrderIds: this.#tracker.recentFinished(SNAPSHOT_FINISHED),
      awaitingFills: [...this.#awaitingFills.values()].map(({ entry, bracket, booked }) => ({
        entry: reportToSnapshot(entry),
        ...(bracket.stopLoss === undefined ? {} : { stopLoss: bracket.stopLoss }),
        ...(bracket.takeProfit === undefined ? {} : { takeProfit: bracket.takeProfit }),
        booked: booked.toString(),
      })),
    };
  }

  /**
   * Continues from a snapshot (a restarted process): its working orders, in-flight steps,
   * brackets waiting for their entry, trading state and id counter. Call it before any order
   * is made; reports of the restored orders then apply as if the process had never stopped,
   * and each step still unanswered gets a fresh acknowledgement timeout.
   *
   * @throws {RangeError} for a snapshot of another version or id prefix, or after orders were
   * made.
   */
  restore(snapshot: OmsSnapshot): void {
    if (snapshot.version !== 1) {
      throw new RangeError(`OMS snapshot version ${snapshot.version} is not supported (1 is)`);
    }
    if (this.#submitted > 0 || this.#tracker.working().next().done !== true) {
      throw new RangeError("OMS restore must come before any order is sent");
    }
    this.#ids.restore(snapshot.clientIds);
    this.setTradingState(snapshot.tradingState);
    for (const data of snapshot.orders) {
      const order = orderFromSnapshot(data);
      this.#tracker.adopt(order);
      // The timers died with the old process: a step still unanswered gets a fresh timeout.
      if (order.inFlight !== undefined && !order.ambiguous) this.#watch(order);
    }
    const trades = snapshot.tradeIds ?? [];
    if (
      !Array.isArray(trades) ||
      trades.some((key) => typeof key !== "string" || !key.includes("|"))
    ) {
      throw new RangeError(
        "OMS snapshot: tradeIds must be a list of <symbol>|<tradeId> strings (as snapshot() writes)",
      );
    }
    this.#tracker.seedTrades(trades);
    const finished = snapshot.finishedOrderIds ?? [];
    if (!Array.isArray(finished) || finished.some((id) => typeof id !== "string")) {
      throw new RangeError("OMS snapshot: finishedOrderIds must be a list of strings");
    }
    this.#tracker.seedFinished(finished);
    for (const { entry, stopLoss, takeProfit } of snapshot.brackets) {
      this.#brackets.set(entry, { stopLoss, takeProfit });
    }
    // An entry that finished before its fills came keeps waiting for them (its stop is owed).
    for (const { entry, stopLoss, takeProfit, booked } of snapshot.awaitingFills ?? []) {
      const report = reportFromSnapshot(entry);
      this.#awaitingFills.set(report.request.clientOrderId, {
        entry: report,
        bracket: { stopLoss, takeProfit },
        booked: decimal(booked),
      });
    }
  }

  #now(): number {
    return this.#options.clock?.now() ?? 0;
  }

  // Counts a refusal; its message is written (a deferred one's) only for an example slot or a
  // listener that wants it. A bare rule was asked for because neither does (#heard).
  #refuse(refusal: Refusal | DeferredRefusal | RefusalRule): void {
    const rule = typeof refusal === "string" ? refusal : refusal.rule;
    let cell = rule === this.#lastRule ? this.#lastCount : this.#counts.get(rule);
    if (cell === undefined) {
      cell = { count: 0 };
      this.#counts.set(rule, cell);
    }
    cell.count++;
    this.#lastRule = rule;
    this.#lastCount = cell;
    if (typeof refusal === "string") return;
    if (this.#examples.length < EXAMPLES) this.#examples.push(refusal.message);
    const { onRefusal, wantsRefusals } = this.#options;
    if (onRefusal === undefined || wantsRefusals?.() === false) return;
    onRefusal(shownRefusal(refusal));
  }

  // Whether a refusal now would be read: an example slot is free or a listener wants it.
  #heard(): boolean {
    if (this.#examples.length < EXAMPLES) return true;
    const { onRefusal, wantsRefusals } = this.#options;
    return onRefusal !== undefined && wantsRefusals?.() !== false;
  }

  #notice(notice: OmsNotice): void {
    this.#options.onNotice?.(notice);
  }

  // Names an order that passed its checks (only those draw a client id), in place: the
  // pending request is the OMS's own until it is sent.
  #named(pending: PendingRequest): OrderRequest {
    pending.clientOrderId = this.#ids.next();
    return pending;
  }

  // Sends a new order and tracks it as pending-new.
  #dispatch(request: OrderRequest): void {
    const order = this.#tracker.sent(request, this.#now());
    this.#submitted++;
    this.#port.send({ type: "submit", request });
    this.#arm(order);
  }

  #cancel(order: TrackedOrder): void {
    if (!this.#tracker.cancel(order.request.clientOrderId)) return;
    const { symbol, clientOrderId } = order.request;
    this.#port.send({ type: "cancel", symbol, clientOrderId });
    this.#arm(order);
  }

  #sendAmend(order: TrackedOrder, change: AmendChange): void {
    const { symbol, clientOrderId } = order.request;
    this.#port.send({ type: "amend", symbol, clientOrderId, ...change });
    this.#arm(order);
  }

  // Once nothing is in flight, the amend that waited for the answer goes out.
  #sendQueuedAmend(order: TrackedOrder): void {
    const next = order.next;
    if (next === undefined || order.inFlight !== undefined) return;
    this.#tracker.startAmend(order, next);
    this.#sendAmend(order, next);
  }

  // Stamps the step just sent and, with a timeout configured, asks for the timer that turns a
  // missing answer into an explicit ambiguous state.
  #arm(order: TrackedOrder): void {
    order.sentAt = this.#now();
    this.#watch(order);
  }

  #watch(order: TrackedOrder): void {
    const { clock, ackTimeout } = this.#options;
    if (clock === undefined || ackTimeout === undefined) return;
    clock.setTimer(clock.now() + ackTimeout, `${order.request.clientOrderId}#${order.seq}`);
  }

  // The working orders that may add exposure (not reduce-only), with their unfilled quantity.
  #exposures(except: string | undefined): readonly WorkingExposure[] {
    if (this.#tracker.size === 0) return NO_EXPOSURES;
    const exposures: WorkingExposure[] = [];
    for (const order of this.#tracker.working()) {
      const request = order.request;
      if (request.reduceOnly || request.clientOrderId === except) continue;
      exposures.push({ request, remaining: this.#tracker.remaining(order).toNumber() });
    }
    return exposures;
  }

  // The (filled) `position` if every working order that may add exposure filled.
  #projectedPosition(symbol: SymbolId, filled: Decimal): Decimal {
    let position = filled;
    // Parents of execution algorithms count with what they have not sent yet (with none
    // working, as for most signals, nothing is asked of them).
    const algorithms = this.#options.algorithms;
    const unsent = algorithms?.working === true ? algorithms.unsent(symbol) : 0;
    if (unsent !== 0) position = position.plus(decimal(Number(unsent.toPrecision(15))));
    if (this.#tracker.size === 0) return position;
    for (const order of this.#tracker.working()) {
      if (order.request.symbol !== symbol || order.request.reduceOnly) continue;
      const remaining = this.#tracker.remaining(order);
      position = order.request.side === "buy"
        ? position.plus(remaining)
        : position.minus(remaining);
    }
    return position;
  }

  // Sizes an entry at the symbol's last `price`.
  #size(signal: Signal, instrument: Instrument, price: number): Decimal | undefined {
    if (!(price > 0)) {
      this.#refuse({
        rule: "no-price",
        message: `${signal.symbol}: no price yet to size the ${signal.kind} signal`,
        symbol: signal.symbol,
      });
      return undefined;
    }
    const raw = signal.quantity ??
      this.#options.sizer.size(new AccountSizingInput(signal, instrument, price, this.#account));
    if (!Number.isFinite(raw) || raw < 0) {
      this.#refuse({
        rule: "bad-size",
        message: `${signal.symbol}: sizer returned ${raw}`,
        symbol: signal.symbol,
        requested: raw,
      });
      return undefined;
    }
    const quantity = this.#memo.quantity(instrument, raw);
    if (quantity.isZero()) {
      this.#refuse({
        rule: "zero-size",
        message:
          `${signal.symbol}: ${signal.kind} sized to ${raw}, below the lot size ${instrument.lotSize}`,
        symbol: signal.symbol,
        requested: raw,
        limit: instrument.lotSize.toNumber(),
      });
      return undefined;
    }
    return quantity;
  }

  // Sends the order a signal planned, checked against the signal's filled `position` and the
  // symbol's last price `mark`.
  #send(
    signal: Signal,
    instrument: Instrument,
    order: PlannedOrder,
    position: Decimal,
    mark: number,
  ): void {
    const { side, quantity, reduceOnly, bracket } = order;
    const template = this.#options.execution;
    const hint = signal.hint ??
      (template === undefined ? undefined : templateHint(template, side, mark));
    if (hint !== undefined && isAlgorithmHint(hint) && this.#options.algorithms !== undefined) {
      this.#startParent(signal, hint, instrument, order, position, mark);
      return;
    }
    const built = hintRequest(
      signal.hint ?? MARKET,
      instrument,
      signal.symbol,
      side,
      quantity,
      reduceOnly,
    );
    if ("unsupported" in built) {
      this.reject(
        "unsupported-hint",
        `${signal.symbol}: execution hint "${built.unsupported}" is not available in this venue mode; use market or limit`,
        { symbol: signal.symbol },
      );
      return;
    }
    const pending = signal.groupId === undefined ? built : { ...built, groupId: signal.groupId };
    if (!this.#approve(pending, instrument, mark, position)) return;
    const request = this.#named(pending);
    if (
      bracket !== undefined && (bracket.stopLoss !== undefined || bracket.takeProfit !== undefined)
    ) {
      this.#brackets.set(request.clientOrderId, bracket);
    }
    this.#dispatch(request);
  }

  // A signal worked by an execution algorithm: the parent is checked as a whole (the hint's
  // parameters, the order grid and risk as one market order now), then each child again.
  #startParent(
    signal: Signal,
    hint: AlgorithmHint,
    instrument: Instrument,
    order: PlannedOrder,
    position: Decimal,
    mark: number,
  ): void {
    const { side, quantity, reduceOnly, bracket } = order;
    const algorithms = this.#options.algorithms;
    if (algorithms === undefined) return;
    const problem = hintProblem(hint, instrument);
    if (problem !== undefined) {
      this.reject("unsupported-hint", `${signal.symbol}: ${hint.kind} hint: ${problem}`, {
        symbol: signal.symbol,
      });
      return;
    }
    const draft: OrderDraft = {
      symbol: signal.symbol,
      side,
      type: "market",
      quantity,
      timeInForce: "gtc",
      reduceOnly,
    };
    if (!this.#approve(draft, instrument, mark, position)) return;
    const id = this.#ids.next();
    algorithms.start({
      id,
      symbol: signal.symbol,
      side,
      lots: Math.round(quantity.div(instrument.lotSize).toNumber()),
      reduceOnly,
      hint,
      ...(signal.groupId === undefined ? {} : { groupId: signal.groupId }),
      ...(bracket?.stopLoss === undefined ? {} : { stopLoss: bracket.stopLoss }),
      ...(bracket?.takeProfit === undefined ? {} : { takeProfit: bracket.takeProfit }),
    });
  }

  /**
   * Places the stop-loss and take-profit of a parent order that finished with a position (the
   * algorithms call it when a parent ends), sized to the whole position like any bracket.
   */
  protectParent(
    symbol: SymbolId,
    parentId: string,
    stopLoss: number | undefined,
    takeProfit: number | undefined,
  ): void {
    if (stopLoss === undefined && takeProfit === undefined) return;
    const instrument = this.#options.instruments.get(symbol);
    const position = this.#account.position(symbol);
    if (instrument === undefined || position.isZero()) return;
    const legs = bracketLegs(
      instrument,
      symbol,
      position,
      { stopLoss, takeProfit },
      parentId,
    );
    for (const leg of legs) {
      if (this.#approve(leg, instrument)) this.#dispatch(this.#named(leg));
    }
  }

  // Validates and risk-checks `request` at the symbol's last price `mark` (read once: the grid
  // check's reference and risk's price and band use the same), against its filled `position`
  // (read here when the caller has none).
  #approve(
    request: OrderDraft,
    instrument: Instrument,
    mark: number = this.#account.lastPrice(request.symbol),
    position?: Decimal,
  ): boolean {
    const quantity = this.#memo.numberOf(request.quantity);
    const reference = this.#reference(request, instrument, quantity, mark);
    const violations = reference === undefined && request.price === undefined &&
        request.triggerPrice === undefined
      ? this.#memo.quantityViolations(instrument, request.quantity)
      : validateOrder(instrument, request, reference);
    if (violations.length > 0) {
      this.#refuse({
        rule: violations[0].rule,
        message: violations.length === 1
          ? violations[0].message
          : violations.map((v) => v.message).join("; "),
        symbol: request.symbol,
        requested: quantity,
      });
      return false;
    }
    const refused = this.#riskRefusal(
      request,
      instrument,
      quantity,
      mark,
      position,
      undefined,
      this.#heard(),
    );
    if (refused !== undefined) {
      this.#refuse(refused);
      return false;
    }
    return true;
  }

  // The price a market order's minimum notional is checked at: the last price. The check only
  // needs it as an exact Decimal near the minimum; clearly above it (by far more than a float's
  // rounding) the order passes either way, so the conversion is skipped, and with no minimum
  // it is never needed.
  #reference(
    request: OrderDraft,
    instrument: Instrument,
    quantity: number,
    last: number,
  ): Decimal | undefined {
    if (request.price !== undefined) return undefined;
    if (!(last > 0) || instrument.minNotional.isZero()) return undefined;
    const { minNotional: minimum, multiplier } = this.#memo.constants(instrument);
    const approx = instrument.kind === "inverse"
      ? quantity * multiplier / last
      : quantity * multiplier * last;
    return approx > minimum * (1 + 1e-9) ? undefined : decimal(last);
  }

  // Pre-trade risk, the trading state and buying power for `request` (of `quantity`, its
  // quantity as a number, at the symbol's last price `mark`, against the filled `position`);
  // `amending` names the working order it replaces, which then does not count among the
  // working orders. Unless `recorded`, a risk refusal is its rule alone (see #heard).
  #riskRefusal(
    request: OrderDraft,
    instrument: Instrument,
    quantity: number,
    mark: number,
    position: Decimal | undefined,
    amending: string | undefined,
    recorded: true,
  ): Refusal | DeferredRefusal | undefined;
  #riskRefusal(
    request: OrderDraft,
    instrument: Instrument,
    quantity: number,
    mark: number,
    position: Decimal | undefined,
    amending: string | undefined,
    recorded: boolean,
  ): Refusal | DeferredRefusal | RefusalRule | undefined;
  #riskRefusal(
    request: OrderDraft,
    instrument: Instrument,
    quantity: number,
    mark: number,
    position: Decimal = this.#account.position(request.symbol),
    amending: string | undefined,
    recorded: boolean,
  ): Refusal | DeferredRefusal | RefusalRule | undefined {
    const price = request.price?.toNumber() ?? mark;
    // One walk over the working orders (a market maker amends on every quote) serves both
    // the same-side quantity for the limits and the buying-power reservations.
    const working = this.#exposures(amending);
    let workingSameSide = 0;
    for (const { request: other, remaining } of working) {
      if (other.symbol === request.symbol && other.side === request.side) {
        workingSameSide += remaining;
      }
    }
    const risk = this.#options.risk.checkDeferred({
      request,
      instrument,
      price,
      position,
      quantityValue: quantity,
      positionValue: this.#memo.numberOf(position),
      workingSameSide,
      mark,
      now: this.#now(),
    }, recorded);
    if (risk !== undefined) return risk;
    const state = tradingStateRefusal(this.#state, request, position, workingSameSide);
    if (state !== undefined) return state;
    return checkBuyingPower(request, working, this.#buyingPower, quantity);
  }

  #attachBracket(entry: Order, bracket: Bracket): void {
    const { symbol } = entry.request;
    const instrument = this.#options.instruments.get(symbol);
    const position = this.#account.position(symbol);
    if (instrument === undefined || position.isZero()) return;
    const legs = bracketLegs(
      instrument,
      symbol,
      position,
      bracket,
      entry.request.clientOrderId,
    );
    for (const leg of legs) {
      if (this.#approve(leg, instrument)) this.#dispatch(this.#named(leg));
    }
  }

  // Cancels the symbol's working orders (not those with a cancel in flight); with
  // `keepProtection`, not the reduce-only ones (stops and targets protecting the position).
  #cancelWorking(symbol: SymbolId, keepProtection = false): void {
    const algorithms = this.#options.algorithms;
    if (algorithms?.working === true) {
      algorithms.cancelSymbol(symbol, "a new signal replaced it", keepProtection);
    }
    if (this.#tracker.size === 0) return;
    const which = keepProtection ? "adding" : "all";
    for (const order of this.#workingOf(symbol, which)) this.#cancel(order);
  }

  // The symbol's working orders, all, only the reduce-only ones or only those that may add
  // exposure, taken before any is cancelled (a plain walk: no generator on the hot paths).
  #workingOf(symbol: SymbolId, which: "all" | "reduce-only" | "adding"): TrackedOrder[] {
    const orders: TrackedOrder[] = [];
    for (const order of this.#tracker.working()) {
      const request = order.request;
      if (request.symbol !== symbol) continue;
      if (
        which === "reduce-only" ? !request.reduceOnly : which === "adding" && request.reduceOnly
      ) {
        continue;
      }
      orders.push(order);
    }
    return orders;
  }
}
