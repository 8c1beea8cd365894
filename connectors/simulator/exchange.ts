/**
 * The simulator's matching core, shared by both venues: per-account orders against one book
 * per symbol rebuilt from the market feed (the library's tick-mode `SimBook`, which tracks
 * the liquidity our fills consumed). Market and limit orders (GTC, IOC, FOK, post-only),
 * stop-market triggers on the last trade, reduce-only, amend and cancel, margin checks,
 * maker/taker fees, and client-id idempotency. Resting orders fill when the book crosses
 * them or trades print at or through their price (queue position: the displayed size ahead
 * when they joined, advanced by trades and capped by the level's size — the risk-averse
 * model). The accounts' own orders are not shown in the public book.
 *
 * Every change is recorded in the {@linkcode Ledger} and announced to listeners (the venues'
 * private streams), synchronously and in order.
 *
 * @module
 */

import { type Decimal, decimal, roundToStep, SimBook, ZERO } from "./_lib.ts";
import type { SimAccount } from "./account.ts";
import type { SimInstrument } from "./instruments.ts";
import { fundingAmount, type SimFunding } from "./funding.ts";
import { Ledger } from "./ledger.ts";
import { checkMargin, checkShape } from "./_checks.ts";
import { liquidationDue } from "./liquidation.ts";
import {
  isOpen,
  leavesOf,
  newOrder,
  type SimCancelReason,
  type SimFill,
  type SimOrder,
  type SimSide,
} from "./order.ts";
import type {
  AmendRequest,
  CoreEvent,
  CoreResult,
  ExchangeRules,
  OrderRef,
  PlaceRequest,
  Rejection,
  RejectReason,
} from "./exchange_types.ts";
import type { SimClock } from "./clock.ts";

/** Decimals of a fee in the venues' execution reports (and so of what they charge). */
const FEE_DECIMALS = 8;

interface SymbolState {
  readonly spec: SimInstrument;
  readonly book: SimBook;
  lastPrice: number;
  /** Open orders in arrival order. */
  readonly open: SimOrder[];
}

/** The matching core of one simulated venue. */
export class SimExchange {
  /** Every order and fill. */
  readonly ledger: Ledger = new Ledger();
  readonly #rules: ExchangeRules;
  readonly #clock: SimClock;
  readonly #accounts: readonly SimAccount[];
  readonly #symbols = new Map<string, SymbolState>();
  readonly #orders = new Map<string, SimOrder>();
  readonly #clientIds = new Map<string, SimOrder>();
  readonly #listeners: ((event: CoreEvent) => void)[] = [];
  #orderCount = 0;
  #fillCount = 0;

  /** Makes the core for the listed instruments and accounts. */
  constructor(
    instruments: ReadonlyMap<string, SimInstrument>,
    accounts: readonly SimAccount[],
    options: { readonly rules: ExchangeRules; readonly clock: SimClock },
  ) {
    this.#rules = options.rules;
    this.#clock = options.clock;
    this.#accounts = accounts;
    for (const [code, spec] of instruments) {
      this.#symbols.set(code, {
        spec,
        book: new SimBook(spec.instrument.symbol),
        lastPrice: spec.startPrice,
        open: [],
      });
    }
  }

  /** Subscribes to order, fill, position and wallet changes. */
  listen(listener: (event: CoreEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /** The listed contracts. */
  instruments(): readonly SimInstrument[] {
    return [...this.#symbols.values()].map((state) => state.spec);
  }

  /** One listed contract. */
  instrument(code: string): SimInstrument | undefined {
    return this.#symbols.get(code)?.spec;
  }

  /** The market book of `code`. */
  book(code: string): SimBook | undefined {
    return this.#symbols.get(code)?.book;
  }

  /** The last trade price of `code`. */
  lastPrice(code: string): number {
    return this.#symbols.get(code)?.lastPrice ?? NaN;
  }

  /** Mark price: the book's mid, else the last trade. */
  markPrice(code: string): Decimal {
    const state = this.#symbols.get(code);
    if (state === undefined) return ZERO;
    const mid = state.book.mid();
    return decimal(Number.isFinite(mid) ? mid : state.lastPrice);
  }

  /**
   * Settles funding on `code` now: every account with an open position pays (or receives)
   * `size × mark × rate` at the current mark price; each payment is booked on the wallet,
   * recorded in the ledger and announced. Returns the payments.
   */
  settleFunding(code: string, rate: Decimal | string | number): readonly SimFunding[] {
    const state = this.#symbols.get(code);
    if (state === undefined) throw new RangeError(`No simulator instrument ${code}`);
    const now = this.#clock.now();
    const mark = this.markPrice(code);
    const fundingRate = decimal(rate);
    const out: SimFunding[] = [];
    for (const account of this.#accounts) {
      const size = account.position(code, now).size;
      if (size.isZero()) continue;
      const seq = ++this.#fillCount;
      const funding: SimFunding = {
        id: this.#rules.execId(seq),
        seq,
        accountId: account.id,
        code,
        size,
        markPrice: mark,
        rate: fundingRate,
        amount: fundingAmount(size, mark, fundingRate),
        ts: now,
      };
      account.payFunding(state.spec.instrument.settle, funding.amount);
      this.ledger.recordFunding(funding);
      this.#emit({ kind: "funding", funding });
      this.#emit({ kind: "wallet", accountId: account.id });
      out.push(funding);
    }
    return out;
  }

  /** An account by index. */
  account(accountId: number): SimAccount {
    const account = this.#accounts[accountId];
    if (account === undefined) throw new RangeError(`No simulator account ${accountId}`);
    return account;
  }

  /** Every account. */
  accounts(): readonly SimAccount[] {
    return this.#accounts;
  }

  /** An account's order by venue or client id (open or closed). */
  findOrder(accountId: number, ref: OrderRef): SimOrder | undefined {
    const order = ref.orderId !== undefined && ref.orderId !== ""
      ? this.#orders.get(ref.orderId)
      : ref.clientId !== undefined && ref.clientId !== ""
      ? this.#clientIds.get(`${accountId}/${ref.clientId}`)
      : undefined;
    return order?.accountId === accountId ? order : undefined;
  }

  /** An account's open orders, optionally for one symbol, oldest first. */
  openOrders(accountId: number, code?: string): readonly SimOrder[] {
    const out: SimOrder[] = [];
    for (const [symbol, state] of this.#symbols) {
      if (code !== undefined && symbol !== code) continue;
      for (const order of state.open) if (order.accountId === accountId) out.push(order);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Every order of an account, oldest first. */
  allOrders(accountId: number, code?: string): readonly SimOrder[] {
    return [...this.#orders.values()].filter((order) =>
      order.accountId === accountId && (code === undefined || order.code === code)
    );
  }

  /** The asset contract `code` settles in, where its fees, PnL, funding and margin are booked. */
  marginAsset(code: string): string {
    const state = this.#symbols.get(code);
    if (state === undefined) throw new RangeError(`No simulator instrument ${code}`);
    return state.spec.instrument.settle;
  }

  /** Initial margin in `asset` of the account's open orders (in `code`) that may add exposure. */
  orderMargin(accountId: number, asset: string, code?: string): Decimal {
    let total = ZERO;
    for (const order of this.openOrders(accountId, code)) {
      if (order.reduceOnly || this.marginAsset(order.code) !== asset) continue;
      const price = order.price ?? this.markPrice(order.code);
      const leverage = this.account(accountId).position(order.code, order.createdAt).leverage;
      total = total.plus(leavesOf(order).times(price).div(leverage));
    }
    return total;
  }

  /** Σ unrealized PnL of the account's positions that settle in `asset`, at mark. */
  unrealized(accountId: number, asset: string): Decimal {
    const account = this.account(accountId);
    let total = ZERO;
    for (const code of this.#codesIn(account, asset)) {
      total = total.plus(account.unrealized(code, this.markPrice(code)));
    }
    return total;
  }

  /** Σ initial margin of the account's positions that settle in `asset`. */
  positionMargin(accountId: number, asset: string): Decimal {
    const account = this.account(accountId);
    let total = ZERO;
    for (const code of this.#codesIn(account, asset)) {
      total = total.plus(account.positionMargin(code));
    }
    return total;
  }

  /** In `asset`: wallet + unrealized − position margin − order margin. */
  available(accountId: number, asset: string): Decimal {
    return this.account(accountId).walletOf(asset).plus(this.unrealized(accountId, asset))
      .minus(this.positionMargin(accountId, asset)).minus(this.orderMargin(accountId, asset));
  }

  #codesIn(account: SimAccount, asset: string): readonly string[] {
    return account.positionCodes().filter((code) => this.marginAsset(code) === asset);
  }

  /** Sets the leverage of one symbol. */
  setLeverage(accountId: number, code: string, leverage: Decimal): CoreResult<Decimal> {
    const state = this.#symbols.get(code);
    if (state === undefined) return unknownSymbol(code);
    if (leverage.lt(1) || leverage.gt(state.spec.maxLeverage)) {
      return reject(
        "leverage",
        `leverage ${leverage} of ${code} is outside 1..${state.spec.maxLeverage}`,
      );
    }
    const position = this.account(accountId).position(code, this.#clock.now());
    position.leverage = leverage;
    position.updatedAt = this.#clock.now();
    this.#emit({ kind: "position", accountId, code });
    return { ok: true, value: leverage };
  }

  /** Places an order: validates, checks margin, matches what crosses, rests the rest. */
  place(request: PlaceRequest): CoreResult<SimOrder> {
    const state = this.#symbols.get(request.code);
    if (state === undefined) return unknownSymbol(request.code);
    const shape = checkShape(state.spec, request, this.#referencePrice(state, request.side));
    if (shape !== undefined) return shape;
    const account = this.account(request.accountId);
    if (request.clientId !== undefined && request.clientId !== "") {
      const previous = this.#clientIds.get(`${request.accountId}/${request.clientId}`);
      if (previous !== undefined && (this.#rules.clientIdScope === "all" || isOpen(previous))) {
        return reject("duplicate-client-id", `client order id ${request.clientId} is in use`);
      }
    }
    if (
      state.open.filter((o) => o.accountId === request.accountId).length >=
        this.#rules.maxOpenOrders
    ) {
      return reject(
        "too-many-orders",
        `more than ${this.#rules.maxOpenOrders} open orders on ${request.code}`,
      );
    }
    const now = this.#clock.now();
    const position = account.position(request.code, now);
    let quantity = request.quantity;
    if (request.reduceOnly === true) {
      const reducing = request.side === "buy" ? position.size.isNeg() : position.size.gt(0);
      if (!reducing) {
        return reject(
          "reduce-only",
          `reduce-only ${request.side} would not reduce the position of ${request.code} (size ${position.size})`,
        );
      }
      if (quantity.gt(position.size.abs())) quantity = position.size.abs();
    } else {
      const margin = checkMargin({
        spec: state.spec,
        side: request.side,
        quantity,
        price: this.#referencePrice(state, request.side, request.price),
        position,
        available: this.available(request.accountId, state.spec.instrument.settle),
      });
      if (margin !== undefined) return margin;
    }
    const conditional = request.triggerPrice !== undefined;
    const type = request.type;
    const order = newOrder({
      orderId: this.#rules.orderId(++this.#orderCount),
      clientId: request.clientId,
      accountId: request.accountId,
      code: request.code,
      side: request.side,
      type,
      tif: request.tif,
      price: request.price,
      quantity,
      reduceOnly: request.reduceOnly === true,
      triggerPrice: request.triggerPrice,
      triggerDirection: request.triggerDirection,
      now,
      lastPrice: state.lastPrice,
    });
    if (!conditional) {
      if (order.tif === "post-only" && this.#wouldTake(state, order)) {
        if (this.#rules.postOnlyCross === "reject") {
          return reject("post-only-would-take", "the post-only order would take liquidity");
        }
        return { ok: true, value: this.#register(state, order, "post-only") };
      }
      if (order.tif === "fok" && this.#takeable(state, order).lt(quantity)) {
        if (this.#rules.fokUnfilled === "reject") {
          return reject("fok-unfilled", "the fill-or-kill order cannot be filled in full");
        }
        return { ok: true, value: this.#register(state, order, "fok") };
      }
    }
    this.#register(state, order, undefined);
    if (!conditional) this.#activate(state, order);
    return { ok: true, value: order };
  }

  /** Changes quantity, price or trigger of an open order. */
  amend(accountId: number, ref: OrderRef, changes: AmendRequest): CoreResult<SimOrder> {
    const order = this.findOrder(accountId, ref);
    if (order === undefined) return notFound(ref);
    if (!isOpen(order)) return reject("order-closed", `order ${order.orderId} is ${order.status}`);
    const state = this.#state(order.code);
    const quantity = changes.quantity ?? order.quantity;
    const price = changes.price ?? order.price;
    const shape = checkShape(state.spec, {
      type: order.type,
      quantity,
      price,
      triggerPrice: changes.triggerPrice ?? order.triggerPrice,
    }, this.#referencePrice(state, order.side));
    if (shape !== undefined) return shape;
    if (quantity.lte(order.filled)) {
      return reject(
        "quantity",
        `the new quantity ${quantity} is not above the filled ${order.filled}`,
      );
    }
    const samePrice = price === undefined || order.price === undefined || price.eq(order.price);
    const keep = this.#rules.keepQueueOnShrink && samePrice && quantity.lte(order.quantity);
    order.quantity = quantity;
    order.price = price;
    if (changes.triggerPrice !== undefined) order.triggerPrice = changes.triggerPrice;
    order.amendments += 1;
    order.updatedAt = this.#clock.now();
    this.#changed(order);
    if (order.status !== "untriggered" && !keep) this.#activate(state, order);
    return { ok: true, value: order };
  }

  /** Cancels an open order. */
  cancel(accountId: number, ref: OrderRef, reason: SimCancelReason = "user"): CoreResult<SimOrder> {
    const order = this.findOrder(accountId, ref);
    if (order === undefined) return notFound(ref);
    if (!isOpen(order)) return reject("order-closed", `order ${order.orderId} is ${order.status}`);
    this.#close(this.#state(order.code), order, reason);
    return { ok: true, value: order };
  }

  /** Cancels every open order of an account (in one symbol, or all; conditional only or not). */
  cancelAll(
    accountId: number,
    code?: string,
    options: { readonly reason?: SimCancelReason; readonly conditional?: boolean } = {},
  ): readonly SimOrder[] {
    const cancelled: SimOrder[] = [];
    for (const order of this.openOrders(accountId, code)) {
      if (options.conditional !== undefined && order.conditional !== options.conditional) continue;
      this.#close(this.#state(order.code), order, options.reason ?? "cancel-all");
      cancelled.push(order);
    }
    return cancelled;
  }

  /** Applies a book snapshot (replace) or delta (levels) of the market feed. */
  applyBook(
    code: string,
    bids: readonly (readonly [number, number])[],
    asks: readonly (readonly [number, number])[],
    snapshot: boolean,
  ): void {
    const state = this.#symbols.get(code);
    if (state === undefined) return;
    if (snapshot) state.book.clear();
    for (const [price, size] of bids) state.book.bids.set(price, size);
    for (const [price, size] of asks) state.book.asks.set(price, size);
    for (const order of [...state.open]) {
      if (!isOpen(order) || order.status === "untriggered" || order.price === undefined) continue;
      const own = order.side === "buy" ? state.book.bids : state.book.asks;
      const displayed = own.sizeAt(order.price.toNumber());
      if (order.queueAhead > displayed) order.queueAhead = displayed;
      if (this.#wouldTake(state, order)) this.#sweep(state, order, true);
    }
    this.#liquidations(state);
  }

  /** Applies a public trade: last price, stop triggers, resting fills at or through the price. */
  applyTrade(code: string, price: number, quantity: number, aggressor: SimSide): void {
    const state = this.#symbols.get(code);
    if (state === undefined) return;
    state.lastPrice = price;
    let left = quantity;
    const hit = state.open
      .filter((o) => o.status !== "untriggered" && o.price !== undefined && o.side !== aggressor)
      .sort((a, b) => comparePriority(a, b));
    for (const order of hit) {
      if (left <= 0) break;
      if (!isOpen(order)) continue; // closed by an earlier fill of this trade (reduce-only)
      const limit = (order.price as Decimal).toNumber();
      const through = order.side === "buy" ? price < limit : price > limit;
      const at = price === limit;
      if (!through && !at) continue;
      let fillable = left;
      if (at) {
        order.queueAhead -= left;
        if (order.queueAhead >= 0) continue;
        fillable = -order.queueAhead;
        order.queueAhead = 0;
      }
      const lot = state.spec.instrument.lotSize;
      const take = minOf(this.#fillable(state, order), roundToStep(decimal(fillable), lot, "down"));
      if (take.isZero()) continue;
      left -= take.toNumber();
      this.#fill(state, order, order.price as Decimal, take, true);
    }
    for (const order of [...state.open]) {
      if (order.status !== "untriggered" || order.triggerPrice === undefined) continue;
      const trigger = order.triggerPrice.toNumber();
      if (order.triggerDirection === "rise" ? price >= trigger : price <= trigger) {
        order.status = "new";
        order.updatedAt = this.#clock.now();
        order.triggeredAt = order.updatedAt;
        this.#changed(order);
        if (this.#fillable(state, order).isZero()) continue; // cancelled: nothing to reduce
        this.#activate(state, order);
      }
    }
    this.#liquidations(state);
  }

  /** Closes every position in the symbol whose liquidation price the mark has reached. */
  #liquidations(state: SymbolState): void {
    const mark = this.markPrice(state.spec.code);
    for (const account of this.#accounts) {
      if (!account.positionCodes().includes(state.spec.code)) continue;
      const position = account.position(state.spec.code, 0);
      const price = liquidationDue(position, state.spec, mark);
      if (price === undefined) continue;
      this.cancelAll(account.id, state.spec.code, { reason: "liquidation" });
      const now = this.#clock.now();
      const n = ++this.#orderCount;
      const order = newOrder({
        orderId: this.#rules.orderId(n),
        clientId: this.#rules.liquidationClientId?.(n),
        accountId: account.id,
        code: state.spec.code,
        side: position.size.isNeg() ? "buy" : "sell",
        type: "market",
        tif: "ioc",
        price: undefined,
        quantity: position.size.abs(),
        reduceOnly: true,
        triggerPrice: undefined,
        triggerDirection: undefined,
        now,
        lastPrice: state.lastPrice,
      });
      this.#register(state, order, undefined);
      this.#fill(state, order, price, order.quantity, false, true);
    }
  }

  #state(code: string): SymbolState {
    const state = this.#symbols.get(code);
    if (state === undefined) throw new RangeError(`No simulator symbol ${code}`);
    return state;
  }

  #referencePrice(state: SymbolState, side: SimSide, limit?: Decimal): Decimal {
    if (limit !== undefined) return limit;
    const best = side === "buy" ? state.book.asks.best : state.book.bids.best;
    return decimal(Number.isFinite(best) ? best : state.lastPrice);
  }

  #register(state: SymbolState, order: SimOrder, closeWith: SimCancelReason | undefined): SimOrder {
    this.#orders.set(order.orderId, order);
    if (order.clientId !== undefined) {
      this.#clientIds.set(`${order.accountId}/${order.clientId}`, order);
    }
    if (closeWith !== undefined) {
      order.status = "cancelled";
      order.cancelReason = closeWith;
      this.#changed(order);
      return order;
    }
    state.open.push(order);
    this.#changed(order);
    return order;
  }

  /** Takes what crosses, then rests a GTC limit or ends an IOC/market order. */
  #activate(state: SymbolState, order: SimOrder): void {
    if (this.#wouldTake(state, order)) this.#sweep(state, order, false);
    if (!isOpen(order)) return;
    if (order.type === "market") {
      this.#close(state, order, "market-unfilled");
      return;
    }
    if (order.tif === "ioc" || order.tif === "fok") {
      this.#close(state, order, order.tif);
      return;
    }
    const own = order.side === "buy" ? state.book.bids : state.book.asks;
    order.queueAhead = own.sizeAt((order.price as Decimal).toNumber());
  }

  #wouldTake(state: SymbolState, order: SimOrder): boolean {
    const other = order.side === "buy" ? state.book.asks : state.book.bids;
    if (other.depth === 0) return false;
    if (order.price === undefined) return true;
    return other.within(other.best, order.price.toNumber());
  }

  /** Liquidity available to `order` within its limit. */
  #takeable(state: SymbolState, order: SimOrder): Decimal {
    const other = order.side === "buy" ? state.book.asks : state.book.bids;
    const limit = order.price?.toNumber();
    let total = 0;
    for (let i = 0; i < other.depth; i++) {
      if (limit !== undefined && !other.within(other.price(i), limit)) break;
      total += other.available(i);
    }
    return decimal(total);
  }

  /** Fills `order` from the book's opposite side within its limit. */
  #sweep(state: SymbolState, order: SimOrder, maker: boolean): void {
    const other = order.side === "buy" ? state.book.asks : state.book.bids;
    const limit = order.price?.toNumber();
    const lot = state.spec.instrument.lotSize;
    for (let i = 0; i < other.depth && isOpen(order); i++) {
      const level = other.price(i);
      if (limit !== undefined && !other.within(level, limit)) break;
      const available = other.available(i);
      if (available <= 0) continue;
      const left = this.#fillable(state, order);
      if (left.isZero()) return;
      const take = minOf(left, roundToStep(decimal(available), lot, "down"));
      if (take.isZero()) continue;
      other.consume(level, take.toNumber());
      const price = maker && order.price !== undefined ? order.price : decimal(level);
      this.#fill(state, order, price, take, maker);
    }
  }

  #fill(
    state: SymbolState,
    order: SimOrder,
    price: Decimal,
    quantity: Decimal,
    maker: boolean,
    liquidation = false,
  ): void {
    const now = this.#clock.now();
    const instrument = state.spec.instrument;
    const feeRate = maker ? instrument.makerFee : instrument.takerFee;
    const value = price.times(quantity);
    // The venue charges the fee its execution reports print (8 decimals, as Bybit and Binance).
    const fee = decimal(value.times(feeRate).toFixed(FEE_DECIMALS));
    const seq = ++this.#fillCount;
    const account = this.account(order.accountId);
    const signed = order.side === "buy" ? quantity : quantity.neg();
    const change = account.applyFill(order.code, instrument.settle, signed, price, fee, now, seq);
    order.filled = order.filled.plus(quantity);
    order.filledValue = order.filledValue.plus(value);
    order.fees = order.fees.plus(fee);
    order.status = order.filled.gte(order.quantity) ? "filled" : "partially-filled";
    order.updatedAt = now;
    if (order.status === "filled") this.#unrest(state, order);
    const fill: SimFill = {
      execId: this.#rules.execId(seq),
      seq,
      orderId: order.orderId,
      clientId: order.clientId,
      accountId: order.accountId,
      code: order.code,
      side: order.side,
      price,
      quantity,
      fee,
      feeRate,
      maker,
      realizedPnl: change.realizedPnl,
      closedSize: change.closedSize,
      leaves: leavesOf(order),
      liquidation,
      ts: now,
    };
    this.ledger.recordFill(fill);
    this.#emit({ kind: "fill", fill });
    this.#changed(order);
    this.#emit({ kind: "position", accountId: order.accountId, code: order.code });
    this.#emit({ kind: "wallet", accountId: order.accountId });
    this.#cancelOrphans(state, order.accountId);
  }

  /**
   * What `order` may still fill: its leaves, and for a reduce-only order at most the opposite
   * position. A reduce-only order with nothing left to reduce is cancelled here (both venues
   * refuse to let one open or grow a position), so the answer is then zero.
   */
  #fillable(state: SymbolState, order: SimOrder): Decimal {
    const leaves = leavesOf(order);
    if (!order.reduceOnly) return leaves;
    const size = this.account(order.accountId).position(order.code, this.#clock.now()).size;
    const reducible = order.side === "buy"
      ? (size.isNeg() ? size.abs() : ZERO)
      : size.gt(0)
      ? size
      : ZERO;
    if (reducible.isZero()) {
      if (isOpen(order)) this.#close(state, order, "reduce-only");
      return ZERO;
    }
    return minOf(leaves, reducible);
  }

  /** After a fill: with `reduceOnlyOrphans: cancel`, reduce-only orders left with nothing to reduce go. */
  #cancelOrphans(state: SymbolState, accountId: number): void {
    if (this.#rules.reduceOnlyOrphans !== "cancel") return;
    for (const order of [...state.open]) {
      if (order.accountId === accountId && order.reduceOnly) this.#fillable(state, order);
    }
  }

  #close(state: SymbolState, order: SimOrder, reason: SimCancelReason): void {
    order.status = "cancelled";
    order.cancelReason = reason;
    order.updatedAt = this.#clock.now();
    this.#unrest(state, order);
    this.#changed(order);
  }

  #unrest(state: SymbolState, order: SimOrder): void {
    const at = state.open.indexOf(order);
    if (at >= 0) state.open.splice(at, 1);
  }

  #changed(order: SimOrder): void {
    this.ledger.recordOrder(order);
    this.#emit({ kind: "order", order });
  }

  #emit(event: CoreEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function comparePriority(a: SimOrder, b: SimOrder): number {
  const pa = a.price as Decimal;
  const pb = b.price as Decimal;
  const byPrice = a.side === "buy" ? pb.cmp(pa) : pa.cmp(pb);
  return byPrice !== 0 ? byPrice : a.createdAt - b.createdAt;
}

function minOf(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

function reject(reason: RejectReason, message: string): Rejection {
  return { ok: false, reason, message };
}

function unknownSymbol(code: string): Rejection {
  return reject("unknown-symbol", `symbol ${code} is not listed`);
}

function notFound(ref: OrderRef): Rejection {
  return reject(
    "order-not-found",
    `order ${ref.orderId ?? ref.clientId ?? "(no id)"} does not exist`,
  );
}
