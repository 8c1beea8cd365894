/**
 * The implementation behind {@linkcode Decimal}: decimal.js semantics (40 significant digits,
 * half-even, plain notation, signed zero) at integer speed for the numbers money and sizes are
 * made of. A value has one of three canonical forms:
 *
 * - small: `c / 10^s` with a safe-integer coefficient `c` (which may be −0) and a scale `s` of
 *   0–22, no trailing zero in `c` when `s` > 0 — float64 integer arithmetic;
 * - wide: the same with a BigInt coefficient `n` of at most 40 digits (a balance of 10^9 with
 *   eight decimals, say) — BigInt arithmetic;
 * - decimal.js, for everything else (more than 40 digits, ±Infinity, NaN).
 *
 * Why it is exact: a sum, difference or product of two small or wide values whose exact result
 * has at most 40 digits is what decimal.js returns too (it rounds only beyond 40 digits); one
 * with more digits, and a quotient, decimal.js rounds correctly to 40 digits half-even, and so
 * does the integer arithmetic here (see `rounded`): the same digits. What only decimal.js's
 * form holds (an integer beyond 40 digits, a scale beyond 80, ±Infinity, NaN), and `toFixed`
 * beyond its fast case, is computed by decimal.js and the result brought back to the smallest
 * form it fits. The signs of zero follow IEEE 754 as decimal.js does, which JavaScript's own
 * `+ − ×` on the small coefficients also do (a zero always has the small form).
 *
 * @module
 */

import { Decimal as DecimalJs } from "decimal.js";
import type { RoundingMode } from "./decimal.ts";

const Big = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  // Never exponent notation: money is printed plain however large or small.
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_SCALE = 22; // 10^22 is the largest power of ten a float64 holds exactly
const POW10: readonly number[] = Array.from({ length: MAX_SCALE + 1 }, (_, i) => 10 ** i);
const MAX_WIDE_SCALE = 80;
const WIDE_POW10: readonly bigint[] = Array.from(
  { length: MAX_WIDE_SCALE + 1 },
  (_, i) => 10n ** BigInt(i),
);
const WIDE_LIMIT = WIDE_POW10[40]; // a wide coefficient is below 10^40: at most 40 digits
// Half of each power of ten from 10^1 (the midpoint a rounding compares with).
const WIDE_HALF: readonly bigint[] = WIDE_POW10.map((unit) => unit / 2n);
const WIDE_MAX = BigInt(MAX);

/** decimal.js's rounding constant of each {@linkcode RoundingMode}. */
export const BIG_MODES: Readonly<Record<RoundingMode, DecimalJs.Rounding>> = {
  "floor": DecimalJs.ROUND_FLOOR,
  "ceil": DecimalJs.ROUND_CEIL,
  "down": DecimalJs.ROUND_DOWN,
  "up": DecimalJs.ROUND_UP,
  "half-even": DecimalJs.ROUND_HALF_EVEN,
  "half-up": DecimalJs.ROUND_HALF_UP,
};

/** One exact decimal; see the module comment for its three forms. */
export class Exact {
  /** Coefficient of the small form (NaN in the others). */
  readonly c: number;
  /** Scale of the small and wide forms: the value is `c / 10^s` or `n / 10^s`. */
  readonly s: number;
  /** Coefficient of the wide form. */
  readonly n: bigint | undefined;
  /** The decimal.js number of the third form. */
  readonly b: DecimalJs | undefined;

  constructor(c: number, s: number, n: bigint | undefined, b: DecimalJs | undefined) {
    this.c = c;
    this.s = s;
    this.n = n;
    this.b = b;
  }

  plus(other: unknown): Exact {
    const y = coerce(other);
    return add(this, y, false) ?? fromBig(toBig(this).plus(toBig(y)));
  }

  minus(other: unknown): Exact {
    const y = coerce(other);
    return add(this, y, true) ?? fromBig(toBig(this).minus(toBig(y)));
  }

  times(other: unknown): Exact {
    const y = coerce(other);
    if (this.n === undefined && y.n === undefined && this.b === undefined && y.b === undefined) {
      const product = this.c * y.c;
      const s = this.s + y.s;
      if (fits(product)) {
        if (s <= MAX_SCALE) return small(product, s);
        if (product === 0) return new Exact(product, 0, undefined, undefined);
      }
    }
    if (this.b === undefined && y.b === undefined) {
      // A zero is small; its sign is the product of the signs, as in decimal.js.
      if (this.c === 0 || y.c === 0) return zero(this.isNeg() !== y.isNeg());
      const product = rounded(wideOf(this) * wideOf(y), this.s + y.s, false);
      if (product !== undefined) return product;
    }
    return fromBig(toBig(this).times(toBig(y)));
  }

  div(other: unknown): Exact {
    const y = coerce(other);
    if (
      this.n === undefined && y.n === undefined && this.b === undefined && y.b === undefined &&
      this.c !== 0 && y.c !== 0
    ) {
      const quotient = exactQuotient(this.c, y.c, this.s - y.s);
      if (quotient !== undefined) return quotient;
    }
    if (this.b === undefined && y.b === undefined && this.c !== 0 && y.c !== 0) {
      const quotient = roundedQuotient(this, y);
      if (quotient !== undefined) return quotient;
    }
    return fromBig(toBig(this).div(toBig(y)));
  }

  neg(): Exact {
    if (this.b !== undefined) return fromBig(this.b.neg());
    return this.n === undefined
      ? new Exact(-this.c, this.s, undefined, undefined)
      : new Exact(Number.NaN, this.s, -this.n, undefined);
  }

  abs(): Exact {
    if (this.b !== undefined) return fromBig(this.b.abs());
    return this.isNeg() ? this.neg() : this;
  }

  cmp(other: unknown): number {
    const y = coerce(other);
    if (this.n === undefined && y.n === undefined && this.b === undefined && y.b === undefined) {
      const s = this.s >= y.s ? this.s : y.s;
      const a = align(this, s);
      const b = align(y, s);
      if (fits(a) && fits(b)) return a < b ? -1 : a > b ? 1 : 0;
    }
    if (this.b === undefined && y.b === undefined) {
      const s = this.s >= y.s ? this.s : y.s;
      const a = alignWide(this, s);
      const b = alignWide(y, s);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    return toBig(this).cmp(toBig(y));
  }

  eq(other: unknown): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: unknown): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: unknown): boolean {
    const order = this.cmp(other);
    return order <= 0;
  }

  gt(other: unknown): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: unknown): boolean {
    const order = this.cmp(other);
    return order >= 0;
  }

  isZero(): boolean {
    return this.c === 0 || (this.b !== undefined && this.b.isZero());
  }

  isNeg(): boolean {
    if (this.b !== undefined) return this.b.isNeg();
    return this.n === undefined ? this.c < 0 || Object.is(this.c, -0) : this.n < 0n;
  }

  isPos(): boolean {
    return this.b === undefined ? !this.isNeg() : this.b.isPos();
  }

  isInteger(): boolean {
    return this.b === undefined ? this.s === 0 : this.b.isInteger();
  }

  isFinite(): boolean {
    return this.b === undefined || this.b.isFinite();
  }

  decimalPlaces(): number {
    return this.b === undefined ? this.s : this.b.decimalPlaces();
  }

  toNumber(): number {
    // Both operands are exact float64s, so the quotient is the correctly rounded value, as
    // decimal.js's `Number(string)` is.
    if (this.b !== undefined) return this.b.toNumber();
    return this.n === undefined ? this.c / POW10[this.s] : wideToNumber(this.n, this.s);
  }

  toString(): string {
    if (this.b !== undefined) return this.b.toString();
    if (this.n !== undefined) {
      return this.n < 0n ? "-" + plain(-this.n, this.s) : plain(this.n, this.s);
    }
    return (this.c < 0 ? "-" : "") + plain(Math.abs(this.c), this.s);
  }

  toFixed(places?: number): string {
    if (
      this.b !== undefined || this.n !== undefined || places === undefined ||
      !Number.isInteger(places) || places < 0
    ) {
      return toBig(this).toFixed(places);
    }
    const sign = this.c < 0 ? "-" : "";
    if (places >= this.s) {
      const text = plain(Math.abs(this.c), this.s);
      const pad = places - this.s;
      if (pad === 0) return sign + text;
      return sign + text + (this.s === 0 ? "." : "") + "0".repeat(pad);
    }
    const rounded = roundInteger(Math.abs(this.c), this.s - places, "half-even");
    return sign + plain(rounded, places);
  }

  /** decimal.js's form for JSON and `valueOf`: like `toString`, but −0 is `"-0"`. */
  toJSON(): string {
    if (this.b !== undefined) return this.b.toJSON();
    if (this.n !== undefined) return this.toString();
    return (this.isNeg() ? "-" : "") + plain(Math.abs(this.c), this.s);
  }

  valueOf(): string {
    return this.toJSON();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return "Decimal";
  }
}

// `x + y` (or `x − y`) in the small or wide form, or undefined when decimal.js must do it.
function add(x: Exact, y: Exact, subtract: boolean): Exact | undefined {
  if (x.n === undefined && y.n === undefined && x.b === undefined && y.b === undefined) {
    const s = x.s >= y.s ? x.s : y.s;
    const a = align(x, s);
    const b = align(y, s);
    const result = subtract ? a - b : a + b;
    if (fits(a) && fits(b) && fits(result)) return small(result, s);
  }
  if (x.b !== undefined || y.b !== undefined) return undefined;
  const s = x.s >= y.s ? x.s : y.s;
  const a = alignWide(x, s);
  const b = alignWide(y, s);
  return rounded(subtract ? a - b : a + b, s, false);
}

// Whether an integer result is exact: every float64 up to MAX in magnitude is, and a true
// value beyond it never rounds back below 2^53.
function fits(value: number): boolean {
  return value <= MAX && value >= -MAX;
}

// A small `value`'s coefficient at scale `s` (≥ its own); beyond ±MAX when it does not fit.
function align(value: Exact, s: number): number {
  return s === value.s ? value.c : value.c * POW10[s - value.s];
}

// A small or wide value's coefficient as a BigInt.
function wideOf(value: Exact): bigint {
  return value.n ?? BigInt(value.c);
}

// A small or wide value's coefficient at scale `s` (≥ its own) as a BigInt.
function alignWide(value: Exact, s: number): bigint {
  const n = wideOf(value);
  return s === value.s ? n : n * WIDE_POW10[s - value.s];
}

// The small or wide canonical form of `n / 10^s` (n ≠ 0, or a zero that is +0), or undefined
// beyond 40 digits or the largest wide scale (decimal.js's result may be rounded there).
function wide(n: bigint, s: number): Exact | undefined {
  while (s > 0 && n % 10n === 0n) {
    n /= 10n;
    s--;
  }
  if (s <= MAX_SCALE && n <= WIDE_MAX && n >= -WIDE_MAX) {
    return new Exact(Number(n), s, undefined, undefined);
  }
  if (s > MAX_WIDE_SCALE || n >= WIDE_LIMIT || n <= -WIDE_LIMIT) return undefined;
  return new Exact(Number.NaN, s, n, undefined);
}

// decimal.js rounds every sum, difference, product and quotient correctly: the exact result,
// rounded half-even to 40 significant digits. Integer arithmetic gives the same digits: the
// exact sum or product is a BigInt; a quotient's first 41+ digits and whether its remainder is
// non-zero decide its rounding just as the exact value would.

// `n / 10^s` rounded to 40 significant digits half-even in the small or wide form, where
// `sticky` says the exact value lies strictly beyond `n` in magnitude (a quotient's non-zero
// remainder; then `n` has more than 40 digits); undefined where only decimal.js's own form
// holds the result (an integer beyond 40 digits, a scale beyond the largest wide one).
function rounded(n: bigint, s: number, sticky: boolean): Exact | undefined {
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  if (magnitude < WIDE_LIMIT) return wide(n, s);
  const drop = digitCount(magnitude, 40) - 40;
  if (s - drop < 0) return undefined;
  const unit = drop <= MAX_WIDE_SCALE ? WIDE_POW10[drop] : 10n ** BigInt(drop);
  let kept = magnitude / unit;
  const rest = magnitude % unit;
  const half = drop <= MAX_WIDE_SCALE ? WIDE_HALF[drop] : unit / 2n;
  if (rest > half || (rest === half && (sticky || (kept & 1n) === 1n))) kept += 1n;
  return wide(negative ? -kept : kept, s - drop);
}

// The float64 nearest `n / 10^s` (ties to even), as `Number` of its text gives, without the
// text: `n · 2^k / 10^s` as an integer of at least 64 bits, its last bit set when the division
// leaves a remainder (that bit lies below the one `Number` rounds at, so a value just above a
// tie still rounds up), converted by `Number` (correctly rounded) and scaled back by 2^-k
// (exact: a wide value lies far inside the float64 range). With d digits, |n| ≥ 10^(d−1) >
// 2^(3.32·(d−1)) and 10^s < 2^(3.33·s), so k = 64 + ⌈3.33·s⌉ − ⌊3.32·(d−1)⌋ leaves the quotient
// at least 2^64, and no larger than it needs to be (the division is the cost).
function wideToNumber(n: bigint, s: number): number {
  if (s === 0) return Number(n);
  const magnitude = n < 0n ? -n : n;
  const k = Math.max(0, 64 + Math.ceil(3.33 * s) - Math.floor(3.32 * (digitCount(magnitude) - 1)));
  const scaled = k === 0 ? magnitude : magnitude << BigInt(k);
  const unit = WIDE_POW10[s];
  let quotient = scaled / unit;
  if (quotient * unit !== scaled) quotient |= 1n;
  const value = Number(quotient) * 2 ** -k;
  return n < 0n ? -value : value;
}

// The number of digits of `magnitude` (≥ 10^atLeast, > 0): a binary search of the powers of ten,
// cheaper than printing it.
function digitCount(magnitude: bigint, atLeast = 0): number {
  if (magnitude >= WIDE_POW10[MAX_WIDE_SCALE]) return magnitude.toString().length;
  let low = atLeast; // 10^low ≤ magnitude
  let high = MAX_WIDE_SCALE; // magnitude < 10^high
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (magnitude < WIDE_POW10[middle]) high = middle;
    else low = middle;
  }
  return high;
}

// `x ÷ y` (small or wide, both non-zero) rounded as decimal.js rounds it, or undefined.
function roundedQuotient(x: Exact, y: Exact): Exact | undefined {
  const dividend = wideOf(x);
  const divisor = wideOf(y);
  const a = dividend < 0n ? -dividend : dividend;
  const b = divisor < 0n ? -divisor : divisor;
  // Enough zeros that the integer quotient has at least 41 digits: a·10^k ≥ 10^(digits(b) + 40)
  // and b < 10^digits(b).
  const k = Math.max(0, 41 + digitCount(b) - digitCount(a));
  const scaled = a * (k <= MAX_WIDE_SCALE ? WIDE_POW10[k] : 10n ** BigInt(k));
  const quotient = scaled / b;
  const exact = quotient * b === scaled;
  const negative = (dividend < 0n) !== (divisor < 0n);
  return rounded(negative ? -quotient : quotient, x.s - y.s + k, !exact);
}

function zero(negative: boolean): Exact {
  return new Exact(negative ? -0 : 0, 0, undefined, undefined);
}

// The canonical small form of `c / 10^s` (|c| ≤ MAX, s ≤ MAX_SCALE): no trailing zero.
function small(c: number, s: number): Exact {
  // `c % 10` on a coefficient beyond 2^31 is a floating-point remainder (a call); this test is
  // exact: `c / 10` is exact when 10 divides `c`, and a multiple of 10 is never `c` otherwise.
  while (s > 0) {
    const tenth = Math.trunc(c / 10);
    if (tenth * 10 !== c) break;
    c = tenth;
    s--;
  }
  return new Exact(c, s, undefined, undefined);
}

// `a / 10^sa ÷ b` when the quotient has a short exact decimal form, else undefined.
function exactQuotient(a: number, b: number, scale: number): Exact | undefined {
  let numerator = a;
  for (let k = 0; k <= MAX_SCALE; k++) {
    if (numerator % b === 0) {
      let c = numerator / b;
      let s = scale + k;
      if (s < 0) {
        if (-s > MAX_SCALE) return undefined;
        c *= POW10[-s];
        s = 0;
        if (c > MAX || c < -MAX) return undefined;
      }
      return s <= MAX_SCALE ? small(c, s) : undefined;
    }
    numerator *= 10;
    if (numerator > MAX || numerator < -MAX) return undefined;
  }
  return undefined;
}

/** `c / 10^shift` rounded to an integer (`c` ≥ 0 a safe integer, shift 1–22). */
export function roundInteger(c: number, shift: number, mode: RoundingMode): number {
  const unit = POW10[shift];
  const remainder = c % unit;
  const whole = (c - remainder) / unit;
  if (remainder === 0) return whole;
  switch (mode) {
    case "floor":
    case "down":
      return whole;
    case "ceil":
    case "up":
      return whole + 1;
    case "half-up":
      return 2 * remainder >= unit ? whole + 1 : whole;
    case "half-even":
      return 2 * remainder > unit || (2 * remainder === unit && whole % 2 === 1)
        ? whole + 1
        : whole;
  }
}

// Digits `c` (a non-negative integer) with a decimal point `s` places from the right.
function plain(c: number | bigint, s: number): string {
  const digits = String(c);
  if (s === 0) return digits;
  const padded = digits.length > s ? digits : "0".repeat(s - digits.length + 1) + digits;
  const point = padded.length - s;
  return padded.slice(0, point) + "." + padded.slice(point);
}

// The small or wide form of plain decimal text (sign, digits, at most one point), if it fits.
function parsePlain(text: string): Exact | undefined {
  let start = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    start = 1;
  }
  const point = text.indexOf(".", start);
  let digits = point < 0 ? text.slice(start) : text.slice(start, point) + text.slice(point + 1);
  let s = point < 0 ? 0 : text.length - point - 1;
  let end = digits.length;
  while (s > 0 && end > 0 && digits.charCodeAt(end - 1) === 48 /* 0 */) {
    end--;
    s--;
  }
  digits = digits.slice(0, end);
  if (s <= MAX_SCALE && digits.length <= 15) {
    const magnitude = digits.length === 0 ? 0 : Number(digits);
    if (magnitude === 0) return zero(negative);
    return new Exact(negative ? -magnitude : magnitude, s, undefined, undefined);
  }
  const n = BigInt(digits);
  // A zero with many digits ("0.000…") is a signed zero, as decimal.js reads it.
  if (n === 0n) return zero(negative);
  return wide(negative ? -n : n, s);
}

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** A decimal.js number in its canonical form here. */
export function fromBig(value: DecimalJs): Exact {
  if (value.isFinite()) {
    const parsed = parsePlain(value.toJSON());
    if (parsed !== undefined) return parsed;
  }
  return new Exact(Number.NaN, 0, undefined, value);
}

/** `value` as a decimal.js number of the 40-digit configuration. */
export function toBig(value: Exact): DecimalJs {
  return value.b ?? new Big(value.toJSON());
}

/**
 * The exact value of decimal text as decimal.js reads it (signs, a point, an exponent), or of
 * a finite number through its shortest round-trip string (so −0 becomes 0).
 */
export function exactOf(value: string | number): Exact {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) {
      return new Exact(value === 0 ? 0 : value, 0, undefined, undefined);
    }
    const text = String(value);
    return (text.includes("e") ? undefined : parsePlain(text)) ?? fromBig(new Big(text));
  }
  return (PLAIN.test(value) ? parsePlain(value) : undefined) ?? fromBig(new Big(value));
}

// An operand as decimal.js takes it: numbers keep the sign of −0 and may be NaN or ±Infinity;
// text is read as decimal.js reads it (and refused as it refuses it); other Decimals by text.
function coerce(value: unknown): Exact {
  if (value instanceof Exact) return value;
  if (typeof value === "number") {
    if (Object.is(value, -0)) return zero(true);
    return Number.isFinite(value)
      ? exactOf(value)
      : new Exact(Number.NaN, 0, undefined, new Big(value));
  }
  if (typeof value === "string") return exactOf(value);
  return fromBig(new Big(String(value)));
}

/**
 * `value / step` rounded to an integer in `mode`, times `step` (both exact, `step` > 0).
 */
export function roundToMultiple(value: Exact, step: Exact, mode: RoundingMode): Exact {
  const ratio = value.div(step);
  if (ratio.n === undefined && ratio.b === undefined && ratio.c > 0) {
    const whole = ratio.s === 0 ? ratio.c : roundInteger(ratio.c, ratio.s, mode);
    return new Exact(whole, 0, undefined, undefined).times(step);
  }
  return fromBig(toBig(ratio).toDecimalPlaces(0, BIG_MODES[mode]).times(toBig(step)));
}
