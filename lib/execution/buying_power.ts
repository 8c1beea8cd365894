/**
 * Buying power as a venue reckons it: every working order that may add exposure reserves what
 * it would cost (cash on spot, initial margin plus the opening fee on perpetuals), and a new
 * order must fit in what is free after those reservations. Each order is priced where it would
 * likely fill against us: a limit at its limit price, a market order at the last price moved
 * against it by the configured slippage, a stop at its trigger or the last price, whichever is
 * worse, moved the same way; then the taker fee is added.
 *
 * @module
 */

import type { Instrument, OrderRequest, Refusal, Side, SymbolId } from "../domain/mod.ts";
import type { OrderDraft } from "./risk.ts";

/** A working order's part in the reservations: the request and its unfilled quantity. */
export interface WorkingExposure {
  /** The order. */
  readonly request: OrderRequest;
  /** Unfilled quantity. */
  readonly remaining: number;
}

/** What the check reads of the account and the configuration. */
export interface BuyingPowerContext {
  /** The instrument of a symbol (orders of unknown symbols reserve nothing). */
  instrument(symbol: SymbolId): Instrument | undefined;
  /** Signed filled position. */
  position(symbol: SymbolId): number;
  /** Leverage of a perpetual's positions. */
  leverage(symbol: SymbolId): number;
  /** Last price (NaN when none: then nothing can be priced and nothing is refused). */
  lastPrice(symbol: SymbolId): number;
  /** Free margin (perps: balance + unrealized − positions' initial margin) or spot balance. */
  free(currency: string): number;
  /** Slippage of market fills in basis points (0 when not configured). */
  readonly slippageBps: number;
  /** Taker fee rate of an instrument (the venue's override, or the instrument's). */
  takerFeeRate(instrument: Instrument): number;
}

/** The price an order is reserved at (NaN when it cannot be priced). */
export function reservationPrice(request: OrderDraft, ctx: BuyingPowerContext): number {
  const buy = request.side === "buy";
  const last = ctx.lastPrice(request.symbol);
  const against = (price: number): number =>
    price * (buy ? 1 + ctx.slippageBps / 10_000 : 1 - ctx.slippageBps / 10_000);
  switch (request.type) {
    case "limit":
    case "stop-limit":
      return request.price?.toNumber() ?? Number.NaN;
    case "market":
      return against(last);
    case "stop-market": {
      const trigger = request.triggerPrice?.toNumber() ?? last;
      const worse = Number.isFinite(last)
        ? (buy ? Math.max(trigger, last) : Math.min(trigger, last))
        : trigger;
      return against(worse);
    }
    default: {
      const unknown: never = request.type;
      throw new TypeError(`Unknown order type ${unknown}`);
    }
  }
}

// An instrument's contract multiplier as a number, converted from its Decimal once per
// (immutable) instrument: the walk prices every working order on each order and amend.
const multipliers = new WeakMap<Instrument, number>();

function multiplierOf(instrument: Instrument): number {
  let multiplier = multipliers.get(instrument);
  if (multiplier === undefined) {
    multipliers.set(instrument, multiplier = instrument.multiplier.toNumber());
  }
  return multiplier;
}

interface Cost {
  readonly currency: string;
  readonly amount: number;
}

// What `quantity` of the order would cost at `price`: cash (quote for a spot buy, base for a
// spot sell) or initial margin plus the opening taker fee (perps, in the settle currency).
function costOf(
  instrument: Instrument,
  side: Side,
  quantity: number,
  price: number,
  ctx: BuyingPowerContext,
): Cost {
  const multiplier = multiplierOf(instrument);
  const fee = ctx.takerFeeRate(instrument);
  switch (instrument.kind) {
    case "spot":
      return side === "buy"
        ? { currency: instrument.quote, amount: quantity * multiplier * price * (1 + fee) }
        : { currency: instrument.base, amount: quantity * multiplier };
    case "linear":
    case "inverse": {
      const notional = instrument.kind === "inverse"
        ? (quantity * multiplier) / price
        : quantity * multiplier * price;
      const leverage = ctx.leverage(instrument.symbol);
      return { currency: instrument.settle, amount: notional / leverage + notional * fee };
    }
    default: {
      const unknown: never = instrument.kind;
      throw new TypeError(`Unknown instrument kind ${unknown}`);
    }
  }
}

interface SideTotals {
  quantity: number;
  cost: number;
}

interface PerpSides {
  readonly buy: SideTotals;
  readonly sell: SideTotals;
}

// The reservations in one currency, in one walk over the working orders: spot costs summed,
// perpetual orders by symbol and side.
interface Reservations {
  spot: number;
  readonly perps: Map<SymbolId, PerpSides>;
}

function collect(
  currency: string,
  working: Iterable<WorkingExposure>,
  ctx: BuyingPowerContext,
): Reservations {
  const totals: Reservations = { spot: 0, perps: new Map() };
  for (const { request, remaining } of working) add(totals, currency, request, remaining, ctx);
  return totals;
}

function add(
  totals: Reservations,
  currency: string,
  request: OrderDraft,
  remaining: number,
  ctx: BuyingPowerContext,
): void {
  if (request.reduceOnly || !(remaining > 0)) return;
  const instrument = ctx.instrument(request.symbol);
  if (instrument === undefined) return;
  const price = reservationPrice(request, ctx);
  if (!(price > 0)) return;
  const cost = costOf(instrument, request.side, remaining, price, ctx);
  if (cost.currency !== currency) return;
  if (instrument.kind === "spot") {
    totals.spot += cost.amount;
    return;
  }
  let sides = totals.perps.get(request.symbol);
  if (sides === undefined) {
    sides = { buy: { quantity: 0, cost: 0 }, sell: { quantity: 0, cost: 0 } };
    totals.perps.set(request.symbol, sides);
  }
  sides[request.side].quantity += remaining;
  sides[request.side].cost += cost.amount;
}

// The cost of the part of one side's orders that opens exposure once `closable` is closed.
function opening(side: SideTotals, closable: number): number {
  return side.quantity === 0
    ? 0
    : side.cost * Math.max(0, side.quantity - closable) / side.quantity;
}

// A perpetual's reservation: each side's orders first close the opposite position (free), and
// only the larger side counts.
function perpReserve(sides: PerpSides | undefined, position: number): number {
  if (sides === undefined) return 0;
  return Math.max(
    opening(sides.buy, position < 0 ? -position : 0),
    opening(sides.sell, position > 0 ? position : 0),
  );
}

function totalOf(totals: Reservations, ctx: BuyingPowerContext): number {
  let total = totals.spot;
  for (const [symbol, sides] of totals.perps) total += perpReserve(sides, ctx.position(symbol));
  return total;
}

/**
 * What the working orders reserve in `currency`. Spot orders reserve their whole cost. On a
 * perpetual, the orders of one side first close the opposite position (free), and only the
 * larger side counts: in a one-way position the buys and the sells cannot both add exposure.
 */
export function reserved(
  currency: string,
  working: Iterable<WorkingExposure>,
  ctx: BuyingPowerContext,
): number {
  return totalOf(collect(currency, working, ctx), ctx);
}

/** The currency an order's cost is paid in. */
function currencyOf(instrument: Instrument, side: Side): string {
  if (instrument.kind !== "spot") return instrument.settle;
  return side === "buy" ? instrument.quote : instrument.base;
}

const fmt = (value: number): string => value.toFixed(8).replace(/\.?0+$/, "");

/**
 * Refuses `request` when, with the reservations of the `working` orders (the request itself
 * not among them), the account cannot pay for it; reduce-only orders always pass. `quantity`
 * is the request's quantity as a number, when the caller has it converted already.
 */
export function checkBuyingPower(
  request: OrderDraft,
  working: Iterable<WorkingExposure>,
  ctx: BuyingPowerContext,
  quantity: number = request.quantity.toNumber(),
): Refusal | undefined {
  if (request.reduceOnly) return undefined;
  const instrument = ctx.instrument(request.symbol);
  if (instrument === undefined) return undefined;
  const price = reservationPrice(request, ctx);
  if (!(price > 0)) return undefined;
  const currency = currencyOf(instrument, request.side);
  const totals = collect(currency, working, ctx);
  const before = totalOf(totals, ctx);
  // Only the order's own symbol changes when it is added.
  const symbol = request.symbol;
  const position = ctx.position(symbol);
  const spotBefore = totals.spot;
  const perpBefore = perpReserve(totals.perps.get(symbol), position);
  add(totals, currency, request, quantity, ctx);
  const after = before + (totals.spot - spotBefore) +
    (perpReserve(totals.perps.get(symbol), position) - perpBefore);
  const needed = after - before;
  if (needed <= 0) return undefined;
  const free = ctx.free(currency);
  if (after <= free * (1 + 1e-12)) return undefined;
  const spot = instrument.kind === "spot";
  const what = spot ? `${request.side} needs` : "order needs";
  const kind = spot ? "" : " of initial margin and fee";
  const reservedText = before > 0 ? `, ${fmt(before)} reserved by working orders` : "";
  return {
    rule: spot ? "insufficient-balance" : "insufficient-margin",
    message: `${request.symbol}: ${what} ${fmt(needed)} ${currency}${kind} at ${
      fmt(price)
    }${reservedText}, ${fmt(Math.max(0, free))} ${spot ? "available" : "free"}`,
    symbol: request.symbol,
    limit: free,
    requested: needed,
    current: before,
  };
}
