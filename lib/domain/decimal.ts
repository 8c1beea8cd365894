/**
 * Exact decimal arithmetic for money and sizes on the order, fill and accounting path.
 * This is the one module that wraps decimal.js: it uses a private clone (40 significant
 * digits, half-even) so a library user's global Decimal configuration is never touched,
 * and it exposes the documented {@linkcode Decimal} interface rather than the npm type.
 *
 * @module
 */

import { Decimal as DecimalJs } from "decimal.js";

const Exact = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  // Never exponent notation: money is printed plain however large or small.
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

/** What arithmetic accepts: a Decimal, a decimal string, or a finite number. */
export type DecimalValue = Decimal | string | number;

/** An immutable exact decimal number (a decimal.js instance of the project's clone). */
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

const MODES: Readonly<Record<RoundingMode, DecimalJs.Rounding>> = {
  "floor": DecimalJs.ROUND_FLOOR,
  "ceil": DecimalJs.ROUND_CEIL,
  "down": DecimalJs.ROUND_DOWN,
  "up": DecimalJs.ROUND_UP,
  "half-even": DecimalJs.ROUND_HALF_EVEN,
  "half-up": DecimalJs.ROUND_HALF_UP,
};

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

// decimal.js instances implement every method of `Decimal`, but TypeScript cannot relate the
// npm class's parameter type to ours; this is the one place the two types meet.
function wrap(value: DecimalJs): Decimal {
  return value as unknown as Decimal;
}

// decimal.js clones share one prototype (so `instanceof` accepts any clone's numbers); each
// instance records its constructor, which tells ours apart from a number made with another
// configuration (whose arithmetic would run at that configuration's precision).
function isExact(value: unknown): value is DecimalJs {
  return value instanceof Exact &&
    (value as { readonly constructor: unknown }).constructor === Exact;
}

function unwrap(value: Decimal): DecimalJs {
  if (isExact(value)) return value;
  return new Exact(value.toString());
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
    return wrap(new Exact(String(value)));
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (!DECIMAL_TEXT.test(text)) {
      throw new RangeError(`Cannot make a decimal from "${value}": it is not a decimal number`);
    }
    return wrap(new Exact(text));
  }
  return isExact(value) ? value : wrap(new Exact(value.toString()));
}

/** Whether `value` is a Decimal made by this module. */
export function isDecimal(value: unknown): value is Decimal {
  return isExact(value);
}

/**
 * `value > 0` by sign, without decimal.js's comparison, which turns its argument (the 0) into a
 * new Decimal on every call; non-finite values (never made by {@linkcode decimal}) take the
 * comparison.
 */
export function isPositive(value: Decimal): boolean {
  return value.isFinite() ? value.isPos() && !value.isZero() : value.gt(0);
}

// Whether `value` is exactly 1 (decimal.js keeps one canonical form: digits [1], exponent 0).
function isOne(value: DecimalJs): boolean {
  const digits = value.d;
  return value.s === 1 && value.e === 0 && digits !== null && digits.length === 1 &&
    digits[0] === 1;
}

/**
 * `value × factor`, without the multiplication when `factor` is exactly 1 (a unit multiplier,
 * the reporting currency's own rate) and `value` has at most 35 digits (five of decimal.js's
 * 7-digit words): the product, rounded to 40 digits, is then `value` itself.
 */
export function multiply(value: Decimal, factor: Decimal): Decimal {
  const exact = unwrap(value);
  if (isOne(unwrap(factor)) && exact.d !== null && exact.d.length <= 5) return value;
  return value.times(factor);
}

/** Exact zero. */
export const ZERO: Decimal = wrap(new Exact(0));
/** Exact one. */
export const ONE: Decimal = wrap(new Exact(1));

/**
 * Rounds `value` to a whole multiple of `step` (a tick or lot size).
 *
 * @throws {RangeError} when the step is not positive.
 */
export function roundToStep(value: Decimal, step: Decimal, mode: RoundingMode): Decimal {
  if (!isPositive(step)) throw new RangeError(`Rounding step must be positive, got ${step}`);
  return wrap(unwrap(value.div(step)).toDecimalPlaces(0, MODES[mode]).times(unwrap(step)));
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
