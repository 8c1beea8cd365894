import { Ema } from "./ema.ts";
import { invalidInput, requireInteger } from "./_validate.ts";
import type { Indicator } from "./types.ts";

/** Options of {@linkcode Tema}. */
export interface TemaOptions {
  /** Period of the three EMAs (a positive integer). */
  readonly period: number;
}

/**
 * Triple exponential moving average (Mulloy; TA-Lib `TEMA`): `3·E1 − 3·E2 + E3` where
 * `E1 = EMA(x)`, `E2 = EMA(E1)`, `E3 = EMA(E2)`, each seeded by its first simple average.
 *
 * Warm-up: `3·(period − 1)` updates return `undefined`.
 *
 * @example
 * ```ts
 * import { Tema } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const tema = new Tema({ period: 2 });
 * const out = [1, 2, 3, 4].map((x) => tema.update(x));
 * assert.deepEqual(out.map((v) => v === undefined), [true, true, true, false]);
 * ```
 */
export class Tema implements Indicator<number, number> {
  readonly #ema1: Ema;
  readonly #ema2: Ema;
  readonly #ema3: Ema;
  #value: number | undefined = undefined;

  /** Creates a TEMA; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: TemaOptions) {
    const period = requireInteger("Tema", "period", options.period);
    this.#ema1 = new Ema({ period });
    this.#ema2 = new Ema({ period });
    this.#ema3 = new Ema({ period });
  }

  /** Adds `price`; returns the TEMA or `undefined` while warming up. */
  update(price: number): number | undefined {
    if (!Number.isFinite(price)) invalidInput("Tema", "input", price);
    const e1 = this.#ema1.update(price);
    if (e1 === undefined) return undefined;
    const e2 = this.#ema2.update(e1);
    if (e2 === undefined) return undefined;
    const e3 = this.#ema3.update(e2);
    if (e3 === undefined) return undefined;
    this.#value = e3 + (3 * e1 - 3 * e2); // TA-Lib operation order
    return this.#value;
  }

  /** The last output, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether `3·(period − 1) + 1` values have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every value. */
  reset(): void {
    this.#ema1.reset();
    this.#ema2.reset();
    this.#ema3.reset();
    this.#value = undefined;
  }
}
