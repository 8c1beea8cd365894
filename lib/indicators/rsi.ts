import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Rsi}. */
export interface RsiOptions {
  /** Wilder smoothing period (a positive integer; 14 is customary). */
  readonly period: number;
}

/**
 * Relative strength index (Wilder 1978; TA-Lib `RSI`): `100 · avgGain / (avgGain + avgLoss)`.
 *
 * The first averages are the simple means of the first `period` price changes; afterwards
 * Wilder smoothing `avg = (avg·(period − 1) + change) / period`. The first output comes with
 * the `period + 1`-th price (TA-Lib's lookback `period`). When the window has no movement at
 * all (`avgGain + avgLoss = 0`) the output is 0, as in TA-Lib.
 *
 * Difference from TA-Lib: TA-Lib also outputs 0 whenever `avgGain + avgLoss < 1e-8`, an
 * absolute threshold that silences assets priced below ~1e-6; this class only treats an exact
 * zero that way.
 *
 * @example
 * ```ts
 * import { Rsi } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const rsi = new Rsi({ period: 2 });
 * rsi.update(10);
 * rsi.update(11); // +1
 * assert.equal(rsi.update(10.5), 100 * (0.5 / 0.75)); // average gain 0.5, average loss 0.25
 * assert.equal(rsi.update(11.5), 100 * (0.75 / 0.875)); // Wilder: (0.5 + 1) / 2, 0.25 / 2
 * ```
 */
export class Rsi implements Indicator<number, number> {
  readonly #period: number;
  #count = 0;
  #previous = 0;
  #gain = 0;
  #loss = 0;
  #value: number | undefined = undefined;

  /** Creates an RSI; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RsiOptions) {
    this.#period = requireInteger("Rsi", "period", options.period);
  }

  /** The configured period. */
  get period(): number {
    return this.#period;
  }

  /** Adds `price`; returns the RSI in [0, 100] or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Rsi", "input", price);
    const period = this.#period;
    const change = price - this.#previous;
    this.#previous = price;
    const count = this.#count;
    if (count > period) {
      // Wilder smoothing in TA-Lib's operation order.
      this.#gain = (this.#gain * (period - 1) + (change > 0 ? change : 0)) / period;
      this.#loss = (this.#loss * (period - 1) + (change < 0 ? -change : 0)) / period;
    } else {
      this.#count = count + 1;
      if (count === 0) return undefined;
      if (change > 0) this.#gain += change;
      else this.#loss -= change;
      if (count < period) return undefined;
      this.#gain /= period;
      this.#loss /= period;
    }
    const total = this.#gain + this.#loss;
    this.#value = total === 0 ? 0 : 100 * (this.#gain / total);
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `period + 1` prices have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every price. */
  reset(): void {
    this.#count = 0;
    this.#previous = 0;
    this.#gain = 0;
    this.#loss = 0;
    this.#value = undefined;
  }
}
