/**
 * Exact fast paths for parsing numbers straight from bytes, used by the CSV reader on every
 * cell. Each scanner accepts only a plain form it can parse exactly and returns `NaN` for
 * anything else, so the caller falls back to `Number()` (or its full parser) and behaviour
 * never differs from the slow path.
 *
 * @module
 */

// 10^0 … 10^22 are exactly representable doubles; beyond that a power of ten is rounded.
const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k < POW10.length; k++, p *= 10) POW10[k] = p;

const MAX_SIGNIFICANT = 15;
const MAX_FRACTION = 22;

/**
 * Parses `bytes[start, end)` as `[+-]digits[.digits]` (or `.digits`, `digits.`) and returns
 * the same double as `Number()` would, or `NaN` when the text is outside the fast form:
 * more than 15 significant digits, more than 22 fraction digits, an exponent, white space,
 * or anything else. The result is exact because the integer mantissa (< 10^15 < 2^53) and the
 * power of ten (≤ 10^22) are both exact doubles, so the one division is correctly rounded.
 * For example, the bytes of `-42.125` give -42.125.
 */
export function scanDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end) {
    const sign = bytes[i];
    if (sign === 45) {
      negative = true;
      i++;
    } else if (sign === 43) i++;
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = (bytes[i] as number) - 48;
    if (c >= 0 && c <= 9) {
      digits++;
      if (fraction >= 0) fraction++;
      if (significant > 0 || c !== 0) {
        if (++significant > MAX_SIGNIFICANT) return NaN;
        mantissa = mantissa * 10 + c;
      }
    } else if (c === -2 && fraction < 0) fraction = 0;
    else return NaN;
  }
  if (digits === 0) return NaN;
  let value = mantissa;
  if (fraction > 0) {
    if (fraction > MAX_FRACTION) return NaN;
    value = mantissa / (POW10[fraction] as number);
  }
  return negative ? -value : value;
}

/**
 * Parses `bytes[start, end)` as `-?digits` with at most 15 digits and returns its value, or
 * `NaN` for anything else (a sign `+`, a fraction, white space, more digits).
 * For example, the bytes of `1704067200000` give 1704067200000.
 */
export function scanInteger(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = i < end && bytes[i] === 45;
  if (negative) i++;
  if (i === end || end - i > MAX_SIGNIFICANT) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = (bytes[i] as number) - 48;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return negative ? -value : value;
}
