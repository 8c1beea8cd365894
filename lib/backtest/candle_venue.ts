/**
 * The simulated venue of candle mode: orders submitted at a bar close are matched against the
 * following (sub-)bars with an explicit intrabar path model, gap-aware stops, a strict-cross
 * (or touch) limit rule, OCO brackets, reduce-only capping, a volume-participation cap and
 * maker/taker fees. The rules are documented in `docs/backtesting.md` ("Candle-mode venue").
 *
 * @example
 * ```ts
 * import { CandleVenue } from "./candle_venue.ts";
 * import { decimal, type Fill, makeInstrument, ZERO } from "../domain/mod.ts";
 *
 * const btc = makeInstrument({
 *   symbol: "bybit:BTCUSDT", kind: "linear", base: "BTC", quote: "USDT",
 *   tickSize: "0.1", lotSize: "0.001", takerFee: "0.0006",
 * });
 * const fills: Fill[] = [];
 * const venue = new CandleVenue(
 *   { instruments: new Map([[btc.symbol, btc]]), positionOf: () => ZERO },
 *   { orderUpdate: () => {}, fill: (fill) => fills.push(fill) },
 * );
 * venue.submit({
 *   clientOrderId: "c-1", symbol: btc.symbol, side: "buy", type: "market",
 *   quantity: decimal("0.01"), timeInForce: "gtc", reduceOnly: false,
 * }, 60_000_000);
 * venue.onBar(btc.symbol, 60_000_000, 60_000_000, 100, 101, 99, 100.5, 10);
 * fills[0].price.toString(); // "100"
 * ```
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Fill,
  type Instrument,
  type Micros,
  minDecimal,
  type Order,
  type OrderRequest,
  roundPrice,
  roundToStep,
  type SymbolId,
  transitionOrder,
  ZERO,
} from "../domain/mod.ts";
import { arrivalRejection, type FeeRates, fillFee, fillPrice } from "./_venue_fill.ts";
import {
  type BarContext,
  type Candidate,
  evaluate,
  mayAct,
  type WorkingOrder,
} from "./_venue_match.ts";
import { adaptiveHighFirst, type BarPath, makePath } from "./_venue_path.ts";
import { resolveOco } from "./_venue_oco.ts";

/**
 * How a bar is walked when the order of its high and low matters: `pessimistic` resolves each
 * ambiguity against the trader, `ohlc` always walks O→H→L→C, `adaptive` walks O→H→L→C when the
 * open is nearer the high, else O→L→H→C.
 */
export type IntrabarModel = "pessimistic" | "ohlc" | "adaptive";

/** Limit fill rule: `cross` needs the bar to trade beyond the limit, `touch` only to reach it. */
export type LimitFillRule = "cross" | "touch";

/** Delay between sending an order and its arrival at the venue. */
export type VenueLatency =
  | { readonly kind: "bars"; readonly bars: number }
  | { readonly kind: "ms"; readonly ms: number };

/** Options of a {@linkcode CandleVenue}. */
export interface CandleVenueOptions {
  /** Instruments by symbol; orders for any other symbol are rejected. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Slippage of market and stop-market fills in basis points (buys up, sells down); default 0. */
  readonly slippageBps?: number;
  /** Order (and cancel) latency; default `{ kind: "bars", bars: 1 }` (the next bar). */
  readonly latency?: VenueLatency;
  /** Limit fill rule; default `"cross"`. */
  readonly limitFill?: LimitFillRule;
  /** Intrabar path model; default `"pessimistic"`. */
  readonly intrabar?: IntrabarModel;
  /** At most this fraction of a bar's volume fills per bar (all orders of the symbol together). */
  readonly maxVolumeParticipation?: number;
  /** Overrides every instrument's maker fee rate (negative = rebate). */
  readonly makerFeeRate?: Decimal;
  /** Overrides every instrument's taker fee rate. */
  readonly takerFeeRate?: Decimal;
  /** The current signed position of a symbol, read at fill time for reduce-only orders. */
  readonly positionOf: (symbol: SymbolId) => Decimal;
}

/** Where the venue reports what happened; `ts` is the simulated time of the event. */
export interface VenueSink {
  /** An order changed status (or filled more). */
  orderUpdate(order: Order, ts: Micros): void;
  /** An execution; sent before the order update that reflects it. */
  fill(fill: Fill, ts: Micros): void;
}

/** Reason of an order canceled by its OCO sibling's fill. */
const OCO = "oco";
const OCO_PREFIX = "oco:";
const NO_POSITION = "reduce-only: no position to reduce";

/**
 * A simulated venue for candle-mode backtests. Feed it every (sub-)bar in time order with
 * {@linkcode CandleVenue.onBar}; it reports order updates and fills to the sink.
 */
export class CandleVenue {
  readonly #instruments: ReadonlyMap<SymbolId, Instrument>;
  readonly #sink: VenueSink;
  readonly #positionOf: (symbol: SymbolId) => Decimal;
  readonly #slippageBps: number;
  readonly #latencyAt: number;
  readonly #latencyBars: number;
  readonly #touch: boolean;
  readonly #intrabar: IntrabarModel;
  readonly #participation: Decimal | undefined;
  readonly #fees: FeeRates;
  readonly #books = new Map<SymbolId, WorkingOrder[]>();
  readonly #byClientId = new Map<string, WorkingOrder>();
  readonly #groups = new Map<string, WorkingOrder[]>();
  #nextOrder = 1;
  #nextTrade = 1;
  #nextLiquidation = 1;
  #ambiguous = 0;
  #rejected = 0;
  #budget: Decimal | undefined = undefined;
  #budgetVolume = 0;

  /**
   * Creates a venue.
   *
   * @throws {RangeError} for a latency below one bar or below 0 ms, negative slippage, or a
   * participation outside (0, 1].
   */
  constructor(options: CandleVenueOptions, sink: VenueSink) {
    const latency = options.latency ?? { kind: "bars", bars: 1 };
    switch (latency.kind) {
      case "bars":
        if (!Number.isInteger(latency.bars) || latency.bars < 1) {
          throw new RangeError(`Venue latency must be at least 1 bar, got ${latency.bars}`);
        }
        this.#latencyAt = 0;
        this.#latencyBars = latency.bars - 1;
        break;
      case "ms":
        if (!Number.isFinite(latency.ms) || latency.ms < 0) {
          throw new RangeError(`Venue latency must be at least 0 ms, got ${latency.ms}`);
        }
        this.#latencyAt = latency.ms * 1000;
        this.#latencyBars = 0;
        break;
      default: {
        const unknown: never = latency;
        throw new TypeError(`Unknown latency ${JSON.stringify(unknown)}`);
      }
    }
    const slippage = options.slippageBps ?? 0;
    if (!Number.isFinite(slippage) || slippage < 0) {
      throw new RangeError(`slippageBps must be 0 or more, got ${slippage}`);
    }
    const participation = options.maxVolumeParticipation;
    if (participation !== undefined && !(participation > 0 && participation <= 1)) {
      throw new RangeError(`maxVolumeParticipation must be in (0, 1], got ${participation}`);
    }
    this.#instruments = options.instruments;
    this.#sink = sink;
    this.#positionOf = options.positionOf;
    this.#slippageBps = slippage;
    this.#touch = (options.limitFill ?? "cross") === "touch";
    this.#intrabar = options.intrabar ?? "pessimistic";
    this.#participation = participation === undefined ? undefined : decimal(participation);
    this.#fees = { maker: options.makerFeeRate, taker: options.takerFeeRate };
  }

  /** Bars in which two or more legs of one OCO group could have filled. */
  get ambiguousBars(): number {
    return this.#ambiguous;
  }

  /** Orders rejected so far. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Sends an order at `ts` (a bar close). It reaches the venue after the latency; `accepted`
   * or `rejected` is reported then. An unknown symbol or a clientOrderId that is still working
   * is rejected at once (ts = `ts`): such an order has nowhere to go.
   */
  submit(request: OrderRequest, ts: Micros): void {
    const order: Order = {
      id: `o-${this.#nextOrder++}`,
      request,
      status: "pending-new",
      filledQuantity: ZERO,
      averagePrice: undefined,
      createdTs: ts,
      updatedTs: ts,
    };
    const instrument = this.#instruments.get(request.symbol);
    if (instrument === undefined) {
      this.#reject(order, `unknown symbol ${request.symbol}`, ts);
      return;
    }
    if (this.#byClientId.has(request.clientOrderId)) {
      this.#reject(order, `duplicate clientOrderId ${request.clientOrderId}`, ts);
      return;
    }
    const oco = request.groupId?.startsWith(OCO_PREFIX) ? request.groupId : undefined;
    const working: WorkingOrder = {
      order,
      instrument,
      seq: this.#nextOrder,
      buy: request.side === "buy",
      kind: request.type,
      limit: request.price === undefined ? NaN : request.price.toNumber(),
      trigger: request.triggerPrice === undefined ? NaN : request.triggerPrice.toNumber(),
      oco,
      oneShot: request.timeInForce === "ioc" || request.timeInForce === "fok",
      activeAt: ts + this.#latencyAt,
      activeBars: this.#latencyBars,
      cancelAt: Infinity,
      cancelBars: 0,
      arrived: false,
      arrivedAt: NaN,
      triggered: false,
      chanceUsed: false,
      done: false,
      remaining: request.quantity,
      cost: ZERO,
    };
    const book = this.#books.get(request.symbol);
    if (book === undefined) this.#books.set(request.symbol, [working]);
    else book.push(working);
    this.#byClientId.set(request.clientOrderId, working);
    if (oco !== undefined) {
      const group = this.#groups.get(oco);
      if (group === undefined) this.#groups.set(oco, [working]);
      else group.push(working);
    }
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
   * Feeds one data (sub-)bar. Bars must come in time order per symbol. Returns at once when no
   * order of the symbol can act on this bar.
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
  ): void {
    const book = this.#books.get(symbol);
    if (book === undefined) return;
    const touch = this.#touch;
    let act = false;
    for (let i = 0; i < book.length; i++) {
      if (mayAct(book[i], openTime, barMicros, high, low, touch)) {
        act = true;
        break;
      }
    }
    if (!act) return;
    this.#processBar(book.slice(), openTime, barMicros, open, high, low, close, volume);
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
    const buy = position.isNeg();
    const quantity = position.abs();
    const request: OrderRequest = {
      clientOrderId: `liquidation-${this.#nextLiquidation++}`,
      symbol,
      side: buy ? "buy" : "sell",
      type: "market",
      quantity,
      timeInForce: "ioc",
      reduceOnly: true,
    };
    const exact = roundPrice(instrument, decimal(price), buy ? "ceil" : "floor");
    const order: Order = {
      id: `o-${this.#nextOrder++}`,
      request,
      status: "pending-new",
      filledQuantity: ZERO,
      averagePrice: undefined,
      createdTs: ts,
      updatedTs: ts,
    };
    this.#emitFill(order, instrument, exact, quantity, "taker", ts);
    this.#sink.orderUpdate(
      transitionOrder(order, "filled", ts, {
        filledQuantity: quantity,
        averagePrice: exact,
        reason: "liquidation",
      }),
      ts,
    );
  }

  #processBar(
    orders: readonly WorkingOrder[],
    openTime: Micros,
    barMicros: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): void {
    this.#budget = undefined;
    this.#budgetVolume = volume;
    for (const working of orders) {
      if (!working.done && openTime >= working.cancelAt + working.cancelBars * barMicros) {
        this.#finish(working, "canceled", "canceled", openTime);
      }
    }
    for (const working of orders) {
      if (working.done || working.arrived) continue;
      if (openTime >= working.activeAt + working.activeBars * barMicros) {
        this.#arrive(working, openTime, open);
      }
    }
    const bar = this.#barContext(openTime, open, high, low, close);
    const candidates: Candidate[] = [];
    for (const working of orders) {
      if (working.done || !working.arrived) continue;
      const found = evaluate(working, bar);
      if (found !== undefined) candidates.push(found);
    }
    const { chosen, ambiguous } = resolveOco(candidates, this.#intrabar === "pessimistic");
    this.#ambiguous += ambiguous;
    for (const found of chosen) this.#execute(found, openTime);
    for (const working of orders) {
      if (working.done || !working.oneShot) continue;
      const arrivalBar = working.arrivedAt === openTime;
      const isStop = working.kind === "stop-market" || working.kind === "stop-limit";
      if ((arrivalBar && !isStop) || working.chanceUsed) {
        const tif = working.order.request.timeInForce;
        this.#finish(working, "expired", `${tif}: unfilled quantity expired`, openTime);
      }
    }
  }

  #barContext(
    openTime: Micros,
    open: number,
    high: number,
    low: number,
    close: number,
  ): BarContext {
    const intrabar = this.#intrabar;
    const highFirst = intrabar === "ohlc" ? true : adaptiveHighFirst(open, high, low);
    const path = makePath(open, high, low, close, highFirst);
    let stopPath: (buy: boolean) => BarPath;
    switch (intrabar) {
      case "pessimistic": {
        // A stop's own extreme comes last, so a triggered stop-limit has the least path left.
        const up = makePath(open, high, low, close, false);
        const down = makePath(open, high, low, close, true);
        stopPath = (buy) => buy ? up : down;
        break;
      }
      case "ohlc":
      case "adaptive":
        stopPath = () => path;
        break;
      default: {
        const unknown: never = intrabar;
        throw new TypeError(`Unknown intrabar model ${unknown}`);
      }
    }
    return { open, openTime, path, stopPath, touch: this.#touch };
  }

  #arrive(working: WorkingOrder, openTime: Micros, open: number): void {
    working.arrived = true;
    working.arrivedAt = openTime;
    const { request } = working.order;
    let reason = arrivalRejection(working.instrument, request, open);
    if (reason === undefined && request.timeInForce === "post-only") {
      const marketable = working.buy ? open <= working.limit : open >= working.limit;
      if (marketable) {
        reason = `post-only: limit ${request.price} would take liquidity at the open ${open}`;
      }
    }
    if (reason !== undefined) {
      this.#finish(working, "rejected", reason, openTime);
      return;
    }
    working.order = transitionOrder(
      { ...working.order, createdTs: openTime },
      "accepted",
      openTime,
    );
    this.#sink.orderUpdate(working.order, openTime);
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
    let quantity = working.remaining;
    let capped: OrderRequest | undefined;
    if (request.reduceOnly) {
      const position = this.#positionOf(request.symbol);
      const closable = working.buy
        ? (position.isNeg() ? position.neg() : ZERO)
        : (position.gt(0) ? position : ZERO);
      if (closable.isZero()) {
        this.#finish(working, "canceled", NO_POSITION, ts);
        return;
      }
      if (closable.lt(quantity)) {
        quantity = closable;
        working.remaining = closable;
        capped = { ...request, quantity: working.order.filledQuantity.plus(closable) };
      }
    }
    if (this.#participation !== undefined) {
      const budget = this.#budget ?? roundToStep(
        this.#participation.times(decimal(this.#budgetVolume)),
        working.instrument.lotSize,
        "down",
      );
      this.#budget = budget;
      if (budget.lt(quantity) && request.timeInForce === "fok") {
        this.#finish(working, "expired", "fok: cannot fill the whole quantity", ts);
        return;
      }
      quantity = minDecimal(quantity, budget);
      if (quantity.isZero()) return;
      this.#budget = budget.minus(quantity);
    }
    const basis = found.basis === "open"
      ? decimal(found.estimate)
      : found.basis === "limit"
      ? request.price ?? decimal(found.estimate)
      : request.triggerPrice ?? decimal(found.estimate);
    const price = fillPrice(working.instrument, working.buy, basis, this.#slippageBps, found.slips);
    this.#emitFill(working.order, working.instrument, price, quantity, found.liquidity, ts);
    working.remaining = working.remaining.minus(quantity);
    working.cost = working.cost.plus(price.times(quantity));
    const filled = working.order.filledQuantity.plus(quantity);
    const complete = working.remaining.isZero();
    working.order = transitionOrder(working.order, complete ? "filled" : "partially-filled", ts, {
      filledQuantity: filled,
      averagePrice: working.cost.div(filled),
      ...(capped === undefined ? {} : { request: capped }),
    });
    this.#sink.orderUpdate(working.order, ts);
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
    const { fee, currency } = fillFee(instrument, price, quantity, liquidity, this.#fees);
    const fill: Fill = {
      orderId: order.id,
      clientOrderId: order.request.clientOrderId,
      symbol: order.request.symbol,
      side: order.request.side,
      price,
      quantity,
      fee,
      feeCurrency: currency,
      liquidity,
      tradeId: `sim-${this.#nextTrade++}`,
    };
    this.#sink.fill(fill, ts);
  }

  #reject(order: Order, reason: string, ts: Micros): void {
    this.#rejected++;
    this.#sink.orderUpdate(transitionOrder(order, "rejected", ts, { reason }), ts);
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
    this.#sink.orderUpdate(working.order, ts);
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
