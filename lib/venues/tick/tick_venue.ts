/**
 * The tick-mode matching engine. It keeps one historical book per symbol (from snapshots,
 * deltas or, without L2 data, quotes) that our fills never change, and matches our orders
 * against it: market and marketable limit orders walk the book level by level within their
 * limit (taker); resting limits wait in a modelled queue and fill from trades that exhaust the
 * queue ahead of them, from trades that print through their price, or when the book moves
 * through their price (maker). Orders reach it after their entry latency; what it reports
 * goes to its inbox as events stamped with venue time (`ts`) and the time we receive them
 * (`tsRecv`, from the `receivedAt` option: the response latency). Semantics:
 * docs/tick_backtesting.md.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Instrument,
  type Liquidity,
  type Micros,
  type Order,
  type SymbolId,
  transitionOrder,
} from "../../domain/mod.ts";
import type { AmendQueueRule, VenueCapabilities, VenueInbox, VenuePort } from "../../broker/mod.ts";
import type { OrderCommand } from "../../events/mod.ts";
import { arrivalRejection, closingRequest, type FeeRates, pendingOrder } from "../_venue_fill.ts";
import type { LatencyModel, LatencyOperation } from "./latency.ts";
import { makeQueueModel, type QueueModel, type QueueModelOptions } from "./queue_model.ts";
import { TimeQueue } from "../../engine/mod.ts";
import {
  capReduceOnly,
  execute,
  reducibleLots,
  remainingLots,
  type SymbolState,
  symbolState,
  type VenueOrder,
  wholeLots,
} from "./_venue_order.ts";
import { eventSymbol, lotsWithin, type MarketDataEvent, VenueBook } from "./_venue_book.ts";
import type { SimBook, SimBookSide } from "./sim_book.ts";

/** Options of {@linkcode TickVenue}. */
export interface TickVenueOptions {
  /** Instruments by symbol; orders for other symbols are rejected. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Queue-position model of resting limits (default risk-averse). */
  readonly queueModel?: QueueModelOptions;
  /** Order entry latency (the response latency is the runner's business). */
  readonly latency: LatencyModel;
  /** Track per-level consumption so one level's liquidity is not taken twice (default true). */
  readonly liquidityConsumption?: boolean;
  /** Fee overrides (default: each instrument's maker/taker rates). */
  readonly fees?: FeeRates;
  /** The venue name the port reports (default `sim`). */
  readonly venue?: string;
  /**
   * The queue priority an amend keeps (default `keep-on-decrease`, Bybit's rule;
   * `requeue-always` is Binance USD-M's).
   */
  readonly amendQueue?: AmendQueueRule;
  /** The local time a command given to `send` without a time is sent at (default: venue time). */
  readonly now?: () => Micros;
  /**
   * When we receive a report the venue sends at venue time `ts` (its `tsRecv`): the runner's
   * response latency. Default: at once.
   */
  readonly receivedAt?: (ts: Micros) => Micros;
}

/** Counters of a run. */
export interface TickVenueStats {
  /** Market-data events applied. */
  readonly marketEvents: number;
  /** Deltas skipped because their symbol had no snapshot yet. */
  readonly deltasBeforeSnapshot: number;
  /** Book events after which the historical book was crossed. */
  readonly crossedBooks: number;
  /** Orders rejected on arrival. */
  readonly rejected: number;
  /** Cancels that arrived after the order was already done. */
  readonly lateCancels: number;
  /** Amends refused (order done, post-only would cross, quantity below filled). */
  readonly rejectedAmends: number;
  /** Maker fills / quantity. */
  readonly makerFills: number;
  /** Maker quantity. */
  readonly makerQuantity: number;
  /** Taker fills. */
  readonly takerFills: number;
  /** Taker quantity. */
  readonly takerQuantity: number;
}

type Arrival = { readonly command: OrderCommand; readonly sentAt: Micros };

const NO_POSITION = "reduce-only: no position left to reduce";

/** The matching engine; as a {@linkcode VenuePort} it takes submit, cancel and amend. */
export class TickVenue implements VenuePort {
  /** The venue name (option `venue`, default `sim`). */
  readonly venue: string;
  /** Amends in place, with the queue rule of option `amendQueue`. */
  readonly capabilities: VenueCapabilities;
  readonly #symbols = new Map<SymbolId, SymbolState>();
  #lastSymbol: SymbolId | undefined;
  #lastState: SymbolState | undefined;
  readonly #orders = new Map<string, VenueOrder>();
  readonly #arrivals = new TimeQueue<Arrival>();
  readonly #inbox: VenueInbox;
  readonly #sentAt: (() => Micros) | undefined;
  readonly #receivedAt: ((ts: Micros) => Micros) | undefined;
  readonly #instruments: ReadonlyMap<SymbolId, Instrument>;
  readonly #latency: LatencyModel;
  readonly #fees: FeeRates;
  readonly #consume: boolean;
  readonly #books: VenueBook;
  /** The queue model in use. */
  readonly queueModel: QueueModel;
  #now = 0;
  #nextOrder = 1;
  #nextTrade = 1;
  #nextLiquidation = 1;
  #liquidations = 0;
  #rejected = 0;
  #lateCancels = 0;
  #rejectedAmends = 0;
  #makerFills = 0;
  #makerQuantity = 0;
  #takerFills = 0;
  #takerQuantity = 0;

  /** Makes an idle matching engine. */
  constructor(options: TickVenueOptions, inbox: VenueInbox) {
    this.venue = options.venue ?? "sim";
    this.capabilities = { amend: true, amendQueue: options.amendQueue ?? "keep-on-decrease" };
    this.#inbox = inbox;
    this.#sentAt = options.now;
    this.#receivedAt = options.receivedAt;
    this.#instruments = options.instruments;
    this.#latency = options.latency;
    this.#fees = options.fees ?? { maker: undefined, taker: undefined };
    this.#consume = options.liquidityConsumption ?? true;
    this.queueModel = makeQueueModel(options.queueModel ?? { kind: "risk-averse" });
    this.#books = new VenueBook(this.queueModel, {
      passiveFill: (state, o, lots, ts) => this.#fill(state, o, lots, undefined, "maker", ts),
      triggerStops: (state, ts) => this.#triggerStops(state, ts),
    }, this.#consume);
  }

  /** Counters so far. */
  get stats(): TickVenueStats {
    return {
      marketEvents: this.#books.marketEvents,
      deltasBeforeSnapshot: this.#books.deltasBeforeSnapshot,
      crossedBooks: this.#books.crossedBooks,
      rejected: this.#rejected,
      lateCancels: this.#lateCancels,
      rejectedAmends: this.#rejectedAmends,
      makerFills: this.#makerFills,
      makerQuantity: this.#makerQuantity,
      takerFills: this.#takerFills,
      takerQuantity: this.#takerQuantity,
    };
  }

  /** The venue's clock (the latest venue time processed). */
  get now(): Micros {
    return this.#now;
  }

  /** The historical book of `symbol` as the venue sees it, if the symbol is known. */
  book(symbol: SymbolId): SimBook | undefined {
    return this.#state(symbol)?.book;
  }

  /** Our signed position in `symbol` as the venue knows it (lots × lot size). */
  position(symbol: SymbolId): number {
    const state = this.#state(symbol);
    return state === undefined ? 0 : state.positionLots * state.lot;
  }

  /** When the next order command reaches the venue (`Infinity` when none is in flight). */
  get nextArrival(): Micros {
    return this.#arrivals.nextTime;
  }

  /** Commands in flight. */
  get inFlight(): number {
    return this.#arrivals.size;
  }

  /** Forced liquidations executed. */
  get liquidations(): number {
    return this.#liquidations;
  }

  /**
   * Forced close of the venue's whole position in `symbol` at `price`, at the venue's current
   * time, as an exchange's liquidation engine does: the symbol's working orders (resting and
   * untriggered stops) are canceled with reason `"liquidation"`, then a reduce-only market
   * order `liquidation-N` is reported filled at `price` (rounded by the caller; taker fee),
   * also with reason `"liquidation"`. The book is not touched (the engine takes the position
   * over, it does not sweep the book). A flat position only cancels.
   *
   * @throws {RangeError} for a symbol without an instrument.
   */
  liquidate(symbol: SymbolId, price: Decimal): void {
    const state = this.#state(symbol);
    if (state === undefined) throw new RangeError(`Cannot liquidate unknown symbol ${symbol}`);
    for (const o of this.#orders.values()) {
      if (o.state === "done" || o.order.request.symbol !== symbol) continue;
      this.#removeResting(state, o);
      this.#finish(o, "canceled", "liquidation");
    }
    const lots = state.positionLots;
    if (lots === 0) return;
    this.#liquidations++;
    const position = decimal(lots).times(state.instrument.lotSize);
    const request = closingRequest(`liquidation-${this.#nextLiquidation++}`, symbol, position);
    const pending = pendingOrder(`T${this.#nextOrder++}`, request, this.#now);
    const o: VenueOrder = {
      order: transitionOrder(pending, "accepted", this.#now),
      buy: lots < 0,
      price: NaN,
      trigger: NaN,
      totalLots: Math.abs(lots),
      filledLots: 0,
      queue: { ahead: 0, tradedSinceDepth: 0 },
      state: "resting",
    };
    const tradeId = `${state.instrument.code}-${this.#nextTrade++}`;
    const { fill, order } = execute(
      o,
      state.instrument,
      Math.abs(lots),
      price,
      "taker",
      this.#fees,
      tradeId,
      this.#now,
    );
    state.positionLots = 0;
    this.#takerFills++;
    this.#takerQuantity += Math.abs(lots) * state.lot;
    const now = this.#now;
    const tsRecv = this.#receivedAt === undefined ? now : this.#receivedAt(now);
    this.#inbox({ kind: "fill", ts: now, tsRecv, fill });
    this.#update({ ...order, reason: "liquidation" });
  }

  /**
   * Sends a command at local time `ts` (default: the `now` option, else the venue's time); it
   * arrives after the entry latency.
   */
  send(command: OrderCommand, ts: Micros = this.#sentAt?.() ?? this.#now): void {
    const operation: LatencyOperation = command.type;
    this.#arrivals.push(ts + this.#latency.entry(operation, ts), { command, sentAt: ts });
  }

  /**
   * Processes every command that arrives at or before venue time `ts`. Call it once no more
   * market data stamped `ts` will come: commands arriving at `ts` meet the book after that data
   * (see {@linkcode TickVenue.onMarketData}).
   */
  processArrivals(ts: Micros): void {
    while (this.#arrivals.nextTime <= ts) this.processNextArrival();
  }

  /** Processes the earliest command in flight (no-op when none). */
  processNextArrival(): void {
    if (this.#arrivals.size === 0) return;
    const { at, item } = this.#arrivals.pop();
    this.#advance(at);
    const command = item.command;
    switch (command.type) {
      case "submit":
        this.#submit(command.request, item.sentAt);
        return;
      case "cancel":
        this.#cancel(command.symbol, command.clientOrderId);
        return;
      case "amend":
        this.#amend(command.symbol, command.clientOrderId, command.price, command.quantity);
        return;
      default: {
        const never: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Applies one market-data event at venue time `ts` (its exchange time): commands that
   * arrived strictly before `ts` are processed first, then the book/trade, then the fills it
   * causes. Tie rule: data stamped `t` comes before commands arriving at `t` (they stay in
   * flight until {@linkcode TickVenue.processArrivals} or later data), so an order meets the
   * book as the data says it was at its arrival time, as in hftbacktest and NautilusTrader.
   *
   * @returns false when the event was skipped (a delta before any snapshot of its symbol).
   */
  onMarketData(event: MarketDataEvent, ts: Micros): boolean {
    while (this.#arrivals.nextTime < ts) this.processNextArrival();
    this.#advance(ts);
    const state = this.#state(eventSymbol(event));
    if (state === undefined) return true;
    return this.#books.apply(state, event, this.#now);
  }

  #advance(ts: Micros): void {
    if (ts > this.#now) this.#now = ts;
  }

  #state(symbol: SymbolId): SymbolState | undefined {
    // Data usually repeats one symbol: skip the map lookup for it (states are never removed).
    if (symbol === this.#lastSymbol) return this.#lastState;
    let state = this.#symbols.get(symbol);
    if (state !== undefined) {
      this.#lastSymbol = symbol;
      this.#lastState = state;
    } else {
      const instrument = this.#instruments.get(symbol);
      if (instrument === undefined) return undefined;
      state = symbolState(instrument);
      this.#symbols.set(symbol, state);
    }
    return state;
  }

  #report(o: VenueOrder): void {
    this.#update(o.order);
  }

  // A cancel or amend the venue cannot carry out: the order itself is unchanged.
  #refuse(
    code: "cancel-refused" | "amend-refused",
    symbol: SymbolId,
    clientOrderId: string,
    message: string,
  ): void {
    const ts = this.#now;
    const tsRecv = this.#receivedAt === undefined ? ts : this.#receivedAt(ts);
    this.#inbox({
      kind: "alert",
      ts,
      tsRecv,
      severity: "warning",
      code,
      message,
      symbol,
      clientOrderId,
    });
  }

  #update(order: Order): void {
    const ts = this.#now;
    const tsRecv = this.#receivedAt === undefined ? ts : this.#receivedAt(ts);
    this.#inbox({ kind: "order-update", ts, tsRecv, order });
  }

  #finish(o: VenueOrder, status: "canceled" | "expired" | "rejected", reason: string): void {
    o.order = transitionOrder(o.order, status, this.#now, { reason });
    o.state = "done";
    this.#report(o);
  }

  #submit(request: Order["request"], sentAt: Micros): void {
    const id = `T${this.#nextOrder++}`;
    const pending = pendingOrder(id, request, sentAt);
    const state = this.#state(request.symbol);
    const reject = (reason: string): void => {
      this.#rejected++;
      this.#update(transitionOrder(pending, "rejected", this.#now, { reason }));
    };
    if (state === undefined) return reject(`unknown symbol ${request.symbol}`);
    if (this.#orders.has(request.clientOrderId)) {
      return reject(`duplicate client order id ${request.clientOrderId}`);
    }
    const { book } = state;
    const reference = Number.isFinite(state.lastTrade) ? state.lastTrade : book.mid();
    const problem = arrivalRejection(
      state.instrument,
      request,
      Number.isFinite(reference) ? reference : 0,
    );
    if (problem !== undefined) return reject(problem);
    const buy = request.side === "buy";
    const price = request.price?.toNumber() ?? NaN;
    if (request.timeInForce === "post-only" && this.#marketable(state, buy, price)) {
      return reject("post-only order would take liquidity");
    }
    const o: VenueOrder = {
      order: transitionOrder(pending, "accepted", this.#now),
      buy,
      price,
      trigger: request.triggerPrice?.toNumber() ?? NaN,
      totalLots: Math.round(request.quantity.div(state.instrument.lotSize).toNumber()),
      filledLots: 0,
      queue: { ahead: 0, tradedSinceDepth: 0 },
      state: "resting",
    };
    this.#orders.set(request.clientOrderId, o);
    this.#report(o);
    if (request.type === "stop-market" || request.type === "stop-limit") {
      if (this.#stopHit(o, state.lastTrade)) this.#activate(state, o);
      else {
        o.state = "stop";
        state.stops.push(o);
      }
      return;
    }
    this.#activate(state, o);
  }

  #stopHit(o: VenueOrder, last: number): boolean {
    return o.buy ? last >= o.trigger : last <= o.trigger;
  }

  #triggerStops(state: SymbolState, ts: Micros): void {
    if (state.stops.length === 0) return;
    this.#advance(ts);
    const fired = state.stops.filter((o) => this.#stopHit(o, state.lastTrade));
    if (fired.length === 0) return;
    const keep = state.stops.filter((o) => !fired.includes(o));
    state.stops.length = 0;
    state.stops.push(...keep);
    for (const o of fired) {
      o.state = "resting";
      this.#activate(state, o);
    }
  }

  #marketable(state: SymbolState, buy: boolean, price: number): boolean {
    return buy ? price >= state.book.asks.best : price <= state.book.bids.best;
  }

  /** Runs a live (accepted or triggered) order: take what it may, rest or cancel the rest. */
  #activate(state: SymbolState, o: VenueOrder): void {
    const request = o.order.request;
    const isMarket = request.type === "market" || request.type === "stop-market";
    const limit = isMarket ? (o.buy ? Infinity : -Infinity) : o.price;
    const side = o.buy ? state.book.asks : state.book.bids;
    if (request.timeInForce === "fok") {
      // All or nothing of what the order may fill: a reduce-only one only the position.
      const fillable = request.reduceOnly ? reducibleLots(state, o) : remainingLots(o);
      if (fillable <= 0) return this.#finish(o, "canceled", NO_POSITION);
      if (lotsWithin(side, limit, state.lot, this.#consume) < fillable) {
        // "expired", as the candle venue and exchanges report an unfilled time-in-force.
        return this.#finish(o, "expired", "fill-or-kill: not enough liquidity within the limit");
      }
    }
    this.#take(state, o, side, limit);
    if (o.state === "done") return;
    if (isMarket || request.timeInForce === "ioc" || request.timeInForce === "fok") {
      return this.#finish(o, "expired", "immediate-or-cancel remainder");
    }
    this.#rest(state, o);
  }

  #rest(state: SymbolState, o: VenueOrder): void {
    const same = o.buy ? state.book.bids : state.book.asks;
    o.queue.ahead = this.queueModel.initialAhead(same.sizeAt(o.price));
    o.queue.tradedSinceDepth = 0;
    o.state = "resting";
    (o.buy ? state.bids : state.asks).push(o);
  }

  /** Walks the opposite side level by level within `limit` (taker fills at level prices). */
  #take(state: SymbolState, o: VenueOrder, side: SimBookSide, limit: number): void {
    for (let i = 0; i < side.depth && o.state !== "done"; i++) {
      const p = side.price(i);
      if (!side.within(p, limit)) break;
      const lots = Math.min(
        remainingLots(o),
        wholeLots(this.#consume ? side.available(i) : side.size(i), state.lot),
      );
      if (lots <= 0) continue;
      const done = this.#fill(state, o, lots, decimal(p), "taker", this.#now);
      if (this.#consume && done > 0) side.consume(p, done * state.lot);
      if (done < lots) break;
    }
  }

  /**
   * Books `lots` of `o` (capped for reduce-only orders at what closes the venue position) at
   * `price` (the order's own limit when undefined); returns the lots executed.
   */
  #fill(
    state: SymbolState,
    o: VenueOrder,
    lots: number,
    price: Decimal | undefined,
    liquidity: Liquidity,
    ts: Micros,
  ): number {
    this.#advance(ts);
    let executed = lots;
    const request = o.order.request;
    if (request.reduceOnly) {
      const closable = capReduceOnly(state, o, this.#now);
      executed = Math.min(lots, closable);
      if (executed <= 0) {
        this.#removeResting(state, o);
        this.#finish(o, "canceled", NO_POSITION);
        return 0;
      }
    }
    const fillPrice = price ?? request.price;
    if (fillPrice === undefined) throw new TypeError("a passive fill needs a limit price");
    const tradeId = `${state.instrument.code}-${this.#nextTrade++}`;
    const { fill, order } = execute(
      o,
      state.instrument,
      executed,
      fillPrice,
      liquidity,
      this.#fees,
      tradeId,
      this.#now,
    );
    state.positionLots += o.buy ? executed : -executed;
    const quantity = executed * state.lot;
    if (liquidity === "maker") {
      this.#makerFills++;
      this.#makerQuantity += quantity;
    } else {
      this.#takerFills++;
      this.#takerQuantity += quantity;
    }
    if (o.state === "done") this.#removeResting(state, o);
    const now = this.#now;
    const tsRecv = this.#receivedAt === undefined ? now : this.#receivedAt(now);
    this.#inbox({ kind: "fill", ts: now, tsRecv, fill });
    this.#update(order);
    return executed;
  }

  #removeResting(state: SymbolState, o: VenueOrder): void {
    const list = o.buy ? state.bids : state.asks;
    const at = list.indexOf(o);
    if (at >= 0) list.splice(at, 1);
    const stop = state.stops.indexOf(o);
    if (stop >= 0) state.stops.splice(stop, 1);
  }

  #cancel(symbol: SymbolId, clientOrderId: string): void {
    const o = this.#orders.get(clientOrderId);
    if (o === undefined || o.state === "done") {
      this.#lateCancels++;
      const why = o === undefined ? "unknown order" : `too late: the order is ${o.order.status}`;
      this.#refuse(
        "cancel-refused",
        symbol,
        clientOrderId,
        `cannot cancel ${clientOrderId}: ${why}`,
      );
      return;
    }
    const state = this.#state(o.order.request.symbol);
    if (state !== undefined) this.#removeResting(state, o);
    this.#finish(o, "canceled", "canceled by request");
  }

  /**
   * The modelled quantity ahead of a resting order in its price level's queue (undefined when
   * the order is not resting), for tests and diagnostics.
   */
  queueAhead(clientOrderId: string): number | undefined {
    const o = this.#orders.get(clientOrderId);
    return o === undefined || o.state !== "resting" ? undefined : o.queue.ahead;
  }

  #amend(
    symbol: SymbolId,
    clientOrderId: string,
    price: Decimal | undefined,
    quantity: Decimal | undefined,
  ): void {
    const refuse = (why: string): void => {
      this.#rejectedAmends++;
      this.#refuse("amend-refused", symbol, clientOrderId, `cannot amend ${clientOrderId}: ${why}`);
    };
    const o = this.#orders.get(clientOrderId);
    const state = o === undefined ? undefined : this.#state(o.order.request.symbol);
    if (o === undefined || state === undefined || o.state === "done") {
      return refuse(o === undefined ? "unknown order" : `the order is ${o.order.status}`);
    }
    const request = o.order.request;
    const newPrice = price?.toNumber() ?? o.price;
    // `o.price` is the request price as a float: a different float is a different price; the
    // exact comparison is needed only when the floats agree.
    const priceChanged = price !== undefined && request.price !== undefined &&
      (newPrice !== o.price || !price.eq(request.price));
    const newLots = quantity === undefined
      ? o.totalLots
      : Math.round(quantity.div(state.instrument.lotSize).toNumber());
    if (newLots <= o.filledLots) return refuse("the new quantity is not above the filled one");
    const marketable = o.state === "resting" && this.#marketable(state, o.buy, newPrice);
    if (priceChanged && marketable && request.timeInForce === "post-only") {
      return refuse("post-only: the new price would take liquidity");
    }
    const grew = newLots > o.totalLots;
    o.order = transitionOrder(o.order, o.order.status, this.#now, {
      request: {
        ...request,
        ...(price === undefined ? {} : { price }),
        ...(quantity === undefined ? {} : { quantity }),
      },
    });
    o.totalLots = newLots;
    o.price = newPrice;
    this.#report(o);
    const keeps = this.capabilities.amendQueue === "keep-on-decrease" && !(priceChanged || grew);
    if (o.state !== "resting" || keeps) return;
    // A new price or a larger size loses time priority (with `requeue-always` any amend does):
    // back of the queue, or take if it crosses.
    this.#removeResting(state, o);
    if (marketable) this.#take(state, o, o.buy ? state.book.asks : state.book.bids, o.price);
    if (!isDone(o)) this.#rest(state, o);
  }
}

function isDone(o: VenueOrder): boolean {
  return o.state === "done";
}
