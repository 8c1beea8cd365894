import { MonotonicDeque } from "./_monotonic_deque.ts";
import { requireFiniteBar, requireInteger } from "./_validate.ts";
import type { Bar, Indicator } from "./types.ts";

/** Options of {@linkcode Donchian}. */
export interface DonchianOptions {
  /** Number of bars in the channel, the current one included (20 is customary). */
  readonly period: number;
}

/** One output of {@linkcode Donchian}. The object is reused: the next `update` overwrites it. */
export interface DonchianValue {
  /** Highest high of the window. */
  readonly upper: number;
  /** `(upper + lower) / 2`. */
  readonly middle: number;
  /** Lowest low of the window. */
  readonly lower: number;
}

/**
 * Donchian channel (R. Donchian; TA-Lib has no such function): the highest high and lowest low
 * of the last `period` bars, the current bar included, and their midpoint — the definition of
 * TradingView's "DC" and of TA-Lib's `MAX(high)`/`MIN(low)`. A breakout rule ("close above the
 * channel") must therefore compare the close with the previous bar's `upper`.
 *
 * Monotonic deques make it amortised O(1) per bar with no allocation. Warm-up: `period − 1`
 * updates. The returned {@linkcode DonchianValue} is one object reused by every update.
 *
 * @example
 * ```ts
 * import { Donchian } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const dc = new Donchian({ period: 2 });
 * dc.update({ high: 10, low: 8, close: 9 });
 * assert.deepEqual({ ...dc.update({ high: 12, low: 9, close: 11 }) }, { upper: 12, middle: 10, lower: 8 });
 * ```
 */
export class Donchian implements Indicator<Bar, DonchianValue> {
  readonly #period: number;
  readonly #highest: MonotonicDeque;
  readonly #lowest: MonotonicDeque;
  readonly #result = { upper: 0, middle: 0, lower: 0 };
  #ready = false;

  /** Creates the channel; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: DonchianOptions) {
    this.#period = requireInteger("Donchian", "period", options.period);
    this.#highest = new MonotonicDeque(this.#period, "max");
    this.#lowest = new MonotonicDeque(this.#period, "min");
  }

  /** Adds `bar`; returns the reused channel object or `undefined` while warming up. */
  update(bar: Bar): DonchianValue | undefined {
    requireFiniteBar("Donchian", bar);
    const upper = this.#highest.push(bar.high);
    const lower = this.#lowest.push(bar.low);
    if (this.#highest.count < this.#period) return undefined;
    const result = this.#result;
    result.upper = upper;
    result.lower = lower;
    result.middle = (upper + lower) / 2;
    this.#ready = true;
    return result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): DonchianValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether `period` bars have been seen. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#highest.clear();
    this.#lowest.clear();
    this.#ready = false;
  }
}
