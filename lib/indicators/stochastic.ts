import { MonotonicDeque } from "./_monotonic_deque.ts";
import { Sma } from "./sma.ts";
import { requireFiniteBar, requireInteger } from "./_validate.ts";
import type { Bar, Indicator } from "./types.ts";

/** Options of {@linkcode Stochastic}; defaults are Lane's slow stochastic 14/3/3. */
export interface StochasticOptions {
  /** Look-back of the raw %K high/low range (TA-Lib `fastK_Period`, default 14). */
  readonly period?: number;
  /** SMA period smoothing raw %K into slow %K (TA-Lib `slowK_Period`, default 3). */
  readonly kSmoothing?: number;
  /** SMA period of %D over slow %K (TA-Lib `slowD_Period`, default 3). */
  readonly dPeriod?: number;
}

/** One output of {@linkcode Stochastic}. The object is reused: the next `update` overwrites it. */
export interface StochasticValue {
  /** Slow %K in [0, 100]. */
  readonly k: number;
  /** %D: SMA of slow %K, in [0, 100]. */
  readonly d: number;
}

/**
 * Stochastic oscillator (Lane), as TA-Lib's `STOCH` with SMA smoothing for both slow %K and
 * %D (its default `MAType` 0).
 *
 * Raw %K is `100 · (close − lowest low) / (highest high − lowest low)` over `period` bars, the
 * current one included, and 0 when that range is empty (TA-Lib's convention). Slow %K is the
 * SMA of raw %K over `kSmoothing`; %D the SMA of slow %K over `dPeriod`. As in TA-Lib both
 * fields appear together, after a warm-up of `period − 1 + kSmoothing − 1 + dPeriod − 1`
 * updates. TA-Lib's own default `period` is 5; this class defaults to the customary 14.
 *
 * The returned {@linkcode StochasticValue} is one object reused by every update.
 *
 * @example
 * ```ts
 * import { Stochastic } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const stoch = new Stochastic({ period: 2, kSmoothing: 1, dPeriod: 1 });
 * stoch.update({ high: 10, low: 8, close: 9 });
 * assert.deepEqual({ ...stoch.update({ high: 11, low: 9, close: 10.5 }) }, { k: 83.33333333333334, d: 83.33333333333334 });
 * ```
 */
export class Stochastic implements Indicator<Bar, StochasticValue> {
  readonly #period: number;
  readonly #highest: MonotonicDeque;
  readonly #lowest: MonotonicDeque;
  readonly #slowK: Sma;
  readonly #slowD: Sma;
  readonly #result = { k: 0, d: 0 };
  #ready = false;

  /** Creates the oscillator; throws a `RangeError` for a period that is not a positive integer. */
  constructor(options: StochasticOptions = {}) {
    this.#period = requireInteger("Stochastic", "period", options.period ?? 14);
    const kSmoothing = requireInteger("Stochastic", "kSmoothing", options.kSmoothing ?? 3);
    const dPeriod = requireInteger("Stochastic", "dPeriod", options.dPeriod ?? 3);
    this.#highest = new MonotonicDeque(this.#period, "max");
    this.#lowest = new MonotonicDeque(this.#period, "min");
    this.#slowK = new Sma({ period: kSmoothing });
    this.#slowD = new Sma({ period: dPeriod });
  }

  /** Adds `bar`; returns the reused `{ k, d }` object or `undefined` while warming up. */
  update(bar: Bar): StochasticValue | undefined {
    requireFiniteBar("Stochastic", bar);
    const highest = this.#highest.push(bar.high);
    const lowest = this.#lowest.push(bar.low);
    if (this.#highest.count < this.#period) return undefined;
    // TA-Lib's operation order: divide by the range expressed in percent.
    const range = (highest - lowest) / 100;
    const rawK = range !== 0 ? (bar.close - lowest) / range : 0;
    const k = this.#slowK.update(rawK);
    if (k === undefined) return undefined;
    const d = this.#slowD.update(k);
    if (d === undefined) return undefined;
    this.#result.k = k;
    this.#result.d = d;
    this.#ready = true;
    return this.#result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): StochasticValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether %D exists. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#highest.clear();
    this.#lowest.clear();
    this.#slowK.reset();
    this.#slowD.reset();
    this.#ready = false;
  }
}
