import { Ema } from "./ema.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Dema}. */
export interface DemaOptions {
  /** Period of both EMAs (a positive integer). */
  readonly period: number;
}

/**
 * Double exponential moving average (Mulloy; TA-Lib `DEMA`): `2·EMA(x) − EMA(EMA(x))`, each
 * EMA seeded with its own first simple average as in TA-Lib.
 *
 * Warm-up: `2·(period − 1)` updates return `undefined`.
 *
 * @example
 * ```ts
 * import { Dema } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const dema = new Dema({ period: 2 });
 * assert.equal(dema.update(1), undefined);
 * assert.equal(dema.update(2), undefined);
 * assert.equal(typeof dema.update(3), "number");
 * ```
 */
export class Dema implements Indicator<number, number> {
  readonly #ema1: Ema;
  readonly #ema2: Ema;
  #value: number | undefined = undefined;

  /** Creates a DEMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: DemaOptions) {
    const period = requireInteger("Dema", "period", options.period);
    this.#ema1 = new Ema({ period });
    this.#ema2 = new Ema({ period });
  }

  /** Adds `price`; returns the DEMA or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Dema", "input", price);
    const e1 = this.#ema1.update(price);
    if (e1 === undefined) return undefined;
    const e2 = this.#ema2.update(e1);
    if (e2 === undefined) return undefined;
    this.#value = 2 * e1 - e2;
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `2·(period − 1) + 1` values have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every value. */
  reset(): void {
    this.#ema1.reset();
    this.#ema2.reset();
    this.#value = undefined;
  }
}
