/**
 * The simulated venue of candle mode: orders submitted at a bar close are matched against the
 * following (sub-)bars with an explicit intrabar path model, gap-aware stops, a strict-cross
 * (or touch) limit rule, OCO brackets, reduce-only capping, a volume-participation cap and
 * maker/taker fees. The rules are documented in `docs/backtesting.md` ("Candle-mode venue").
 *
 * @example
 * ```ts
 * import { CandleVenue } from "@tesser/tesser/venues";
 * import { decimal, type Fill, makeInstrument, ZERO } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * const btc = makeInstrument({
 *   symbol: "bybit:BTCUSDT", kind: "linear", base: "BTC", quote: "USDT",
 *   tickSize: "0.1", lotSize: "0.001", takerFee: "0.0006",
 * });
 * const fills: Fill[] = [];
 * const venue = new CandleVenue(
 *   { instruments: new Map([[btc.symbol, btc]]), positionOf: () => ZERO },
 *   (report) => {
 *     if (report.kind === "fill") fills.push(report.fill);
 *   },
 * );
 * venue.submit({
 *   clientOrderId: "c-1", symbol: btc.symbol, side: "buy", type: "market",
 *   quantity: decimal("0.01"), timeInForce: "gtc", reduceOnly: false,
 * }, 60_000_000);
 * venue.onBar(btc.symbol, 60_000_000, 60_000_000, 100, 101, 99, 100.5, 10);
 * assert.equal(fills[0]?.price.toString(), "100");
 * ```
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Instrument,
  type Micros,
  type Order,
  type OrderRequest,
  roundPrice,
  roundToStep,
  type SymbolId,
  transitionOrder,
  ZERO,
} from "../../domain/mod.ts";
import {
  arrivalRejection,
  closingRequest,
  type FeeRates,
  fillPrice,
  fillPriceOf,
  makeFill,
  pendingOrder,
  sizeFill,
} from "../_venue_fill.ts";
import type { VenueCapabilities, VenueInbox, VenuePort } from "../../broker/mod.ts";
import type { OrderCommand } from "../../events/mod.ts";
import {
  type BarContext,
  barContext,
  type Candidate,
  evaluate,
  mayAct,
  newWorkingOrder,
  pathMicros,
  pathTimeOf,
  pointAt,
  type WorkingOrder,
} from "./_venue_match.ts";
import {
  type CandleVenueOptions,
  type IntrabarModel,
  resolveVenueOptions,
} from "./_venue_options.ts";
import { resolveOco } from "./_venue_oco.ts";
import {
  type BarState,
  barState,
  insertInPathOrder,
  joinTime,
  liquidationOnPath,
} from "./_venue_walk.ts";

export type {
  CandleVenueOptions,
  IntrabarModel,
  LimitFillRule,
  VenueLatency,
} from "./_venue_options.ts";

/** Reason of an order canceled by its OCO sibling's fill. */
const OCO = "oco";
const NO_POSITION = "reduce-only: no position to reduce";
const NO_ORDERS: readonly WorkingOrder[] = [];

/**
 * A simulated venue for candle-mode backtests. Feed it every (sub-)bar in time order with
 * {@linkcode CandleVenue.onBar}; it delivers order updates and fills to its inbox as events,
 * each stamped with the simulated time it happens. As a {@linkcode VenuePort} it takes
 * commands with {@linkcode CandleVenue.send}, at the time of its `now` option; it cannot amend.
 */
export class CandleVenue implements VenuePort {
  /** The venue name (option `venue`, default `sim`). */
  readonly venue: string;
  /** Amends are not simulated in candle mode. */
  readonly capabilities: VenueCapabilities = { amend: false };
  readonly #instruments: ReadonlyMap<SymbolId, Instrument>;
  readonly #inbox: VenueInbox;
  readonly #now: () => Micros;
  readonly #positionOf: (symbol: SymbolId) => Decimal;
  readonly #liquidationPriceOf: ((symbol: SymbolId) => number | undefined) | undefined;
  readonly #bankruptcyPriceOf: ((symbol: SymbolId) => number | undefined) | undefined;
  readonly #latencyMs: boolean;
  readonly #slippageBps: number;
  readonly #latencyAt: number;
  readonly #latencyBars: number;
  readonly #touch: boolean;
  readonly #intrabar: IntrabarModel;
  readonly #participation: Decimal | undefined;
  readonly #fees: FeeRates;
  readonly #books = new Map<SymbolId, WorkingOrder[]>();
  // The working orders of the symbol of the last bar (a book, once made, is only ever changed
  // in place): nearly every bar is of that symbol, so it costs no map lookup.
  #lastBarSymbol: SymbolId | undefined;
  #lastBarBook: readonly WorkingOrder[] = NO_ORDERS;
  readonly #byClientId = new Map<string, WorkingOrder>();
  readonly #groups = new Map<string, WorkingOrder[]>();
  readonly #bars = new Map<SymbolId, BarState>();
  #nextOrder = 1;
  #nextTrade = 1;
  #nextLiquidation = 1;
  #liquidations = 0;
  #ambiguous = 0;
  #rejected = 0;
  #budget: Decimal | undefined = undefined;
  #budgetVolume = 0;
  /** Position at the start of the bar being processed, plus this bar's own fills. */
  #barPosition: Decimal = ZERO;

  /**
   * Creates a venue.
   *
   * @throws {RangeError} for a latency below one bar or below 0 ms, negative slippage, or a
   * participation outside (0, 1].
   */
  constructor(options: CandleVenueOptions, inbox: VenueInbox) {
    const resolved = resolveVenueOptions(options);
    this.venue = options.venue ?? "sim";
    this.#instruments = options.instruments;
    this.#inbox = inbox;
    this.#now = options.now ?? (() => {
      throw new TypeError("CandleVenue.send needs the `now` option (the session's clock)");
    });
    this.#positionOf = options.positionOf;
    this.#liquidationPriceOf = options.liquidationPriceOf;
    this.#bankruptcyPriceOf = options.bankruptcyPriceOf;
    this.#latencyMs = options.latency?.kind === "ms";
    this.#slippageBps = resolved.slippageBps;
    this.#latencyAt = resolved.latencyAt;
    this.#latencyBars = resolved.latencyBars;
    this.#touch = resolved.touch;
    this.#intrabar = resolved.intrabar;
    this.#participation = resolved.participation;
    this.#fees = resolved.fees;
  }

  /** Bars in which two or more legs of one OCO group could have filled. */
  get ambiguousBars(): number {
    return this.#ambiguous;
  }

  /** Forced liquidations so far. */
  get liquidations(): number {
    return this.#liquidations;
  }

  /** Orders rejected so far. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * The port's entry: a submit or cancel sent now (the `now` option). An amend is refused with
   * an `amend-refused` alert (the venue's capabilities say so, and a session refuses it first).
   */
  send(command: OrderCommand): void {
    switch (command.type) {
      case "submit":
        this.submit(command.request, this.#now());
        return;
      case "cancel":
        this.cancel(command.symbol, command.clientOrderId, this.#now());
        return;
      case "amend": {
        const ts = this.#now();
        this.#inbox({
          kind: "alert",
          ts,
          tsRecv: ts,
          severity: "warning",
          code: "amend-refused",
          message: `${command.clientOrderId}: amend is not simulated in candle mode`,
          symbol: command.symbol,
          clientOrderId: command.clientOrderId,
        });
        return;
      }
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Sends an order at `ts` (a bar close). It reaches the venue after the latency; `accepted`
   * or `rejected` is reported then. An unknown symbol or a clientOrderId that is still working
   * is rejected at once (ts = `ts`): such an order has nowhere to go. An order sent inside the
   * bar the venue is matching (or last matched) for the symbol — a bracket attached when an
   * entry fills, stamped with the fill's time — joins the rest of that bar's path from its
   * arrival (at once under a one-bar latency, after the latency under `ms`).
   */
  submit(request: OrderRequest, ts: Micros): void {
    const order = pendingOrder(`o-${this.#nextOrder++}`, request, ts);
    const instrument = this.#instruments.get(request.symbol);
    if (instrument === undefined) {
      this.#reject(order, `unknown symbol ${request.symbol}`, ts);
      return;
    }
    if (this.#byClientId.has(request.clientOrderId)) {
      this.#reject(order, `duplicate clientOrderId ${request.clientOrderId}`, ts);
      return;
    }
    const state = this.#bars.get(request.symbol);
    const joinAt = state === undefined
      ? undefined
      : joinTime(state.bar, ts, this.#latencyMs, this.#latencyAt, this.#latencyBars);
    const working = newWorkingOrder(
      order,
      instrument,
      this.#nextOrder,
      joinAt ?? ts + this.#latencyAt,
      joinAt === undefined ? this.#latencyBars : 0,
    );
    const oco = working.oco;
    const book = this.#books.get(request.symbol);
    if (book === undefined) {
      this.#books.set(request.symbol, [working]);
      this.#lastBarSymbol = undefined;
    } else book.push(working);
    this.#byClientId.set(request.clientOrderId, working);
    if (oco !== undefined) {
      const group = this.#groups.get(oco);
      if (group === undefined) this.#groups.set(oco, [working]);
      else group.push(working);
    }
    if (state !== undefined && joinAt !== undefined) this.#join(state, working, joinAt);
  }

  // An order arriving mid-bar: accepted at its arrival, then matched on the rest of the path.
  #join(state: BarState, working: WorkingOrder, arrival: Micros): void {
    const bar = state.bar;
    const start = Math.max(pathTimeOf(bar, arrival), state.point.time);
    const point = start === state.point.time ? state.point : pointAt(bar, start);
    this.#arrive(working, bar.openTime, arrival, point.price);
    if (working.done || state.ended) return;
    if (working.oco !== undefined && state.filledGroups.has(working.oco)) {
      this.#finish(working, "canceled", OCO, arrival);
      return;
    }
    if (state.queue !== undefined) {
      state.joiners.push(working);
      return;
    }
    // The bar was already walked (reports are being processed after it): match the newcomer
    // alone on the rest of the path, from its arrival.
    const saved = state.point;
    state.point = point;
    state.joiners.push(working);
    this.#walk(state, []);
    if (state.point.time < saved.time) state.point = saved;
    this.#expireOneShots([working], bar);
  }

  /**
   * Asks to cancel a working order at `ts`. The request travels with the same latency as an
   * order and takes effect before matching on the bar it arrives at (so an order may still
   * fill in between). Unknown or finished orders are ignored.
   */
  cancel(symbol: SymbolId, clientOrderId: string, ts: Micros): void {
    const working = this.#byClientId.get(clientOrderId);
    if (working === undefined || working.instrument.symbol !== symbol) return;
    if (working.cancelAt !== Infinity) return;
    working.cancelAt = ts + this.#latencyAt;
    working.cancelBars = this.#latencyBars;
  }

  /** The orders not yet finished (including those still travelling), in submission order. */
  openOrders(symbol?: SymbolId): readonly Order[] {
    if (symbol !== undefined) return (this.#books.get(symbol) ?? []).map((w) => w.order);
    const all: WorkingOrder[] = [];
    for (const book of this.#books.values()) all.push(...book);
    return all.sort((a, b) => a.seq - b.seq).map((w) => w.order);
  }

  /**
   * Feeds one data (sub-)bar. Bars must come in time order per symbol. Returns at once, with
   * `false`, when no order of the symbol can act on this bar; `true` when it walked the bar
   * (and then it also checked the liquidation price along the path, when one is configured).
   */
  onBar(
    symbol: SymbolId,
    openTime: Micros,
    barMicros: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    let book = this.#lastBarBook;
    if (symbol !== this.#lastBarSymbol) {
      book = this.#books.get(symbol) ?? NO_ORDERS;
      this.#lastBarSymbol = symbol;
      this.#lastBarBook = book;
    }
    const touch = this.#touch;
    let act = false;
    for (let i = 0; i < book.length; i++) {
      if (mayAct(book[i], openTime, barMicros, high, low, touch)) {
        act = true;
        break;
      }
    }
    if (!act && !this.#mayLiquidate(symbol, high, low)) return false;
    this.#processBar(symbol, book.slice(), openTime, barMicros, { open, high, low, close }, volume);
    return true;
  }

  #mayLiquidate(symbol: SymbolId, high: number, low: number): boolean {
    const level = this.#liquidationPriceOf?.(symbol);
    if (level === undefined || !(level > 0)) return false;
    const position = this.#positionOf(symbol);
    if (position.isZero()) return false;
    return position.isNeg() ? high >= level : low <= level;
  }

  /**
   * Forced close of the whole position in `symbol` at `price` (rounded to the tick against
   * us, taker fee): working orders of the symbol are canceled first, then a reduce-only market
   * order `liquidation-N` is reported filled. All with reason `"liquidation"`.
   *
   * @throws {RangeError} for a symbol without an instrument.
   */
  liquidate(symbol: SymbolId, price: number, ts: Micros): void {
    const instrument = this.#instruments.get(symbol);
    if (instrument === undefined) throw new RangeError(`Cannot liquidate unknown symbol ${symbol}`);
    for (const working of (this.#books.get(symbol) ?? []).slice()) {
      this.#finish(working, "canceled", "liquidation", ts);
    }
    const position = this.#positionOf(symbol);
    if (position.isZero()) return;
    this.#liquidations++;
    const buy = position.isNeg();
    const quantity = position.abs();
    const request = closingRequest(`liquidation-${this.#nextLiquidation++}`, symbol, position);
    const exact = roundPrice(instrument, decimal(price), buy ? "ceil" : "floor");
    const order = pendingOrder(`o-${this.#nextOrder++}`, request, ts);
    this.#emitFill(order, instrument, exact, quantity, "taker", ts);
    this.#update(
      transitionOrder(order, "filled", ts, {
        filledQuantity: quantity,
        averagePrice: exact,
        reason: "liquidation",
      }),
      ts,
    );
  }

  #processBar(
    symbol: SymbolId,
    orders: readonly WorkingOrder[],
    openTime: Micros,
    barMicros: number,
    prices: {
      readonly open: number;
      readonly high: number;
      readonly low: number;
      readonly close: number;
    },
    volume: number,
  ): void {
    this.#budget = undefined;
    this.#budgetVolume = volume;
    // Snapshot once per bar and add our own fills: correct whether the inbox applies fills to
    // the position at once or only after onBar returns (as the runner does).
    this.#barPosition = this.#positionOf(symbol);
    for (const working of orders) {
      if (!working.done && openTime >= working.cancelAt + working.cancelBars * barMicros) {
        this.#finish(working, "canceled", "canceled", openTime);
      }
    }
    for (const working of orders) {
      if (working.done || working.arrived) continue;
      if (openTime >= working.activeAt + working.activeBars * barMicros) {
        this.#arrive(working, openTime, openTime, prices.open);
      }
    }
    const exposure = this.#barPosition.isZero() ? 0 : this.#barPosition.isNeg() ? -1 : 1;
    const bar = barContext(this.#intrabar, this.#touch, openTime, barMicros, prices, exposure);
    const state = barState(symbol, bar);
    this.#bars.set(symbol, state);
    const candidates: Candidate[] = [];
    for (const working of orders) {
      if (working.done || !working.arrived) continue;
      const found = evaluate(working, bar);
      if (found !== undefined) candidates.push(found);
    }
    const { chosen, ambiguous } = resolveOco(candidates, this.#intrabar === "pessimistic");
    this.#ambiguous += ambiguous;
    this.#walk(state, chosen.slice());
    if (state.ended) return;
    this.#expireOneShots((this.#books.get(symbol) ?? []).slice(), bar);
  }

  // Executes the candidates in path order, with the liquidation price taking its turn between
  // them (each fill may move it), and lets orders that join mid-walk (brackets attached by a
  // fill) compete on the rest of the path.
  #walk(state: BarState, queue: Candidate[]): void {
    const bar = state.bar;
    state.queue = queue;
    try {
      this.#admitJoiners(state);
      while (queue.length > 0) {
        const found = queue.shift() as Candidate;
        if (found.working.done) continue;
        if (this.#liquidatedBefore(state, found.time)) return;
        state.point = { time: found.time, price: found.estimate };
        this.#execute(found, pathMicros(bar, found.time));
        const oco = found.working.oco;
        if (oco !== undefined && found.working.order.filledQuantity.gt(0)) {
          state.filledGroups.add(oco);
        }
        this.#admitJoiners(state);
      }
      this.#liquidatedBefore(state, 3);
    } finally {
      state.queue = undefined;
    }
  }

  // Evaluates the orders that arrived during the walk from the current point and merges them
  // into the queue in path order (one leg per OCO group, as at the open).
  #admitJoiners(state: BarState): void {
    const queue = state.queue;
    if (state.joiners.length === 0 || queue === undefined) return;
    const joiners = state.joiners.splice(0);
    const candidates: Candidate[] = [];
    for (const working of joiners) {
      if (working.done) continue;
      const found = evaluate(working, state.bar, state.point);
      if (found !== undefined) candidates.push(found);
    }
    const { chosen, ambiguous } = resolveOco(candidates, this.#intrabar === "pessimistic");
    this.#ambiguous += ambiguous;
    insertInPathOrder(queue, chosen);
  }

  // IOC/FOK orders that had their chance on this bar expire at its end.
  #expireOneShots(orders: readonly WorkingOrder[], bar: BarContext): void {
    for (const working of orders) {
      if (working.done || !working.oneShot) continue;
      const arrivalBar = working.arrivedAt === bar.openTime;
      const isStop = working.kind === "stop-market" || working.kind === "stop-limit";
      if ((arrivalBar && !isStop) || working.chanceUsed) {
        const tif = working.order.request.timeInForce;
        const ts = Math.max(bar.openTime, working.order.updatedTs);
        this.#finish(working, "expired", `${tif}: unfilled quantity expired`, ts);
      }
    }
  }

  // Liquidates when the bar's path reaches the position's liquidation price between the
  // current point and `until` (path times) — the same path the fills are measured on. The
  // position closes at its bankruptcy price (the whole isolated margin is lost, as Bybit and
  // Binance take it), or at the open when the bar opens beyond that.
  #liquidatedBefore(state: BarState, until: number): boolean {
    const symbol = state.symbol;
    const level = this.#liquidationPriceOf?.(symbol);
    if (level === undefined || !(level > 0)) return false;
    const position = this.#positionOf(symbol);
    if (position.isZero()) return false;
    const long = !position.isNeg();
    const reached = liquidationOnPath(
      state,
      until,
      level,
      long,
      () => this.#bankruptcyPriceOf?.(symbol) ?? level,
    );
    if (reached === undefined) return false;
    state.ended = true;
    this.liquidate(symbol, reached.price, pathMicros(state.bar, reached.time));
    return true;
  }

  #arrive(working: WorkingOrder, openTime: Micros, ts: Micros, price: number): void {
    working.arrived = true;
    working.arrivedAt = openTime;
    const { request } = working.order;
    let reason = arrivalRejection(working.instrument, request, price);
    if (reason === undefined && request.timeInForce === "post-only") {
      const marketable = working.buy ? price <= working.limit : price >= working.limit;
      if (marketable) {
        const where = ts === openTime ? "the open" : "arrival";
        reason = `post-only: limit ${request.price} would take liquidity at ${where} ${price}`;
      }
    }
    if (reason !== undefined) {
      this.#finish(working, "rejected", reason, ts);
      return;
    }
    working.order = transitionOrder({ ...working.order, createdTs: ts }, "accepted", ts);
    this.#update(working.order, ts);
  }

  #execute(found: Candidate, ts: Micros): void {
    const working = found.working;
    if (working.done) return;
    const isStop = working.kind === "stop-market" || working.kind === "stop-limit";
    if (isStop) {
      working.triggered = true;
      if (working.oneShot) working.chanceUsed = true;
    }
    if (!found.fills) return;
    const { request } = working.order;
    const budget = this.#participation === undefined ? undefined : this.#budget ?? roundToStep(
      this.#participation.times(decimal(this.#budgetVolume)),
      working.instrument.lotSize,
      "down",
    );
    const sizing = sizeFill(
      request,
      working.order.filledQuantity,
      working.remaining,
      request.reduceOnly ? this.#barPosition : undefined,
      budget,
    );
    switch (sizing.kind) {
      case "cancel":
        this.#finish(working, "canceled", NO_POSITION, ts);
        return;
      case "expire":
        this.#finish(working, "expired", "fok: cannot fill the whole quantity", ts);
        return;
      case "wait":
        return;
      case "fill":
        break;
      default: {
        const unknown: never = sizing;
        throw new TypeError(`Unknown sizing ${JSON.stringify(unknown)}`);
      }
    }
    const { quantity, capped } = sizing;
    if (capped !== undefined) {
      working.remaining = capped.quantity.minus(working.order.filledQuantity);
    }
    if (budget !== undefined) this.#budget = budget.minus(quantity);
    const basis = found.basis === "start"
      ? undefined
      : found.basis === "limit"
      ? request.price
      : request.triggerPrice;
    const price = basis === undefined
      ? fillPriceOf(working.instrument, working.buy, found.estimate, this.#slippageBps, found.slips)
      : fillPrice(working.instrument, working.buy, basis, this.#slippageBps, found.slips);
    this.#emitFill(working.order, working.instrument, price, quantity, found.liquidity, ts);
    this.#barPosition = working.buy
      ? this.#barPosition.plus(quantity)
      : this.#barPosition.minus(quantity);
    working.remaining = working.remaining.minus(quantity);
    working.cost = working.cost.plus(price.times(quantity));
    const filled = working.order.filledQuantity.plus(quantity);
    const complete = working.remaining.isZero();
    working.order = transitionOrder(working.order, complete ? "filled" : "partially-filled", ts, {
      filledQuantity: filled,
      averagePrice: working.cost.div(filled),
      ...(capped === undefined ? {} : { request: capped }),
    });
    this.#update(working.order, ts);
    if (complete) this.#retire(working);
    if (working.oco !== undefined) {
      for (const sibling of (this.#groups.get(working.oco) ?? []).slice()) {
        if (sibling !== working) this.#finish(sibling, "canceled", OCO, ts);
      }
    }
  }

  #emitFill(
    order: Order,
    instrument: Instrument,
    price: Decimal,
    quantity: Decimal,
    liquidity: "maker" | "taker",
    ts: Micros,
  ): void {
    const tradeId = `sim-${this.#nextTrade++}`;
    const fill = makeFill(order, instrument, price, quantity, liquidity, this.#fees, tradeId);
    this.#inbox({ kind: "fill", ts, tsRecv: ts, fill });
  }

  #update(order: Order, ts: Micros): void {
    this.#inbox({ kind: "order-update", ts, tsRecv: ts, order });
  }

  #reject(order: Order, reason: string, ts: Micros): void {
    this.#rejected++;
    this.#update(transitionOrder(order, "rejected", ts, { reason }), ts);
  }

  /** Moves a live order to a terminal status, reports it and drops it from the books. */
  #finish(
    working: WorkingOrder,
    status: "canceled" | "expired" | "rejected",
    reason: string,
    ts: Micros,
  ): void {
    if (working.done) return;
    if (status === "rejected") this.#rejected++;
    working.order = transitionOrder(working.order, status, ts, { reason });
    this.#retire(working);
    this.#update(working.order, ts);
  }

  #retire(working: WorkingOrder): void {
    working.done = true;
    const book = this.#books.get(working.instrument.symbol);
    if (book !== undefined) {
      const index = book.indexOf(working);
      if (index >= 0) book.splice(index, 1);
    }
    this.#byClientId.delete(working.order.request.clientOrderId);
    if (working.oco !== undefined) {
      const group = this.#groups.get(working.oco);
      if (group !== undefined) {
        const index = group.indexOf(working);
        if (index >= 0) group.splice(index, 1);
        if (group.length === 0) this.#groups.delete(working.oco);
      }
    }
  }
}

// Re-exported so the venue's public signatures name only documented, public types.
export type {
  Decimal,
  DecimalValue,
  Fill,
  Instrument,
  InstrumentKind,
  Liquidity,
  Micros,
  Order,
  OrderRequest,
  OrderStatus,
  OrderType,
  Side,
  SymbolId,
  TimeInForce,
} from "../../domain/mod.ts";
