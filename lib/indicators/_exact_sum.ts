/**
 * Error-free float64 arithmetic for running window sums that never drift.
 *
 * A window sum updated by "add the new value, subtract the evicted one" accumulates one rounding
 * error per update; over millions of updates that error random-walks away from the true sum, and
 * variance formulas (`n·Σx² − (Σx)²`) amplify it by `mean² / variance` (≈ 10⁸ for a BTC price
 * window). Here every sum is kept as an unevaluated pair `hi + lo` (a "double-double"): Knuth's
 * TwoSum and Dekker's TwoProduct recover the exact rounding error of each `+` and `×`, so the pair
 * carries about 106 bits and the residual error per update is ~2⁻¹⁰⁶ of the sum. Strictly O(1):
 * no periodic re-summation of the window is needed.
 *
 * References: D. E. Knuth, TAOCP vol. 2 §4.2.2 (TwoSum); T. J. Dekker, "A floating-point
 * technique for extending the available precision", Numer. Math. 18 (1971) (TwoProduct);
 * A. Neumaier, ZAMM 54 (1974) (compensated summation).
 *
 * @module
 */

/** 2²⁷ + 1: Veltkamp's constant that splits a float64 into two 26-bit halves. */
const SPLITTER = 134217729;

/** The exact error of the rounded sum `s = fl(a + b)`, i.e. `(a + b) − s`. */
export function sumError(a: number, b: number, s: number): number {
  const bVirtual = s - a;
  return (a - (s - bVirtual)) + (b - bVirtual);
}

/** The exact error of the rounded product `p = fl(a × b)`, i.e. `a × b − p` (no overflow). */
export function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  return ((aHigh * bHigh - p) + aHigh * bLow + aLow * bHigh) + aLow * bLow;
}

/** A running sum held as `hi + lo` with `|lo| <= ulp(hi) / 2` after each `normalize`. */
export class ExactSum {
  /** Leading part of the sum. */
  hi = 0;
  /** Trailing part: the rounding errors of `hi` so far. */
  lo = 0;

  /** Adds `x` exactly (the error goes to `lo`). */
  add(x: number): void {
    const s = this.hi + x;
    this.lo += sumError(this.hi, x, s);
    this.hi = s;
  }

  /** Adds the exact product `a × b`. */
  addProduct(a: number, b: number): void {
    const p = a * b;
    const s = this.hi + p;
    this.lo += sumError(this.hi, p, s) + productError(a, b, p);
    this.hi = s;
  }

  /** Subtracts the exact product `a × b`. */
  subtractProduct(a: number, b: number): void {
    const p = a * b;
    const s = this.hi - p;
    this.lo += sumError(this.hi, -p, s) - productError(a, b, p);
    this.hi = s;
  }

  /** Subtracts another exact sum. */
  subtractSum(other: ExactSum): void {
    const s = this.hi - other.hi;
    this.lo += sumError(this.hi, -other.hi, s) - other.lo;
    this.hi = s;
  }

  /** Folds `lo` back into `hi` so `lo` stays below one ulp and its own rounding stays ~2⁻¹⁰⁶. */
  normalize(): void {
    const s = this.hi + this.lo;
    this.lo = sumError(this.hi, this.lo, s);
    this.hi = s;
  }

  /** The sum rounded to the nearest float64. */
  get value(): number {
    return this.hi + this.lo;
  }

  /** Resets to zero. */
  clear(): void {
    this.hi = 0;
    this.lo = 0;
  }
}

/**
 * `n·Σab − Σa·Σb` from exact sums, computed without cancellation: the leading products are
 * split exactly so the large, nearly equal terms cancel exactly (Sterbenz) and only the small
 * remainder is rounded. For `a = b` this is `n²·variance`; for `a ≠ b`, `n²·covariance`.
 */
export function centredCrossSum(n: number, ab: ExactSum, a: ExactSum, b: ExactSum): number {
  const p = n * ab.hi;
  const pError = productError(n, ab.hi, p);
  const q = a.hi * b.hi;
  const qError = productError(a.hi, b.hi, q);
  const tail = pError - qError + n * ab.lo - (a.hi * b.lo + a.lo * b.hi + a.lo * b.lo);
  return (p - q) + tail;
}

/**
 * The largest `n·Σx² − (Σx)²` that is still rounding noise of the double-double sums (about
 * 2⁻⁹⁶ of `n·Σx²`, i.e. a spread of a few ulps of the data): below it a window is constant, and
 * variance must be exactly 0 rather than a tiny positive residue divided into a z-score.
 */
export function roundingFloor(period: number, sumOfSquares: number): number {
  return Math.abs(sumOfSquares) * period * 1.2621774483536189e-29; // 2^-96
}
