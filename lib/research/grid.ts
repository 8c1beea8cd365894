/**
 * Grid search: every combination of the parameters' grid points that satisfies the
 * constraints, in a fixed order (parameters by name, the last one varying fastest).
 *
 * @module
 */

import { evaluateConstraint } from "./constraint.ts";
import { gridPoints, type ParamValue, type SearchSpace } from "./space.ts";

/** The parameter values of one trial, keyed by name (sorted). */
export type TrialParams = Readonly<Record<string, ParamValue>>;

/** Whether `params` satisfy every constraint of `space`. */
export function satisfies(space: SearchSpace, params: TrialParams): boolean {
  return space.constraints.every((constraint) => evaluateConstraint(constraint, params));
}

/**
 * Enumerates the grid of `space`.
 *
 * @example
 * ```ts
 * import { gridTrials, parseSpace } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const space = parseSpace(
 *   'constraints = ["a < b"]\n[params.a]\nvalues = [1, 2]\n[params.b]\nvalues = [2, 3]\n',
 *   "s.toml",
 * );
 * assert.deepEqual(gridTrials(space), [{ a: 1, b: 2 }, { a: 1, b: 3 }, { a: 2, b: 3 }]);
 * ```
 * @throws {ConfigError} when a parameter has no grid (a range without step or count).
 */
export function gridTrials(space: SearchSpace): readonly TrialParams[] {
  const axes = space.params.map((param) => ({ name: param.name, points: gridPoints(param) }));
  const trials: TrialParams[] = [];
  const index = axes.map(() => 0);
  while (true) {
    const params = Object.fromEntries(axes.map((axis, i) => [axis.name, axis.points[index[i]]]));
    if (satisfies(space, params)) trials.push(params);
    let k = axes.length - 1;
    while (k >= 0 && ++index[k] === axes[k].points.length) index[k--] = 0;
    if (k < 0) return trials;
  }
}
