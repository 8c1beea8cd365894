/**
 * Sizers turn a signal into a quantity (base units or contracts), before rounding to the lot.
 *
 * @module
 */

import type { Instrument, Signal } from "../domain/mod.ts";

/** What a sizer may look at. */
export interface SizingInput {
  /** The signal being sized. */
  readonly signal: Signal;
  /** Its instrument. */
  readonly instrument: Instrument;
  /** Reference price (last close or mark). */
  readonly price: number;
  /** Current account equity, in the instrument's settle currency. */
  readonly equity: number;
  /** Latest volatility estimate of the symbol in price units (ATR), when one is tracked. */
  readonly volatility: number | undefined;
}

/** Decides order quantities. */
export interface Sizer {
  /** Short description for reports, e.g. `fixed 0.01`. */
  readonly description: string;
  /** The quantity to trade (≥ 0; rounded down to the lot by the caller). */
  size(input: SizingInput): number;
}

function unitValue(input: SizingInput): number {
  // Settle-currency value of one unit of quantity at `price`.
  const multiplier = input.instrument.multiplier.toNumber();
  return input.instrument.kind === "inverse" ? multiplier / input.price : multiplier * input.price;
}

/** Always the same quantity. */
export function fixedQuantity(quantity: number): Sizer {
  if (!(quantity > 0) || !Number.isFinite(quantity)) {
    throw new RangeError(`Fixed sizer: quantity must be a positive number, got ${quantity}`);
  }
  return { description: `fixed ${quantity}`, size: () => quantity };
}

/** A fraction of equity as notional: `fraction × equity / (price × multiplier)`. */
export function percentOfEquity(fraction: number): Sizer {
  if (!(fraction > 0) || !Number.isFinite(fraction)) {
    throw new RangeError(`Percent-of-equity sizer: fraction must be positive, got ${fraction}`);
  }
  return {
    description: `${fraction * 100}% of equity`,
    size: (input) => (fraction * input.equity) / unitValue(input),
  };
}

/**
 * Risks `riskFraction` of equity per trade against a stop `atrMultiple` ATRs away:
 * `quantity = riskFraction × equity / (atrMultiple × ATR × unit value per price unit)`.
 * Before the ATR is warm it sizes to zero (the order is then rejected as too small), so no
 * trade is taken on a volatility guess.
 */
export function riskAdjusted(riskFraction: number, atrMultiple = 2): Sizer {
  if (!(riskFraction > 0) || riskFraction > 1) {
    throw new RangeError(
      `Risk-adjusted sizer: risk fraction must be in (0, 1], got ${riskFraction}`,
    );
  }
  if (!(atrMultiple > 0)) {
    throw new RangeError(`Risk-adjusted sizer: ATR multiple must be positive, got ${atrMultiple}`);
  }
  return {
    description: `risk ${riskFraction * 100}% of equity per ${atrMultiple} ATR`,
    size: (input) => {
      if (input.volatility === undefined || !(input.volatility > 0)) return 0;
      const stopDistance = atrMultiple * input.volatility;
      // Loss per unit when price moves by stopDistance, in the settle currency.
      const multiplier = input.instrument.multiplier.toNumber();
      const lossPerUnit = input.instrument.kind === "inverse"
        ? multiplier * (1 / (input.price - stopDistance) - 1 / input.price)
        : multiplier * stopDistance;
      return lossPerUnit > 0 ? (riskFraction * input.equity) / lossPerUnit : 0;
    },
  };
}
