import { MonotonicDeque } from "./_monotonic_deque.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { RollingExtremumOptions } from "./rolling_max.ts";
import type { Indicator } from "./types.ts";

/**
 * Lowest value of the last `period` values, the current one included (TA-Lib `MIN`).
 *
 * A monotonic deque on preallocated typed arrays: amortised O(1) per update, no allocation.
 * Warm-up: `period − 1` updates.
 *
 * @example
 * ```ts
 * import { RollingMin } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const min = new RollingMin({ period: 2 });
 * min.update(1);
 * assert.equal(min.update(3), 1);
 * assert.equal(min.update(2), 2); // 1 left the window
 * ```
 */
export class RollingMin implements Indicator<number, number> {
  readonly #period: number;
  readonly #deque: MonotonicDeque;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RollingExtremumOptions) {
    this.#period = requireInteger("RollingMin", "period", options.period);
    this.#deque = new MonotonicDeque(this.#period, "min");
  }

  /** Adds `x`; returns the window minimum or `undefined` while warming up. */
  update(x: number): number | undefined {
    if (!Number.isFinite(x)) invalidInput("RollingMin", "input", x);
    const deque = this.#deque;
    const min = deque.push(x);
    if (deque.count >= this.#period) this.#value = min;
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
