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
  type Instrument,
  type Liquidity,
  notional,
  ONE,
  type OrderRequest,
  roundPrice,
  validateOrder,
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
  const reference = type === "market" ? decimal(open) : request.triggerPrice;
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
