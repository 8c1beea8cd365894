import { RingBuffer } from "./_ring_buffer.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Roc}. */
export interface RocOptions {
  /** Number of bars between the two prices compared (a positive integer). */
  readonly period: number;
}

/**
 * Rate of change in percent (TA-Lib `ROC`): `(price / price[period bars ago] − 1) · 100`,
 * and 0 when the older price is 0 (TA-Lib's convention).
 *
 * Warm-up: `period` updates (the first output needs `period + 1` prices).
 *
 * @example
 * ```ts
 * import { Roc } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const roc = new Roc({ period: 1 });
 * roc.update(100);
 * assert.equal(roc.update(125), 25);
 * ```
 */
export class Roc implements Indicator<number, number> {
  readonly #window: RingBuffer;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RocOptions) {
    this.#window = new RingBuffer(requireInteger("Roc", "period", options.period));
  }

  /** Adds `price`; returns the percentage change or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Roc", "input", price);
    const window = this.#window;
    if (!window.isFull) {
      window.push(price);
      return undefined;
    }
    const then = window.push(price);
    this.#value = then !== 0 ? ((price / then) - 1) * 100 : 0;
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
    this.#window.clear();
    this.#value = undefined;
  }
}
