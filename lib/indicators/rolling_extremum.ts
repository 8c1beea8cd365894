import { MonotonicDeque } from "./_monotonic_deque.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode RollingMax} and {@linkcode RollingMin}. */
export interface RollingExtremumOptions {
  /** Number of values in the window, the current one included (a positive integer). */
  readonly period: number;
}

/**
 * The highest or lowest of the last `period` values, the current one included: the one
 * implementation behind {@linkcode RollingMax} and {@linkcode RollingMin}.
 *
 * A monotonic deque on preallocated typed arrays: amortised O(1) per update, no allocation.
 * Warm-up: `period − 1` updates.
 */
export class RollingExtremum implements Indicator<number, number> {
  readonly #name: string;
  readonly #period: number;
  readonly #deque: MonotonicDeque;
  #value: number | undefined = undefined;

  /**
   * Creates the indicator for `kind`; `name` labels its errors. Throws a `RangeError` unless
   * `period` is a positive integer.
   */
  constructor(name: string, kind: "max" | "min", options: RollingExtremumOptions) {
    this.#name = name;
    this.#period = requireInteger(name, "period", options.period);
    this.#deque = new MonotonicDeque(this.#period, kind);
  }

  /** Adds `x`; returns the window's extremum or `undefined` while warming up. */
  update(x: number): number | undefined {
    if (!Number.isFinite(x)) invalidInput(this.#name, "input", x);
    const deque = this.#deque;
    const extremum = deque.push(x);
    if (deque.count >= this.#period) this.#value = extremum;
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
