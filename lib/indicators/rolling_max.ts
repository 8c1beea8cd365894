import { MonotonicDeque } from "./_monotonic_deque.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode RollingMax} and {@linkcode RollingMin}. */
export interface RollingExtremumOptions {
  /** Number of values in the window, the current one included (a positive integer). */
  readonly period: number;
}

/**
 * Highest value of the last `period` values, the current one included (TA-Lib `MAX`).
 *
 * A monotonic deque on preallocated typed arrays: amortised O(1) per update, no allocation.
 * Warm-up: `period − 1` updates.
 *
 * @example
 * ```ts
 * import { RollingMax } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const max = new RollingMax({ period: 2 });
 * max.update(3);
 * assert.equal(max.update(1), 3);
 * assert.equal(max.update(2), 2); // 3 left the window
 * ```
 */
export class RollingMax implements Indicator<number, number> {
  readonly #period: number;
  readonly #deque: MonotonicDeque;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RollingExtremumOptions) {
    this.#period = requireInteger("RollingMax", "period", options.period);
    this.#deque = new MonotonicDeque(this.#period, "max");
  }

  /** Adds `x`; returns the window maximum or `undefined` while warming up. */
  update(x: number): number | undefined {
    if (!Number.isFinite(x)) invalidInput("RollingMax", "input", x);
    const deque = this.#deque;
    const max = deque.push(x);
    if (deque.count >= this.#period) this.#value = max;
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every value. */
  reset(): void {
    this.#deque.clear();
    this.#value = undefined;
  }
}
