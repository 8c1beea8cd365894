import { Ema } from "./ema.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Macd}; the defaults are Appel's 12/26/9. */
export interface MacdOptions {
  /** Period of the fast EMA (default 12); must be below `slowPeriod`. */
  readonly fastPeriod?: number;
  /** Period of the slow EMA (default 26). */
  readonly slowPeriod?: number;
  /** Period of the signal EMA of the MACD line (default 9). */
  readonly signalPeriod?: number;
}

/** One output of {@linkcode Macd}. The object is reused: the next `update` overwrites it. */
export interface MacdValue {
  /** Fast EMA − slow EMA. */
  readonly macd: number;
  /** EMA of the MACD line over `signalPeriod`. */
  readonly signal: number;
  /** `macd − signal`. */
  readonly histogram: number;
}

/**
 * Moving average convergence/divergence (Appel), aligned exactly like TA-Lib's `MACD`.
 *
 * TA-Lib seeds both EMAs so that their first values fall on the same bar: the slow EMA is
 * seeded with the mean of prices `0 … slow−1`, and the fast EMA ignores the first
 * `slow − fast` prices and is seeded with the mean of prices `slow−fast … slow−1`. The signal
 * EMA is seeded with the mean of the first `signalPeriod` MACD values. Hence the first output
 * arrives with price number `slow + signal − 1` (warm-up `slow − 1 + signal − 1` updates), and
 * all three fields appear together.
 *
 * The returned {@linkcode MacdValue} is one object reused by every update (no allocation per
 * update); copy it (`{ ...value }`) to keep a snapshot.
 *
 * @example
 * ```ts
 * import { Macd } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const macd = new Macd({ fastPeriod: 2, slowPeriod: 3, signalPeriod: 2 });
 * const outputs = [1, 2, 3, 5].map((x) => macd.update(x) !== undefined);
 * assert.deepEqual(outputs, [false, false, false, true]); // warm-up 3 − 1 + 2 − 1 = 3
 * ```
 */
export class Macd implements Indicator<number, MacdValue> {
  readonly #skipFast: number;
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  readonly #result = { macd: 0, signal: 0, histogram: 0 };
  #count = 0;
  #ready = false;

  /** Creates a MACD; throws a `RangeError` for a bad period or `fastPeriod >= slowPeriod`. */
  constructor(options: MacdOptions = {}) {
    const fast = requireInteger("Macd", "fastPeriod", options.fastPeriod ?? 12);
    const slow = requireInteger("Macd", "slowPeriod", options.slowPeriod ?? 26);
    const signal = requireInteger("Macd", "signalPeriod", options.signalPeriod ?? 9);
    if (fast >= slow) {
      throw new RangeError(
        `Macd: option "fastPeriod" must be less than "slowPeriod", got ${fast} and ${slow}`,
      );
    }
    this.#skipFast = slow - fast;
    this.#fast = new Ema({ period: fast });
    this.#slow = new Ema({ period: slow });
    this.#signal = new Ema({ period: signal });
  }

  /** Adds `price`; returns the reused {@linkcode MacdValue} or `undefined` while warming up. */
  update(price: number): MacdValue | undefined {
    if (!Number.isFinite(price)) invalidInput("Macd", "input", price);
    const slow = this.#slow.update(price);
    if (this.#count < this.#skipFast) {
      this.#count++;
      return undefined;
    }
    const fast = this.#fast.update(price);
    if (fast === undefined || slow === undefined) return undefined;
    const line = fast - slow;
    const signal = this.#signal.update(line);
    if (signal === undefined) return undefined;
    const result = this.#result;
    result.macd = line;
    result.signal = signal;
    result.histogram = line - signal;
    this.#ready = true;
    return result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): MacdValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether the signal line exists. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every price. */
  reset(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
    this.#count = 0;
    this.#ready = false;
  }
}
