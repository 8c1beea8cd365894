/**
 * Option and input checks shared by every indicator. Messages follow one style:
 * `Sma: option "period" must be a positive integer, got 2.5`.
 *
 * @module
 */

/** Returns `value` if it is an integer `>= min`, else throws a `RangeError` naming the option. */
export function requireInteger(owner: string, option: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    const what = min === 1 ? "a positive integer" : `an integer >= ${min}`;
    throw new RangeError(`${owner}: option "${option}" must be ${what}, got ${value}`);
  }
  return value;
}

/** Returns `value` if it is a finite number `>= 0`, else throws a `RangeError`. */
export function requireNonNegative(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `${owner}: option "${option}" must be a finite non-negative number, got ${value}`,
    );
  }
  return value;
}

/** Throws the `RangeError` for a non-finite input; kept out of line so `update` stays small. */
export function invalidInput(owner: string, what: string, value: unknown): never {
  throw new RangeError(`${owner}: ${what} must be a finite number, got ${String(value)}`);
}

/** Throws a `RangeError` unless `high`, `low` and `close` of `bar` are finite numbers. */
export function requireFiniteBar(
  owner: string,
  bar: { readonly high: number; readonly low: number; readonly close: number },
): void {
  if (!Number.isFinite(bar.high)) invalidInput(owner, "bar.high", bar.high);
  if (!Number.isFinite(bar.low)) invalidInput(owner, "bar.low", bar.low);
  if (!Number.isFinite(bar.close)) invalidInput(owner, "bar.close", bar.close);
}
