/**
 * Parameter stability: is the best set a lone spike or the top of a plateau? The
 * neighbourhood of the best trial is every other scored trial within one step of it in every
 * parameter: one grid position for listed values and stepped or counted ranges, `radius` of the
 * (log) range for continuous ones; non-numeric values must be equal. The view reports the
 * neighbours' scores against the best's and, per parameter, the 1-D profile through the best
 * set (the trials that differ from it in that parameter only).
 *
 * @module
 */

import type { TrialResult } from "./optimize.ts";
import { gridPoints, type ParamDef, type ParamValue, type SearchSpace } from "./space.ts";
import { bestTrial } from "./optimize.ts";

/** One point of a profile. */
export interface ProfilePoint {
  /** The parameter's value. */
  readonly value: ParamValue;
  /** The trial's score (null when failed or undefined). */
  readonly score: number | null;
  /** The trial id. */
  readonly trial: number;
}

/** What {@linkcode parameterStability} finds. */
export interface StabilityView {
  /** The best trial. */
  readonly best: TrialResult;
  /** The scored trials near it (see the module doc), by trial id. */
  readonly neighbours: readonly TrialResult[];
  /** The neighbours' scores: count, mean, min, max, and mean / best score. */
  readonly summary: {
    readonly count: number;
    readonly mean: number | null;
    readonly min: number | null;
    readonly max: number | null;
    readonly meanToBest: number | null;
  };
  /** Per parameter, the trials that differ from the best in it only, by value. */
  readonly profiles: readonly {
    readonly param: string;
    readonly points: readonly ProfilePoint[];
  }[];
}

function distance(param: ParamDef, a: ParamValue, b: ParamValue, radius: number): number {
  if (a === b) return 0;
  if (typeof a !== "number" || typeof b !== "number") return Infinity;
  const grid = param.kind === "values" || param.step !== undefined || param.count !== undefined;
  if (grid) {
    const points = gridPoints(param);
    const i = points.indexOf(a);
    const j = points.indexOf(b);
    if (i >= 0 && j >= 0) return Math.abs(i - j);
  }
  if (param.kind === "values") return Infinity;
  const scale = (x: number): number =>
    param.log
      ? (Math.log(x) - Math.log(param.min)) / (Math.log(param.max) - Math.log(param.min))
      : (x - param.min) / (param.max - param.min);
  const span = param.max === param.min ? Infinity : Math.abs(scale(a) - scale(b)) / radius;
  return span;
}

/**
 * The stability view of the best trial of `results`, or undefined when none qualifies.
 *
 * @example
 * ```ts ignore
 * const view = parameterStability(spec.space, results);
 * view?.summary.meanToBest; // 0.9: the neighbours score 90% of the best on average
 * ```
 */
export function parameterStability(
  space: SearchSpace,
  results: readonly TrialResult[],
  options: { readonly radius?: number } = {},
): StabilityView | undefined {
  const radius = options.radius ?? 0.1;
  if (!(radius > 0)) throw new RangeError("radius must be positive");
  const best = bestTrial(results);
  if (best === undefined) return undefined;
  const scored = results.filter((r) => r.trial !== best.trial && r.status !== "failed");
  const neighbours = scored.filter((r) =>
    space.params.every((p) => distance(p, r.params[p.name], best.params[p.name], radius) <= 1)
  ).sort((a, b) => a.trial - b.trial);
  const scores = neighbours.map((r) => r.score).filter((s): s is number => s !== null);
  const mean = scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
  const profiles = space.params.map((param) => {
    const points = results
      .filter((r) =>
        space.params.every((p) => p.name === param.name || r.params[p.name] === best.params[p.name])
      )
      .map((r) => ({ value: r.params[param.name], score: r.score, trial: r.trial }))
      .sort((a, b) =>
        typeof a.value === "number" && typeof b.value === "number"
          ? a.value - b.value
          : String(a.value).localeCompare(String(b.value))
      );
    return { param: param.name, points };
  });
  return {
    best,
    neighbours,
    summary: {
      count: neighbours.length,
      mean,
      min: scores.length === 0 ? null : Math.min(...scores),
      max: scores.length === 0 ? null : Math.max(...scores),
      meanToBest: mean === null || best.score === null || best.score === 0
        ? null
        : mean / best.score,
    },
    profiles,
  };
}
