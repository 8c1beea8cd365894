/**
 * The order checks of the matching core: the instrument grid (through the library's one
 * validator), the venue's quantity cap, and the initial-margin check.
 *
 * @module
 */

import { type Decimal, validateOrder } from "./_lib.ts";
import type { SimPosition } from "./account.ts";
import type { Rejection } from "./exchange_types.ts";
import type { SimInstrument } from "./instruments.ts";
import type { SimOrderType, SimSide } from "./order.ts";

/** The parts of an order the grid check reads. */
export interface ShapeInput {
  /** Type. */
  readonly type: SimOrderType;
  /** Quantity. */
  readonly quantity: Decimal;
  /** Limit price. */
  readonly price?: Decimal;
  /** Trigger price. */
  readonly triggerPrice?: Decimal;
}

/** Checks the grid and limits; undefined when the order fits. */
export function checkShape(
  spec: SimInstrument,
  input: ShapeInput,
  referencePrice: Decimal,
): Rejection | undefined {
  if (input.type === "limit" && input.price === undefined) {
    return { ok: false, reason: "invalid-request", message: "a limit order needs a price" };
  }
  const violations = validateOrder(spec.instrument, {
    quantity: input.quantity,
    price: input.type === "limit" ? input.price : undefined,
    triggerPrice: input.triggerPrice,
  }, referencePrice);
  const first = violations[0];
  if (first !== undefined) {
    const reason = first.rule === "min-notional"
      ? "min-notional"
      : first.rule === "price" || first.rule === "tick"
      ? "price"
      : "quantity";
    return { ok: false, reason, message: first.message, rule: first.rule };
  }
  if (input.quantity.gt(spec.maxQuantity)) {
    return {
      ok: false,
      reason: "max-quantity",
      message: `quantity ${input.quantity} is above the maximum ${spec.maxQuantity}`,
    };
  }
  return undefined;
}

/** Inputs of {@linkcode checkMargin}. */
export interface MarginInput {
  /** The contract. */
  readonly spec: SimInstrument;
  /** Side of the new order. */
  readonly side: SimSide;
  /** Its quantity. */
  readonly quantity: Decimal;
  /** Its limit price, or the touch for market orders. */
  readonly price: Decimal;
  /** The account's position in the symbol. */
  readonly position: SimPosition;
  /** The account's available balance. */
  readonly available: Decimal;
}

/**
 * Refuses an order whose opening part (what does not close the current position) needs more
 * initial margin plus taker fee than is available.
 */
export function checkMargin(input: MarginInput): Rejection | undefined {
  const { position, quantity, price } = input;
  const closing = (input.side === "buy") === position.size.isNeg()
    ? (position.size.abs().lt(quantity) ? position.size.abs() : quantity)
    : quantity.minus(quantity);
  const opening = quantity.minus(closing);
  const required = opening.times(price).div(position.leverage)
    .plus(quantity.times(price).times(input.spec.instrument.takerFee));
  if (required.gt(input.available)) {
    return {
      ok: false,
      reason: "insufficient-margin",
      message: `the order needs ${required.toFixed(4)} ${input.spec.instrument.settle} of margin, ${
        input.available.toFixed(4)
      } is available`,
    };
  }
  return undefined;
}
