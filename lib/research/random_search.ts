/**
 * Random search: `trials` distinct parameter sets drawn from a seeded generator (xoshiro128**),
 * so a seed names one exact sequence on every machine. Values lists and stepped ranges are
 * drawn uniformly from their points, log ranges log-uniformly, other ranges uniformly
 * (integers rounded, floats kept to 12 significant digits so they read back exactly from TOML
 * and CSV); sets breaking a constraint or repeating an earlier one are drawn again.
 *
 * @module
 */

import { ConfigError } from "../domain/mod.ts";
import { Random } from "../data/mod.ts";
import { satisfies, type TrialParams } from "./grid.ts";
import { gridPoints, type ParamDef, type ParamValue, type SearchSpace } from "./space.ts";

/** Options of {@linkcode randomTrials}. */
export interface RandomSearchOptions {
  /** Number of distinct sets. */
  readonly trials: number;
  /** Seed of the generator. */
  readonly seed: number;
}

/** Draws one value of `param` from `random` (one or two draws, fixed per parameter kind). */
export function sampleParam(param: ParamDef, random: Random): ParamValue {
  if (param.kind === "values" || param.step !== undefined) {
    const points = gridPoints(param);
    return points[Math.min(points.length - 1, Math.floor(random.next() * points.length))];
  }
  const u = random.next();
  const x = param.log
    ? Math.exp(Math.log(param.min) + u * (Math.log(param.max) - Math.log(param.min)))
    : param.min + u * (param.max - param.min);
  const value = param.integer ? Math.round(x) : Number(x.toPrecision(12));
  return Math.min(param.max, Math.max(param.min, value));
}

/**
 * Draws `trials` distinct sets.
 *
 * @example
 * ```ts
 * import { parseSpace, randomTrials } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const space = parseSpace("[params.x]\nmin = 0\nmax = 10\n", "s.toml");
 * assert.equal(randomTrials(space, { trials: 3, seed: 7 }).length, 3);
 * ```
 * @throws {ConfigError} when the space cannot give that many distinct valid sets.
 */
export function randomTrials(
  space: SearchSpace,
  options: RandomSearchOptions,
): readonly TrialParams[] {
  const random = new Random(options.seed);
  const seen = new Set<string>();
  const trials: TrialParams[] = [];
  // Enough attempts for any space that holds the sets; a space that does not ends here.
  const attempts = 1000 + options.trials * 200;
  for (let attempt = 0; attempt < attempts && trials.length < options.trials; attempt++) {
    const params = Object.fromEntries(space.params.map((p) => [p.name, sampleParam(p, random)]));
    const key = JSON.stringify(params);
    if (seen.has(key) || !satisfies(space, params)) continue;
    seen.add(key);
    trials.push(params);
  }
  if (trials.length < options.trials) {
    throw new ConfigError(
      `random search found only ${trials.length} distinct parameter sets satisfying the ` +
        `constraints, not the ${options.trials} trials asked for`,
      { hint: "ask for fewer trials, widen the space, or use --method grid" },
    );
  }
  return trials;
}
