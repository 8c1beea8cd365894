import { TrueRange } from "./true_range.ts";
import { requireFiniteBar, requireInteger } from "./_validate.ts";
import type { Bar, Indicator } from "./types.ts";

/** Options of {@linkcode Atr}. */
export interface AtrOptions {
  /** Wilder smoothing period (a positive integer; 14 is customary). */
  readonly period: number;
}

/**
 * Average true range (Wilder 1978; TA-Lib `ATR`).
 *
 * The first value is the simple mean of the first `period` true ranges; since the first true
 * range needs a previous close, it arrives with bar number `period + 1` (TA-Lib's lookback
 * `period`). Afterwards Wilder smoothing `atr = (atr·(period − 1) + tr) / period`.
 *
 * @example
 * ```ts
 * import { Atr } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const atr = new Atr({ period: 2 });
 * atr.update({ high: 10, low: 9, close: 9.5 });
 * atr.update({ high: 10, low: 9, close: 9.5 }); // tr 1
 * assert.equal(atr.update({ high: 11, low: 10, close: 10.5 }), 1.25); // tr 1.5
 * ```
 */
export class Atr implements Indicator<Bar, number> {
  readonly #period: number;
  readonly #trueRange = new TrueRange();
  #count = 0;
  #atr = 0;
  #value: number | undefined = undefined;

  /** Creates an ATR; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: AtrOptions) {
    this.#period = requireInteger("Atr", "period", options.period);
  }

  /** Adds `bar`; returns the ATR or `undefined` while warming up. */
  update(bar: Bar): number | undefined {
    requireFiniteBar("Atr", bar);
    const tr = this.#trueRange.update(bar);
    if (tr === undefined) return undefined;
    const period = this.#period;
    if (this.#count >= period) {
      this.#atr = (this.#atr * (period - 1) + tr) / period;
    } else {
      this.#atr += tr;
      if (++this.#count < period) return undefined;
      this.#atr /= period;
    }
    this.#value = this.#atr;
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `period + 1` bars have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#trueRange.reset();
    this.#count = 0;
    this.#atr = 0;
    this.#value = undefined;
  }
}
