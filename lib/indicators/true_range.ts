import { requireFiniteBar } from "./_validate.ts";
import type { Bar, Indicator } from "./types.ts";

/**
 * True range (Wilder 1978; TA-Lib `TRANGE`): the largest of `high − low`,
 * `|high − previous close|` and `|low − previous close|`.
 *
 * As in TA-Lib the first bar has no previous close, so the first output comes with the second
 * bar (warm-up 1 update).
 *
 * @example
 * ```ts
 * import { TrueRange } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const tr = new TrueRange();
 * assert.equal(tr.update({ high: 10, low: 9, close: 9.5 }), undefined);
 * assert.equal(tr.update({ high: 12, low: 11, close: 11.5 }), 2.5); // gap up from 9.5
 * ```
 */
export class TrueRange implements Indicator<Bar, number> {
  #previousClose = NaN;
  #value: number | undefined = undefined;

  /** Adds `bar`; returns its true range or `undefined` for the first bar. */
  update(bar: Bar): number | undefined {
    requireFiniteBar("TrueRange", bar);
    const previous = this.#previousClose;
    this.#previousClose = bar.close;
    if (Number.isNaN(previous)) return undefined;
    this.#value = trueRange(bar.high, bar.low, previous);
    return this.#value;
  }

  /** The last output, or `undefined` before the second bar. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether two bars have been seen. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#previousClose = NaN;
    this.#value = undefined;
  }
}

/** TA-Lib's TRANGE formula, in its operation order. */
function trueRange(high: number, low: number, previousClose: number): number {
  let greatest = high - low;
  const toHigh = Math.abs(previousClose - high);
  if (toHigh > greatest) greatest = toHigh;
  const toLow = Math.abs(previousClose - low);
  if (toLow > greatest) greatest = toLow;
  return greatest;
}
