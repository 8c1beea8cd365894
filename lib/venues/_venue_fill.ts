/**
 * The exact side of candle-mode matching: fill prices (slippage, tick rounding), fees, and the
 * checks an order meets when it reaches the venue. Called only when something is submitted or
 * fills, so Decimal allocation here is off the hot path.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Fill,
  type Instrument,
  type Liquidity,
  type Micros,
  minDecimal,
  notional,
  ONE,
  type Order,
  type OrderRequest,
  roundPrice,
  type SymbolId,
  validateOrder,
  ZERO,
} from "../domain/mod.ts";

const BPS = decimal(10_000);

/**
 * The exact fill price: `basis`, moved by `slippageBps` against the order when `slips`
 * (buys up, sells down), then rounded onto the tick grid (buys up, sells down).
 */
export function fillPrice(
  instrument: Instrument,
  buy: boolean,
  basis: Decimal,
  slippageBps: number,
  slips: boolean,
): Decimal {
  let price = basis;
  if (slips && slippageBps !== 0) {
    const move = decimal(slippageBps).div(BPS);
    price = price.times(buy ? ONE.plus(move) : ONE.minus(move));
  }
  return roundPrice(instrument, price, buy ? "ceil" : "floor");
}

/** Fee rates after the venue-wide overrides. */
export interface FeeRates {
  /** Overrides every instrument's maker rate. */
  readonly maker: Decimal | undefined;
  /** Overrides every instrument's taker rate. */
  readonly taker: Decimal | undefined;
}

/**
 * The exact fee of a fill and its currency: notional × rate, where notional is
 * `price × qty × multiplier` (spot/linear, settle currency) or `qty × multiplier / price`
 * (inverse, base currency). A negative rate gives a negative fee (a rebate). Nothing is rounded.
 */
export function fillFee(
  instrument: Instrument,
  price: Decimal,
  quantity: Decimal,
  liquidity: Liquidity,
  rates: FeeRates,
): { readonly fee: Decimal; readonly currency: string } {
  const rate = liquidity === "maker"
    ? rates.maker ?? instrument.makerFee
    : rates.taker ?? instrument.takerFee;
  const currency = instrument.kind === "inverse" ? instrument.base : instrument.settle;
  return { fee: notional(instrument, price, quantity).times(rate), currency };
}

// Float copies of each instrument's minimum notional and multiplier, and the decimals of its
// tick when the tick is a power of ten (else -1); instruments are immutable.
interface InstrumentFloats {
  readonly minimum: number;
  readonly multiplier: number;
  readonly tickPlaces: number;
}
const floatsOf = new WeakMap<Instrument, InstrumentFloats>();

function floatsFor(instrument: Instrument): InstrumentFloats {
  let floats = floatsOf.get(instrument);
  if (floats === undefined) {
    const tick = instrument.tickSize.toString();
    floats = {
      minimum: instrument.minNotional.toNumber(),
      multiplier: instrument.multiplier.toNumber(),
      tickPlaces: /^(?:1|0\.0*1)$/.test(tick) ? Math.max(0, tick.length - 2) : -1,
    };
    floatsOf.set(instrument, floats);
  }
  return floats;
}

/**
 * {@linkcode fillPrice} of a float basis (the bar's open, a path estimate). A float whose
 * shortest decimal form has no more decimals than a power-of-ten tick is on the grid already,
 * so rounding it changes nothing and is skipped (the usual case: prices come on the tick).
 */
export function fillPriceOf(
  instrument: Instrument,
  buy: boolean,
  estimate: number,
  slippageBps: number,
  slips: boolean,
): Decimal {
  const basis = decimal(estimate);
  if (!slips || slippageBps === 0) {
    const places = floatsFor(instrument).tickPlaces;
    const text = String(estimate);
    const dot = text.indexOf(".");
    if (places >= 0 && !text.includes("e") && (dot < 0 || text.length - dot - 1 <= places)) {
      return basis;
    }
  }
  return fillPrice(instrument, buy, basis, slippageBps, slips);
}

// The arrival open as the exact reference of a market order's minimum-notional check, but only
// where that check could fail: clearly above the minimum (by far more than a float's rounding)
// the order passes either way, and the Decimal is not made; with no minimum it is never needed.
function marketReference(
  instrument: Instrument,
  quantity: Decimal,
  open: number,
): Decimal | undefined {
  if (instrument.minNotional.isZero()) return undefined;
  const floats = floatsFor(instrument);
  const units = quantity.toNumber() * floats.multiplier;
  const approx = instrument.kind === "inverse" ? units / open : units * open;
  return approx > floats.minimum * (1 + 1e-9) ? undefined : decimal(open);
}

/**
 * Why the venue refuses a request on arrival, or undefined when it accepts it: missing prices
 * for the type, post-only on anything but a limit, and the instrument grid (lot, tick, minimum
 * quantity and notional; market orders are valued at the arrival open).
 */
export function arrivalRejection(
  instrument: Instrument,
  request: OrderRequest,
  open: number,
): string | undefined {
  const { type } = request;
  const needsPrice = type === "limit" || type === "stop-limit";
  const needsTrigger = type === "stop-market" || type === "stop-limit";
  if (needsPrice && request.price === undefined) return `${type} order needs a price`;
  if (needsTrigger && request.triggerPrice === undefined) {
    return `${type} order needs a trigger price`;
  }
  if (request.timeInForce === "post-only" && type !== "limit") {
    return `post-only needs a limit order, got ${type}`;
  }
  const reference = type === "market"
    ? marketReference(instrument, request.quantity, open)
    : request.triggerPrice;
  const violations = validateOrder(
    instrument,
    {
      quantity: request.quantity,
      price: needsPrice ? request.price : undefined,
      triggerPrice: needsTrigger ? request.triggerPrice : undefined,
    },
    reference,
  );
  if (violations.length > 0) return violations.map((v) => v.message).join("; ");
  return undefined;
}

/** A new order in `pending-new`, as the venue first records it. */
export function pendingOrder(id: string, request: OrderRequest, ts: Micros): Order {
  return {
    id,
    request,
    status: "pending-new",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: ts,
    updatedTs: ts,
  };
}

/** A reduce-only market order that closes the whole signed `position`. */
export function closingRequest(
  clientOrderId: string,
  symbol: SymbolId,
  position: Decimal,
): OrderRequest {
  return {
    clientOrderId,
    symbol,
    side: position.isNeg() ? "buy" : "sell",
    type: "market",
    quantity: position.abs(),
    timeInForce: "ioc",
    reduceOnly: true,
  };
}

/** How much of an order fills now: a quantity (with the capped request), or why not. */
export type FillSizing =
  | {
    readonly kind: "fill";
    readonly quantity: Decimal;
    readonly capped: OrderRequest | undefined;
  }
  | { readonly kind: "cancel" }
  | { readonly kind: "expire" }
  | { readonly kind: "wait" };

/**
 * Sizes a fill: reduce-only orders are capped at the position in the closing direction (the
 * request's quantity shrinks to what was filled plus that; nothing to close → cancel), then
 * the bar's remaining volume `budget` caps it (a FOK that does not fit expires; an empty
 * budget waits for the next bar).
 */
export function sizeFill(
  request: OrderRequest,
  filled: Decimal,
  remaining: Decimal,
  position: Decimal | undefined,
  budget: Decimal | undefined,
): FillSizing {
  let quantity = remaining;
  let capped: OrderRequest | undefined;
  if (position !== undefined) {
    const buy = request.side === "buy";
    const closable = buy
      ? (position.isNeg() ? position.neg() : ZERO)
      : (position.gt(0) ? position : ZERO);
    if (closable.isZero()) return { kind: "cancel" };
    if (closable.lt(quantity)) {
      quantity = closable;
      capped = { ...request, quantity: filled.plus(closable) };
    }
  }
  if (budget !== undefined) {
    if (budget.lt(quantity) && request.timeInForce === "fok") return { kind: "expire" };
    quantity = minDecimal(quantity, budget);
    if (quantity.isZero()) return { kind: "wait" };
  }
  return { kind: "fill", quantity, capped };
}

/** The fill record of one execution, with its exact fee. */
export function makeFill(
  order: Order,
  instrument: Instrument,
  price: Decimal,
  quantity: Decimal,
  liquidity: Liquidity,
  rates: FeeRates,
  tradeId: string,
): Fill {
  const { fee, currency } = fillFee(instrument, price, quantity, liquidity, rates);
  return {
    orderId: order.id,
    clientOrderId: order.request.clientOrderId,
    symbol: order.request.symbol,
    side: order.request.side,
    price,
    quantity,
    fee,
    feeCurrency: currency,
    liquidity,
    tradeId,
  };
}
