/**
 * When the venue liquidates: a position's liquidation price is the library's isolated-margin
 * formula (`lib/portfolio` liquidationPrice: entry, leverage, maintenance rate), rounded to the
 * tick on the safe side (up for longs, down for shorts). The mark price reaching it closes the
 * whole position at that price.
 *
 * @module
 */

import { type Decimal, liquidationPrice, roundToStep } from "./_lib.ts";
import type { SimPosition } from "./account.ts";
import type { SimInstrument } from "./instruments.ts";

/** The liquidation price of `position`, or undefined when flat or when no price liquidates it. */
export function positionLiquidationPrice(
  position: SimPosition,
  spec: SimInstrument,
): Decimal | undefined {
  if (position.size.isZero()) return undefined;
  const long = !position.size.isNeg();
  const price = liquidationPrice(
    "linear",
    long ? "long" : "short",
    position.entryPrice,
    position.leverage,
    spec.maintenanceRate,
  );
  return price === undefined
    ? undefined
    : roundToStep(price, spec.instrument.tickSize, long ? "ceil" : "floor");
}

/** The liquidation price of `position` if the `mark` has reached it. */
export function liquidationDue(
  position: SimPosition,
  spec: SimInstrument,
  mark: Decimal,
): Decimal | undefined {
  const price = positionLiquidationPrice(position, spec);
  if (price === undefined) return undefined;
  const reached = position.size.isNeg() ? mark.gte(price) : mark.lte(price);
  return reached ? price : undefined;
}
