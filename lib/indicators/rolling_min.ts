import { RollingExtremum, type RollingExtremumOptions } from "./rolling_extremum.ts";

/**
 * Lowest value of the last `period` values, the current one included (TA-Lib `MIN`).
 * Warm-up: `period − 1` updates; amortised O(1) per update, no allocation.
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
export class RollingMin extends RollingExtremum {
  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RollingExtremumOptions) {
    super("RollingMin", "min", options);
  }
}
