/**
 * Pre-trade risk: limits every order must pass before it reaches a venue, and the drawdown
 * kill switch that puts the account in liquidate-only mode. Backtest and live use the same code.
 *
 * @module
 */

import type { Decimal, Instrument, OrderRequest, Refusal, RefusalRule } from "../domain/mod.ts";
import { DeferredRefusal, type RefusalWriter, shownRefusal } from "./deferred_refusal.ts";

/**
 * An order request before it gets its client order id: what validation, risk and buying power
 * judge. Only an order that passes them draws an id, so refusals leave the id series untouched.
 */
export type OrderDraft = Omit<OrderRequest, "clientOrderId">;

/** Risk limits; an absent limit is not checked. */
export interface RiskLimits {
  /** Largest quantity of one order that adds exposure (orders that only reduce are exempt). */
  readonly maxOrderQuantity?: number;
  /** Largest notional of one order that adds exposure, in the settle currency. */
  readonly maxOrderNotional?: number;
  /** Largest absolute position per symbol after the order. */
  readonly maxPositionQuantity?: number;
  /** Drawdown from the equity peak (0.05 = 5%) that trips the kill switch. */
  readonly maxDrawdown?: number;
  /**
   * Largest distance (basis points) of a limit price from the last mark, either side; orders
   * that only reduce are exempt (a take-profit may rest far away).
   */
  readonly priceBandBps?: number;
  /**
   * Most orders and amends that add exposure per rolling minute; those that only reduce are
   * never refused (they still count).
   */
  readonly maxOrdersPerMinute?: number;
}

/** The state a check needs. */
export interface RiskInput {
  /** The order (a refusal names its symbol; the caller adds the id of an order it amends). */
  readonly request: OrderDraft;
  /** Its instrument. */
  readonly instrument: Instrument;
  /** Reference price for notional (limit price or last price). */
  readonly price: number;
  /** Current signed position in the symbol (filled orders only). */
  readonly position: Decimal;
  /** `request.quantity` as a number, when the caller has it (else it is converted here). */
  readonly quantityValue?: number;
  /** `position` as a number, when the caller has it (else it is converted here). */
  readonly positionValue?: number;
  /**
   * Remaining quantity of the working orders on the order's side that may add exposure (not
   * reduce-only), the order itself excluded (default 0). They count towards the position limit
   * as if they all fill; working orders on the other side never offset it, since they may be
   * cancelled or never fill.
   */
  readonly workingSameSide?: number;
  /** The symbol's last mark, for the price band (absent or 0: no band check). */
  readonly mark?: number;
  /** The time of the check (µs), for the order-rate limit (absent: no rate check). */
  readonly now?: number;
}

const MINUTE_MICROS = 60_000_000;

// The messages of the refusals whose facts say everything they need (with the refused order
// and its instrument), written only when a refusal is shown.
const killSwitchMessage: RefusalWriter = (facts) =>
  `kill switch: drawdown ${((facts.current ?? 0) * 100).toFixed(2)}% reached the limit ${
    ((facts.limit ?? 0) * 100).toFixed(2)
  }%; only reducing orders are allowed`;
const orderQuantityMessage: RefusalWriter = (facts, request) =>
  `${request.symbol}: order quantity ${facts.requested} exceeds the limit ${facts.limit}`;
const orderNotionalMessage: RefusalWriter = (facts, request, instrument) =>
  `${request.symbol}: order notional ${
    facts.requested?.toFixed(2)
  } ${instrument.settle} exceeds the limit ${facts.limit}`;
const priceBandMessage: RefusalWriter = (facts, request) =>
  `${request.symbol}: limit price ${request.price?.toNumber()} is ${
    facts.requested?.toFixed(1)
  } bps from the last mark ${facts.current} (band ±${facts.limit} bps)`;
const orderRateMessage: RefusalWriter = (facts, request) =>
  `${request.symbol}: ${facts.current} orders in the last minute reach the limit ${facts.limit}`;

/** Checks orders against {@linkcode RiskLimits} and tracks the drawdown kill switch. */
export class PreTradeRisk {
  readonly #limits: RiskLimits;
  #peak = Number.NEGATIVE_INFINITY;
  #killed = false;
  #drawdownAtKill = 0;
  // Times of the orders that passed, oldest first, within the last minute.
  #recent: number[] = [];

  /** Makes a checker; throws a `RangeError` for a negative or non-finite limit. */
  constructor(limits: RiskLimits = {}) {
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
        throw new RangeError(`Risk limit ${name} must be a non-negative number, got ${value}`);
      }
    }
    if (limits.maxDrawdown === 0) {
      throw new RangeError("Risk limit maxDrawdown must be above 0 (0 trips at the first mark)");
    }
    this.#limits = limits;
  }

  /** Whether the kill switch tripped (only reducing orders pass from then on). */
  get liquidateOnly(): boolean {
    return this.#killed;
  }

  /** The drawdown (fraction of the peak) at which the kill switch tripped; 0 before. */
  get drawdownAtKill(): number {
    return this.#drawdownAtKill;
  }

  /** The limits in force. */
  get limits(): RiskLimits {
    return this.#limits;
  }

  /**
   * Latches the kill switch as tripped without a breach here: a restarted live session whose
   * store says it tripped before (only an operator clears it). `drawdown` is the drawdown it
   * tripped at, for the refusals' numbers.
   */
  latchKillSwitch(drawdown: number = this.#drawdownAtKill): void {
    this.#killed = true;
    this.#drawdownAtKill = drawdown;
  }

  /**
   * Clears a tripped kill switch (an operator's decision): entries pass again, and the equity
   * peak starts over from the next mark, so the drawdown that tripped it does not trip it again.
   */
  clearKillSwitch(): void {
    this.#killed = false;
    this.#drawdownAtKill = 0;
    this.#peak = Number.NEGATIVE_INFINITY;
  }

  /**
   * Feeds the latest equity; returns `true` exactly once, when the drawdown limit is first
   * breached (the caller then flattens and alerts).
   */
  observeEquity(equity: number): boolean {
    // An equity that cannot be computed (a missing mark) says nothing about the drawdown.
    if (!Number.isFinite(equity)) return false;
    if (equity > this.#peak) this.#peak = equity;
    const limit = this.#limits.maxDrawdown;
    if (this.#killed || limit === undefined || !(this.#peak > 0)) return false;
    const drawdown = (this.#peak - equity) / this.#peak;
    if (drawdown < limit) return false;
    this.#killed = true;
    this.#drawdownAtKill = drawdown;
    return true;
  }

  /** Returns why the order must not be sent, or `undefined` when it may. */
  check(input: RiskInput): Refusal | undefined {
    const refusal = this.checkDeferred(input);
    return refusal === undefined ? undefined : shownRefusal(refusal);
  }

  /**
   * {@linkcode check}, but most refusals come with their message still to be written (the OMS
   * counts them and shows only a few). With `recorded` false (the caller will only count it:
   * its examples are full and nobody listens) a refusal is its rule alone, and no record of it
   * is built: a backtest's 250,000th refusal is read by no one.
   */
  checkDeferred(input: RiskInput): Refusal | DeferredRefusal | undefined;
  /**
   * {@linkcode check} with deferred messages; `recorded` false answers a refusal with its rule
   * alone (see the signature above).
   */
  checkDeferred(
    input: RiskInput,
    recorded: boolean,
  ): Refusal | DeferredRefusal | RefusalRule | undefined;
  checkDeferred(
    input: RiskInput,
    recorded = true,
  ): Refusal | DeferredRefusal | RefusalRule | undefined {
    const { request, instrument, price, position } = input;
    const quantity = input.quantityValue ?? request.quantity.toNumber();
    const signed = request.side === "buy" ? quantity : -quantity;
    const current = input.positionValue ?? position.toNumber();
    const after = current + signed;
    // A reduce-only order can never add exposure: the venue caps it at the position. Any other
    // order reduces only if, with the working orders on its side, it shrinks the filled
    // position without flipping it (two sells of the whole long would end short).
    const working = input.workingSameSide ?? 0;
    const reduces = request.reduceOnly ||
      (Math.sign(signed) === -Math.sign(current) &&
        quantity + working <= Math.abs(current) * (1 + 1e-12));
    // The position limit holds in the worst case: every working order on this side fills.
    const worst = after + (request.side === "buy" ? working : -working);
    if (this.#killed && !reduces) {
      if (!recorded) return "kill-switch";
      return new DeferredRefusal(
        {
          rule: "kill-switch",
          symbol: request.symbol,
          limit: this.#limits.maxDrawdown,
          current: this.#drawdownAtKill,
        },
        killSwitchMessage,
        request,
        instrument,
      );
    }
    const { maxOrderQuantity, maxOrderNotional, maxPositionQuantity } = this.#limits;
    // The order-size limits bound new risk: an order that only reduces (an exit, the kill
    // switch's flatten) is never refused by them, or a position built from several orders
    // within the limit could not be closed at all.
    if (maxOrderQuantity !== undefined && !reduces && quantity > maxOrderQuantity) {
      if (!recorded) return "max-order-quantity";
      return new DeferredRefusal(
        {
          rule: "max-order-quantity",
          symbol: request.symbol,
          limit: maxOrderQuantity,
          requested: quantity,
        },
        orderQuantityMessage,
        request,
        instrument,
      );
    }
    if (maxOrderNotional !== undefined && !reduces) {
      const multiplier = instrument.multiplier.toNumber();
      const notional = instrument.kind === "inverse"
        ? (quantity * multiplier) / price
        : quantity * multiplier * price;
      if (notional > maxOrderNotional) {
        if (!recorded) return "max-order-notional";
        return new DeferredRefusal(
          {
            rule: "max-order-notional",
            symbol: request.symbol,
            limit: maxOrderNotional,
            requested: notional,
          },
          orderNotionalMessage,
          request,
          instrument,
        );
      }
    }
    const band = this.#bandRefusal(input, reduces, recorded);
    if (band !== undefined) return band;
    const rate = this.#rateRefusal(input, reduces, recorded);
    if (rate !== undefined) return rate;
    if (maxPositionQuantity !== undefined && !reduces && Math.abs(worst) > maxPositionQuantity) {
      if (!recorded) return "max-position";
      // Written now: its message has numbers (the worst case, the working orders) its facts
      // do not keep.
      return {
        rule: "max-position",
        message: `${request.symbol}: position could reach ${worst}${
          working === 0 ? "" : ` with the working ${request.side} orders`
        } (limit ±${maxPositionQuantity})`,
        symbol: request.symbol,
        limit: maxPositionQuantity,
        requested: quantity,
        current: current + (request.side === "buy" ? working : -working),
      };
    }
    if (input.now !== undefined && this.#limits.maxOrdersPerMinute !== undefined) {
      this.#recent.push(input.now);
    }
    return undefined;
  }

  #bandRefusal(
    input: RiskInput,
    reduces: boolean,
    recorded: boolean,
  ): DeferredRefusal | "price-band" | undefined {
    const { request, mark } = input;
    const bps = this.#limits.priceBandBps;
    if (bps === undefined || reduces || request.price === undefined) return undefined;
    if (request.type !== "limit" && request.type !== "stop-limit") return undefined;
    if (mark === undefined || !(mark > 0)) return undefined;
    const price = request.price.toNumber();
    const distance = (Math.abs(price - mark) / mark) * 10_000;
    if (distance <= bps) return undefined;
    if (!recorded) return "price-band";
    return new DeferredRefusal(
      {
        rule: "price-band",
        symbol: request.symbol,
        limit: bps,
        requested: distance,
        current: mark,
      },
      priceBandMessage,
      request,
      input.instrument,
    );
  }

  #rateRefusal(
    input: RiskInput,
    reduces: boolean,
    recorded: boolean,
  ): DeferredRefusal | "order-rate" | undefined {
    const max = this.#limits.maxOrdersPerMinute;
    const now = input.now;
    if (max === undefined || now === undefined) return undefined;
    const recent = this.#recent;
    let expired = 0;
    while (expired < recent.length && recent[expired] <= now - MINUTE_MICROS) expired++;
    if (expired > 0) this.#recent = recent.slice(expired);
    if (reduces || this.#recent.length < max) return undefined;
    if (!recorded) return "order-rate";
    const { request } = input;
    return new DeferredRefusal(
      {
        rule: "order-rate",
        symbol: request.symbol,
        limit: max,
        current: this.#recent.length,
      },
      orderRateMessage,
      request,
      input.instrument,
    );
  }
}
