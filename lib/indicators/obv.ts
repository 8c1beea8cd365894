import { ExactSum } from "./_exact_sum.ts";
import { invalidInput, requireFiniteBar } from "./_validate.ts";
import type { Indicator, VolumeBar } from "./types.ts";

/**
 * On-balance volume (Granville; TA-Lib `OBV`): a running total that adds the bar's volume when
 * the close rises, subtracts it when the close falls, and is unchanged on an equal close.
 *
 * As in TA-Lib the first output is the first bar's volume, so there is no warm-up. The total
 * is kept exact, so it does not drift however long it runs. Reads `close` and `volume` (and,
 * like every bar indicator, rejects a bar whose `high` or `low` is not finite).
 *
 * @example
 * ```ts
 * import { Obv } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const obv = new Obv();
 * assert.equal(obv.update({ high: 10, low: 9, close: 10, volume: 5 }), 5);
 * assert.equal(obv.update({ high: 10, low: 9, close: 9, volume: 2 }), 3);
 * ```
 */
export class Obv implements Indicator<VolumeBar, number> {
  readonly #total = new ExactSum();
  #previousClose = NaN;
  #value: number | undefined = undefined;

  /** Adds `bar`; returns the running on-balance volume. */
  update(bar: VolumeBar): number {
    requireFiniteBar("Obv", bar);
    const { close, volume } = bar;
    if (!Number.isFinite(volume)) invalidInput("Obv", "bar.volume", volume);
    const previous = this.#previousClose;
    const total = this.#total;
    if (Number.isNaN(previous) || close > previous) total.add(volume);
    else if (close < previous) total.add(-volume);
    total.normalize();
    this.#previousClose = close;
    this.#value = total.value;
    return this.#value;
  }

  /** The last output, or `undefined` before the first bar. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether a bar has been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#total.clear();
    this.#previousClose = NaN;
    this.#value = undefined;
  }
}
