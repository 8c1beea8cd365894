import { RollingExtremum, type RollingExtremumOptions } from "./rolling_extremum.ts";

/**
 * Highest value of the last `period` values, the current one included (TA-Lib `MAX`).
 * Warm-up: `period − 1` updates; amortised O(1) per update, no allocation.
 *
 * @example
 * ```ts
 * import { RollingMax } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const max = new RollingMax({ period: 2 });
 * max.update(3);
 * assert.equal(max.update(1), 3);
 * assert.equal(max.update(2), 2); // 3 left the window
 * ```
 */
export class RollingMax extends RollingExtremum {
  /** Creates the indicator; throws a `RangeError` unless `period` is a positive integer. */
  constructor(options: RollingExtremumOptions) {
    super("RollingMax", "max", options);
  }
}
