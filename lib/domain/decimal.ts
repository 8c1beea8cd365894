/**
 * Exact decimal arithmetic for money and sizes on the order, fill and accounting path, with
 * decimal.js's semantics (40 significant digits, half-even, in a private configuration so a
 * library user's global Decimal configuration is never touched). The numbers themselves are
 * `_exact.ts`'s: integer arithmetic where it is provably exact, decimal.js for the rest, so an
 * order round trip does not pay decimal.js's cost for every sum. This module exposes the
 * documented {@linkcode Decimal} interface rather than either implementation's type.
 *
 * @module
 */

import { Exact, exactOf, roundToMultiple } from "./_exact.ts";

/** What arithmetic accepts: a Decimal, a decimal string, or a finite number. */
export type DecimalValue = Decimal | string | number;

/** An immutable exact decimal number. */
export interface Decimal {
  /** `this + other`. */
  plus(other: DecimalValue): Decimal;
  /** `this − other`. */
  minus(other: DecimalValue): Decimal;
  /** `this × other`. */
  times(other: DecimalValue): Decimal;
  /** `this ÷ other`, to 40 significant digits. */
  div(other: DecimalValue): Decimal;
  /** `−this`. */
  neg(): Decimal;
  /** `|this|`. */
  abs(): Decimal;
  /** −1, 0 or 1 as `this` is less than, equal to or greater than `other`. */
  cmp(other: DecimalValue): number;
  /** `this == other`. */
  eq(other: DecimalValue): boolean;
  /** `this < other`. */
  lt(other: DecimalValue): boolean;
  /** `this ≤ other`. */
  lte(other: DecimalValue): boolean;
  /** `this > other`. */
  gt(other: DecimalValue): boolean;
  /** `this ≥ other`. */
  gte(other: DecimalValue): boolean;
  /** Whether the value is zero. */
  isZero(): boolean;
  /** Whether the value is below zero. */
  isNeg(): boolean;
  /** Whether the value is above zero (or +0). */
  isPos(): boolean;
  /** Whether the value has no fractional part. */
  isInteger(): boolean;
  /** Whether the value is finite (never NaN or ±Infinity when made by {@linkcode decimal}). */
  isFinite(): boolean;
  /** Number of decimal places. */
  decimalPlaces(): number;
  /** The nearest float64. */
  toNumber(): number;
  /** Plain decimal notation, e.g. `"0.001"`. */
  toString(): string;
  /** Plain decimal notation with exactly `places` decimals (half-even). */
  toFixed(places?: number): string;
  /** The same as toString, for JSON.stringify. */
  toJSON(): string;
}

/** How to round onto a grid of steps (tick or lot). */
export type RoundingMode = "floor" | "ceil" | "down" | "up" | "half-even" | "half-up";

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

// Exact implements every method of `Decimal` (taking any operand decimal.js would); this is
// the one place the two types meet.
function wrap(value: Exact): Decimal {
  return value as unknown as Decimal;
}

function unwrap(value: Decimal): Exact {
  return value instanceof Exact ? value : exactOf(value.toString());
}

/**
 * Makes an exact decimal. Numbers go through their shortest round-trip string, so
 * `decimal(0.1)` is exactly 0.1.
 *
 * @example
 * ```ts
 * import { decimal } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * assert.equal(decimal("0.1").plus(0.2).toString(), "0.3");
 * ```
 * @throws {RangeError} for NaN, ±Infinity or text that is not a decimal number.
 */
export function decimal(value: DecimalValue): Decimal {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError(`Cannot make a decimal from ${value}: it must be a finite number`);
    }
    return wrap(exactOf(value));
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (!DECIMAL_TEXT.test(text)) {
      throw new RangeError(`Cannot make a decimal from "${value}": it is not a decimal number`);
    }
    return wrap(exactOf(text));
  }
  return wrap(unwrap(value));
}

/** Whether `value` is a Decimal made by this module. */
export function isDecimal(value: unknown): value is Decimal {
  return value instanceof Exact;
}

/**
 * `value > 0` by sign, without decimal.js's comparison, which turns its argument (the 0) into a
 * new Decimal on every call; non-finite values (never made by {@linkcode decimal}) take the
 * comparison.
 */
export function isPositive(value: Decimal): boolean {
  return value.isFinite() ? value.isPos() && !value.isZero() : value.gt(0);
}

/**
 * `value × factor`, returning `value` itself when `factor` is exactly 1 (a unit multiplier,
 * the reporting currency's own rate) and `value` has a short exact form (then the product is
 * `value`).
 */
export function multiply(value: Decimal, factor: Decimal): Decimal {
  const f = unwrap(factor);
  if (f.b === undefined && f.c === 1 && f.s === 0 && unwrap(value).b === undefined) return value;
  return value.times(factor);
}

/** Exact zero. */
export const ZERO: Decimal = wrap(exactOf(0));
/** Exact one. */
export const ONE: Decimal = wrap(exactOf(1));

/**
 * Rounds `value` to a whole multiple of `step` (a tick or lot size).
 *
 * @throws {RangeError} when the step is not positive.
 */
export function roundToStep(value: Decimal, step: Decimal, mode: RoundingMode): Decimal {
  if (!isPositive(step)) throw new RangeError(`Rounding step must be positive, got ${step}`);
  return wrap(roundToMultiple(unwrap(value), unwrap(step), mode));
}

/** Whether `value` is a whole multiple of `step`. */
export function isMultipleOfStep(value: Decimal, step: Decimal): boolean {
  return value.div(step).isInteger();
}

/** The smaller of two decimals. */
export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** The larger of two decimals. */
export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

/** Sums decimals exactly. */
export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
