import { ExactSum } from "./_exact_sum.ts";
import { RingBuffer } from "./_ring_buffer.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Sma}. */
export interface SmaOptions {
  /** Number of values averaged (a positive integer). */
  readonly period: number;
}

/**
 * Simple moving average: the mean of the last `period` values (TA-Lib `SMA`).
 *
 * Warm-up: the first `period − 1` updates return `undefined`. The window sum is kept exact
 * (double-double), so the output never drifts however long the stream.
 *
 * @example
 * ```ts
 * import { Sma } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const sma = new Sma({ period: 3 });
 * assert.equal(sma.update(1), undefined);
 * assert.equal(sma.update(2), undefined);
 * assert.equal(sma.update(3), 2);
 * assert.equal(sma.update(4), 3);
 * ```
 */
export class Sma implements Indicator<number, number> {
  readonly #period: number;
  readonly #window: RingBuffer;
  readonly #sum = new ExactSum();
  // A number field (NaN while warming) with a separate flag, not `number | undefined`: V8 then
  // updates the field's double in place instead of allocating a new heap number every update.
  #value = Number.NaN;
  #ready = false;

  /** Creates an SMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: SmaOptions) {
    this.#period = requireInteger("Sma", "period", options.period);
    this.#window = new RingBuffer(this.#period);
  }

  /** The configured period. */
  get period(): number {
    return this.#period;
  }

  /** Adds `price`; returns the mean of the last `period` values or `undefined` while warming. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Sma", "input", price);
    const sum = this.#sum;
    const window = this.#window;
    const wasFull = window.isFull;
    const evicted = window.push(price);
    sum.add(price);
    if (wasFull) sum.add(-evicted);
    sum.normalize();
    if (!window.isFull) return undefined;
    const value = sum.value / this.#period;
    this.#value = value;
    this.#ready = true;
    return value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#ready ? this.#value : undefined;
  }

  /** Whether `period` values have been seen. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every value. */
  reset(): void {
    this.#window.clear();
    this.#sum.clear();
    this.#value = Number.NaN;
    this.#ready = false;
  }
}
