/**
 * The order manager (OMS): turns position-aware signals into validated, risk-checked order
 * requests, tracks working orders, and attaches stop-loss/take-profit brackets (OCO) once an
 * entry fills. Backtest and live share it; it talks to the venue through an
 * {@linkcode OrderSink} and reads the account through an {@linkcode AccountView}.
 *
 * @module
 */

import {
  type AmendIntent,
  type Decimal,
  decimal,
  type Fill,
  type Instrument,
  isTerminal,
  type Order,
  type OrderIntent,
  type OrderRequest,
  roundQuantity,
  type Side,
  type Signal,
  type SymbolId,
  validateOrder,
  ZERO,
} from "../domain/mod.ts";
import { AmendMemo, signOf, tickPrice } from "./_order_pricing.ts";
import type { AccountView, OrderManagerOptions, OrderSink } from "./oms_ports.ts";
import { checkBuyingPower, type RiskRejection } from "./risk.ts";

interface Bracket {
  readonly stopLoss: number | undefined;
  readonly takeProfit: number | undefined;
}

/** Counts and first messages of refused signals and orders, by rule. */
export interface RejectionSummary {
  /** Count per rule (`min-notional`, `max-position`, `kill-switch`, …). */
  readonly counts: Readonly<Record<string, number>>;
  /** Up to 20 example messages, in order. */
  readonly examples: readonly string[];
}

/** The OMS. */
export class OrderManager {
  readonly #options: OrderManagerOptions;
  readonly #account: AccountView;
  readonly #sink: OrderSink;
  readonly #working = new Map<string, Order | OrderRequest>();
  readonly #brackets = new Map<string, Bracket>();
  readonly #counts = new Map<string, number>();
  readonly #examples: string[] = [];
  #nextId = 1;
  #submitted = 0;
  readonly #memo = new AmendMemo();

  /** Makes an OMS over an account view and an order sink. */
  constructor(options: OrderManagerOptions, account: AccountView, sink: OrderSink) {
    this.#options = options;
    this.#account = account;
    this.#sink = sink;
  }

  /** Orders sent so far. */
  get submitted(): number {
    return this.#submitted;
  }

  /** Refused signals/orders by rule, with examples. */
  rejections(): RejectionSummary {
    return { counts: Object.fromEntries(this.#counts), examples: [...this.#examples] };
  }

  /** Total refused. */
  get rejectedCount(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** Working orders (as last reported), optionally for one symbol. */
  openOrders(symbol?: SymbolId): readonly Order[] {
    const result: Order[] = [];
    for (const order of this.#working.values()) {
      if (!("status" in order)) continue;
      if (symbol === undefined || order.request.symbol === symbol) result.push(order);
    }
    return result;
  }

  /** Records a refusal (also used by the venue adapter for venue rejections). */
  reject(rule: string, message: string): void {
    this.#counts.set(rule, (this.#counts.get(rule) ?? 0) + 1);
    if (this.#examples.length < 20) this.#examples.push(message);
  }

  /** Acts on a signal: position-aware, sized, validated, risk-checked. */
  onSignal(signal: Signal): void {
    const instrument = this.#options.instruments.get(signal.symbol);
    if (instrument === undefined) {
      this.reject("unknown-symbol", `signal for ${signal.symbol}, which has no instrument`);
      return;
    }
    // The projected position (with working entries) decides what a signal means; the orders
    // that close or reverse are sized on the actual position, since working orders are
    // cancelled first and may never fill.
    const projected = signOf(this.#projectedPosition(signal.symbol));
    const actual = this.#account.position(signal.symbol);
    const actualSign = signOf(actual);
    switch (signal.kind) {
      case "enter-long":
      case "enter-short": {
        const direction = signal.kind === "enter-long" ? 1 : -1;
        const pyramiding = this.#options.pyramiding === true;
        if (projected === direction && !pyramiding) return;
        if (actualSign === direction && !pyramiding) {
          // Already in position; only working orders (a pending exit or reversal) point the
          // other way: cancelling them is the whole answer.
          this.#cancelWorking(signal.symbol);
          return;
        }
        const size = this.#size(signal, instrument);
        if (size === undefined) return;
        // Adding to a position without a bracket of its own keeps the position's protective
        // orders; otherwise this entry (and its bracket, sized to the whole position) replaces
        // every working order.
        const keepsProtection = actualSign === direction && signal.stopLoss === undefined &&
          signal.takeProfit === undefined;
        this.#cancelWorking(signal.symbol, keepsProtection);
        // Close and reverse in one order: the open position plus the new size.
        const quantity = actualSign === -direction ? size.plus(actual.abs()) : size;
        const side: Side = direction === 1 ? "buy" : "sell";
        this.#send(signal, instrument, side, quantity, false, {
          stopLoss: signal.stopLoss,
          takeProfit: signal.takeProfit,
        });
        return;
      }
      case "exit-long":
      case "exit-short": {
        const direction = signal.kind === "exit-long" ? 1 : -1;
        if (projected !== direction && actualSign !== direction) return;
        this.#cancelWorking(signal.symbol);
        if (actualSign !== direction) return; // only a working entry was open: cancelled
        this.#send(
          signal,
          instrument,
          direction === 1 ? "sell" : "buy",
          actual.abs(),
          true,
          undefined,
        );
        return;
      }
      case "flatten": {
        this.#cancelWorking(signal.symbol);
        if (actualSign === 0) return;
        this.#send(
          signal,
          instrument,
          actualSign === 1 ? "sell" : "buy",
          actual.abs(),
          true,
          undefined,
        );
        return;
      }
      default: {
        const unknown: never = signal.kind;
        throw new TypeError(`Unknown signal kind ${unknown}`);
      }
    }
  }

  /**
   * Places a strategy's own order: quantity rounded down to the lot, prices to the tick (buys
   * down, sells up), then validated and risk-checked like any other. Returns the client order
   * id, or `undefined` when refused (the reason is counted in {@linkcode rejections}).
   */
  submitIntent(intent: OrderIntent): string | undefined {
    const instrument = this.#options.instruments.get(intent.symbol);
    if (instrument === undefined) {
      this.reject("unknown-symbol", `order for ${intent.symbol}, which has no instrument`);
      return undefined;
    }
    if (!Number.isFinite(intent.quantity) || intent.quantity <= 0) {
      this.reject(
        "quantity",
        `${intent.symbol}: order quantity must be positive, got ${intent.quantity}`,
      );
      return undefined;
    }
    const passive = intent.side === "buy" ? "floor" : "ceil";
    const toPrice = (value: number | undefined, name: string): Decimal | undefined | null => {
      if (value === undefined) return undefined;
      if (!Number.isFinite(value) || value <= 0) {
        this.reject("price", `${intent.symbol}: ${name} must be a positive number, got ${value}`);
        return null;
      }
      return tickPrice(instrument, value, passive);
    };
    const price = toPrice(intent.price, "price");
    const triggerPrice = toPrice(intent.triggerPrice, "trigger price");
    if (price === null || triggerPrice === null) return undefined;
    const quantity = roundQuantity(instrument, decimal(Number(intent.quantity.toPrecision(15))));
    const clientOrderId = `${this.#options.idPrefix ?? "t"}${this.#nextId++}`;
    const request: OrderRequest = {
      clientOrderId,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      quantity,
      ...(price === undefined ? {} : { price }),
      ...(triggerPrice === undefined ? {} : { triggerPrice }),
      timeInForce: intent.timeInForce ?? (intent.type === "market" ? "ioc" : "gtc"),
      reduceOnly: intent.reduceOnly ?? false,
      ...(intent.groupId === undefined ? {} : { groupId: intent.groupId }),
    };
    if (!this.#approve(request, instrument)) return undefined;
    this.#working.set(clientOrderId, request);
    this.#submitted++;
    this.#sink.submit(request);
    return clientOrderId;
  }

  /** Cancels a working order (ignored when it is not working). */
  cancelOrder(symbol: SymbolId, clientOrderId: string): void {
    if (this.#working.has(clientOrderId)) this.#sink.cancel(symbol, clientOrderId);
  }

  /** Amends a working order, rounding like {@linkcode submitIntent}; refused changes are counted. */
  amendOrder(symbol: SymbolId, clientOrderId: string, changes: AmendIntent): void {
    const instrument = this.#options.instruments.get(symbol);
    const working = this.#working.get(clientOrderId);
    if (instrument === undefined || working === undefined) return;
    const request = "request" in working ? working.request : working;
    const price = changes.price === undefined
      ? undefined
      : this.#memo.price(instrument, changes.price, request.side === "buy" ? "floor" : "ceil");
    const quantity = changes.quantity === undefined
      ? undefined
      : roundQuantity(instrument, decimal(Number(changes.quantity.toPrecision(15))));
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
      );
      return;
    }
    // Only a pure size decrease can skip risk: anything else may add exposure or notional, and
    // must pass the same limits (and the kill switch) as a new order.
    const decreaseOnly = price === undefined && quantity !== undefined &&
      quantity.lte(request.quantity);
    if (!decreaseOnly) {
      const amended: OrderRequest = {
        ...request,
        ...(quantity === undefined ? {} : { quantity }),
        ...(price === undefined ? {} : { price }),
      };
      const refused = this.#riskRefusal(amended, instrument, clientOrderId);
      if (refused !== undefined) {
        this.reject(refused.rule, `amend ${clientOrderId}: ${refused.message}`);
        return;
      }
    }
    this.#sink.amend(symbol, clientOrderId, price, quantity);
  }

  /** Closes every open position at market (the kill switch). */
  flattenAll(symbols: Iterable<SymbolId>): void {
    for (const symbol of symbols) {
      this.onSignal({ symbol, kind: "flatten", confidence: 1, note: "kill switch" });
    }
  }

  /** Tracks an order's new state; attaches brackets when an entry has filled. */
  onOrderUpdate(order: Order): void {
    const id = order.request.clientOrderId;
    if (isTerminal(order.status)) {
      this.#working.delete(id);
      if (order.status === "rejected") {
        this.reject("venue", `${id}: ${order.reason ?? "rejected by the venue"}`);
      }
    } else {
      this.#working.set(id, order);
    }
    const bracket = this.#brackets.get(id);
    if (bracket === undefined || !isTerminal(order.status)) return;
    this.#brackets.delete(id);
    // A partly filled entry (IOC remainder expired, volume cap) is protected too.
    if (order.filledQuantity.gt(0)) this.#attachBracket(order, bracket);
  }

  /** Cancels the bracket legs once the position they protect is flat. */
  onFill(fill: Fill): void {
    if (!this.#account.position(fill.symbol).isZero()) return;
    for (const order of this.openOrders(fill.symbol)) {
      if (order.request.reduceOnly) this.#sink.cancel(fill.symbol, order.request.clientOrderId);
    }
  }

  // The working orders of `symbol` that may add exposure (not reduce-only), but `except`, with
  // their unfilled quantity.
  *#openingOrders(
    symbol: SymbolId,
    except?: string,
  ): Generator<{ readonly side: Side; readonly remaining: Decimal }> {
    for (const [id, order] of this.#working) {
      const request = "request" in order ? order.request : order;
      if (request.symbol !== symbol || request.reduceOnly || id === except) continue;
      const filled = "filledQuantity" in order ? order.filledQuantity : ZERO;
      yield { side: request.side, remaining: request.quantity.minus(filled) };
    }
  }

  // Unfilled quantity of the working orders on one side that may add exposure.
  #workingQuantity(symbol: SymbolId, side: Side, except?: string): number {
    let quantity = 0;
    for (const order of this.#openingOrders(symbol, except)) {
      if (order.side === side) quantity += order.remaining.toNumber();
    }
    return quantity;
  }

  // The position if every working order that may add exposure filled.
  #projectedPosition(symbol: SymbolId): Decimal {
    let position = this.#account.position(symbol);
    for (const { side, remaining } of this.#openingOrders(symbol)) {
      position = side === "buy" ? position.plus(remaining) : position.minus(remaining);
    }
    return position;
  }

  #size(signal: Signal, instrument: Instrument): Decimal | undefined {
    const price = this.#account.lastPrice(signal.symbol);
    if (!(price > 0)) {
      this.reject("no-price", `${signal.symbol}: no price yet to size the ${signal.kind} signal`);
      return undefined;
    }
    const raw = signal.quantity ?? this.#options.sizer.size({
      signal,
      instrument,
      price,
      // Sizers work in the instrument's settle currency (BTC for an inverse XBTUSD).
      equity: this.#account.equity() / this.#account.rateOf(instrument.settle),
      volatility: this.#account.volatility(signal.symbol),
    });
    if (!Number.isFinite(raw) || raw < 0) {
      this.reject("bad-size", `${signal.symbol}: sizer returned ${raw}`);
      return undefined;
    }
    const quantity = roundQuantity(instrument, decimal(Number(raw.toPrecision(15))));
    if (quantity.isZero()) {
      this.reject(
        "zero-size",
        `${signal.symbol}: ${signal.kind} sized to ${raw}, below the lot size ${instrument.lotSize}`,
      );
      return undefined;
    }
    return quantity;
  }

  #send(
    signal: Signal,
    instrument: Instrument,
    side: Side,
    quantity: Decimal,
    reduceOnly: boolean,
    bracket: Bracket | undefined,
  ): void {
    const hint = signal.hint ?? { kind: "market" };
    const clientOrderId = `${this.#options.idPrefix ?? "t"}${this.#nextId++}`;
    let request: OrderRequest;
    switch (hint.kind) {
      case "market":
        request = {
          clientOrderId,
          symbol: signal.symbol,
          side,
          type: "market",
          quantity,
          timeInForce: "ioc",
          reduceOnly,
        };
        break;
      case "limit": {
        // Passive rounding: a buy never pays above, a sell never asks below, the hint.
        const price = tickPrice(instrument, hint.price, side === "buy" ? "floor" : "ceil");
        request = {
          clientOrderId,
          symbol: signal.symbol,
          side,
          type: "limit",
          quantity,
          price,
          timeInForce: hint.postOnly === true ? "post-only" : "gtc",
          reduceOnly,
        };
        break;
      }
      case "twap":
      case "vwap":
      case "iceberg":
      case "pegged-best":
      case "sniper":
      case "trailing-stop":
        this.reject(
          "unsupported-hint",
          `${signal.symbol}: execution hint "${hint.kind}" is not available in this venue mode; use market or limit`,
        );
        return;
      default: {
        const unknown: never = hint;
        throw new TypeError(`Unknown execution hint ${JSON.stringify(unknown)}`);
      }
    }
    if (signal.groupId !== undefined) request = { ...request, groupId: signal.groupId };
    if (!this.#approve(request, instrument)) return;
    if (
      bracket !== undefined && (bracket.stopLoss !== undefined || bracket.takeProfit !== undefined)
    ) {
      this.#brackets.set(clientOrderId, bracket);
    }
    this.#working.set(clientOrderId, request);
    this.#submitted++;
    this.#sink.submit(request);
  }

  #approve(request: OrderRequest, instrument: Instrument): boolean {
    const last = this.#account.lastPrice(request.symbol);
    const reference = request.price ?? (last > 0 ? decimal(last) : undefined);
    const violations = validateOrder(instrument, request, reference);
    if (violations.length > 0) {
      this.reject(violations[0].rule, violations.map((v) => v.message).join("; "));
      return false;
    }
    const refused = this.#riskRefusal(request, instrument);
    if (refused !== undefined) {
      this.reject(refused.rule, refused.message);
      return false;
    }
    return true;
  }

  // Pre-trade risk and buying power for `request`; `amending` names the working order it
  // replaces, which then does not count among the working orders.
  #riskRefusal(
    request: OrderRequest,
    instrument: Instrument,
    amending?: string,
  ): RiskRejection | undefined {
    const price = request.price?.toNumber() ?? this.#account.lastPrice(request.symbol);
    const position = this.#account.position(request.symbol);
    return this.#options.risk.check({
      request,
      instrument,
      price,
      position,
      workingSameSide: this.#workingQuantity(request.symbol, request.side, amending),
    }) ?? checkBuyingPower({
      request,
      instrument,
      price,
      position,
      leverage: instrument.kind === "spot" ? 1 : this.#account.leverage(request.symbol),
      free: (currency) => this.#account.freeMargin(currency),
    });
  }

  #attachBracket(entry: Order, bracket: Bracket): void {
    const { symbol } = entry.request;
    const instrument = this.#options.instruments.get(symbol);
    const position = this.#account.position(symbol);
    if (instrument === undefined || position.isZero()) return;
    const side: Side = position.isNeg() ? "buy" : "sell";
    const quantity = position.abs();
    const groupId = `oco:${entry.request.clientOrderId}`;
    const legs: OrderRequest[] = [];
    if (bracket.stopLoss !== undefined) {
      legs.push({
        clientOrderId: `${this.#options.idPrefix ?? "t"}${this.#nextId++}`,
        symbol,
        side,
        type: "stop-market",
        quantity,
        triggerPrice: tickPrice(instrument, bracket.stopLoss, side === "sell" ? "floor" : "ceil"),
        timeInForce: "gtc",
        reduceOnly: true,
        groupId,
      });
    }
    if (bracket.takeProfit !== undefined) {
      legs.push({
        clientOrderId: `${this.#options.idPrefix ?? "t"}${this.#nextId++}`,
        symbol,
        side,
        type: "limit",
        quantity,
        price: tickPrice(instrument, bracket.takeProfit, side === "sell" ? "ceil" : "floor"),
        timeInForce: "gtc",
        reduceOnly: true,
        groupId,
      });
    }
    for (const leg of legs) {
      if (!this.#approve(leg, instrument)) continue;
      this.#working.set(leg.clientOrderId, leg);
      this.#submitted++;
      this.#sink.submit(leg);
    }
  }

  // Cancels the symbol's working orders; with `keepProtection`, not the reduce-only ones (stops
  // and targets protecting the position).
  #cancelWorking(symbol: SymbolId, keepProtection = false): void {
    for (const [id, order] of this.#working) {
      const request = "request" in order ? order.request : order;
      if (request.symbol !== symbol || (keepProtection && request.reduceOnly)) continue;
      this.#sink.cancel(symbol, id);
    }
  }
}
