import { RollingMoments } from "./_rolling_moments.ts";
import { invalidInput, requireInteger, requireNonNegative } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode BollingerBands}. */
export interface BollingerBandsOptions {
  /** Window of the middle band and of the standard deviation (20 is customary). */
  readonly period: number;
  /** Width of each band in standard deviations (default 2). */
  readonly multiplier?: number;
}

/** One output of {@linkcode BollingerBands}. The object is reused: the next `update` overwrites it. */
export interface BollingerBandsValue {
  /** `middle + multiplier · σ`. */
  readonly upper: number;
  /** Simple moving average of the window. */
  readonly middle: number;
  /** `middle − multiplier · σ`. */
  readonly lower: number;
  /** `(upper − lower) / middle` (Bollinger's BandWidth, as a fraction; 0 when the bands meet). */
  readonly bandwidth: number;
  /** `(price − lower) / (upper − lower)`; 0.5 when the bands meet (the price is then the mean). */
  readonly percentB: number;
}

/**
 * Bollinger Bands (TA-Lib `BBANDS` with `MAType = SMA`): an SMA with bands at ± `multiplier`
 * population standard deviations, plus BandWidth and %b.
 *
 * Warm-up: `period − 1` updates. The returned {@linkcode BollingerBandsValue} is one object
 * reused by every update (no allocation per update); copy it (`{ ...value }`) to keep it.
 * Like {@linkcode StdDev}, the deviation is computed from exact sums and is not clamped to 0
 * below 1e-8 as TA-Lib does.
 *
 * @example
 * ```ts
 * import { BollingerBands } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const bb = new BollingerBands({ period: 2, multiplier: 2 });
 * bb.update(1);
 * const { upper, middle, lower, percentB } = bb.update(3) ?? assert.fail("warm");
 * assert.deepEqual([upper, middle, lower, percentB], [4, 2, 0, 0.75]);
 * ```
 */
export class BollingerBands implements Indicator<number, BollingerBandsValue> {
  readonly #moments: RollingMoments;
  readonly #multiplier: number;
  readonly #result = { upper: 0, middle: 0, lower: 0, bandwidth: 0, percentB: 0 };
  #ready = false;

  /** Creates the bands; throws a `RangeError` for a bad `period` or `multiplier`. */
  constructor(options: BollingerBandsOptions) {
    const period = requireInteger("BollingerBands", "period", options.period);
    this.#multiplier = requireNonNegative(
      "BollingerBands",
      "multiplier",
      options.multiplier ?? 2,
    );
    this.#moments = new RollingMoments(period);
  }

  /** Adds `price`; returns the reused bands object or `undefined` while warming up. */
  update(price: number): BollingerBandsValue | undefined {
    if (!Number.isFinite(price)) invalidInput("BollingerBands", "input", price);
    const moments = this.#moments;
    moments.push(price);
    if (!moments.isFull) return undefined;
    const middle = moments.mean();
    const offset = this.#multiplier * Math.sqrt(moments.variance());
    const result = this.#result;
    result.middle = middle;
    result.upper = middle + offset;
    result.lower = middle - offset;
    const width = result.upper - result.lower;
    result.bandwidth = width === 0 ? 0 : width / middle;
    result.percentB = width === 0 ? 0.5 : (price - result.lower) / width;
    this.#ready = true;
    return result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): BollingerBandsValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every value. */
  reset(): void {
    this.#moments.clear();
    this.#ready = false;
  }
}
