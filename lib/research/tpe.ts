/**
 * The Tree-structured Parzen Estimator (TPE) of Bergstra et al. (2011), univariate as in
 * hyperopt and Optuna's default sampler, written here because no maintained npm package offers
 * it (the one port found, `hyperparameters`, is an unmaintained hyperopt clone with a runtime
 * of its own). After `startup` random trials, the scored trials are split into the best
 * `γ(n) = min(⌈0.1·n⌉, 25)` ("good") and the rest; for every parameter a Parzen density is
 * fitted to each group, `candidates` values are drawn from the good density and the one with
 * the highest good/bad density ratio is kept.
 *
 * - Numeric ranges are modelled in their own scale (log for `log = true`) as a mixture of
 *   truncated normals, one per observation plus a wide prior (weight 1) at the middle of the
 *   range; each kernel's width is the larger gap to its neighbours, clipped to
 *   `[range / min(100, n + 1), range]` (hyperopt's rule). Integer and stepped ranges are drawn
 *   continuously over `[min − q/2, max + q/2]` and snapped to the grid.
 * - Listed values and counted log grids are categorical: each choice weighs its count in the
 *   group plus `1 / choices` (the prior).
 * - Failed and filtered trials count as the worst; a set that breaks a constraint or repeats
 *   one already asked is drawn again (up to 100 times, then a random valid set is taken).
 *
 * Every draw comes from one seeded generator, so a seed and the same scores give the same
 * trials.
 *
 * @module
 */

import { Random } from "../data/mod.ts";
import { satisfies, type TrialParams } from "./grid.ts";
import { sampleParam } from "./random_search.ts";
import { gridPoints, type ParamDef, type ParamValue, type SearchSpace } from "./space.ts";

/** Options of {@linkcode TpeSampler}. */
export interface TpeOptions {
  /** Seed of the generator. */
  readonly seed: number;
  /** Random trials before the model is used (default 10). */
  readonly startup?: number;
  /** Candidates drawn from the good density per parameter (default 24). */
  readonly candidates?: number;
}

interface Observation {
  readonly params: TrialParams;
  readonly value: number;
}

const SQRT2 = Math.SQRT2;

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for kernel masses. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 -
    (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-x * x);
  return sign * y;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / SQRT2));
}

interface Mixture {
  readonly mus: readonly number[];
  readonly sigmas: readonly number[];
  readonly weights: readonly number[];
  readonly lo: number;
  readonly hi: number;
}

function mixture(values: readonly number[], lo: number, hi: number): Mixture {
  const range = hi - lo;
  const prior = { mu: (lo + hi) / 2, sigma: range };
  const points = [...values.map((mu) => ({ mu, prior: false })), { mu: prior.mu, prior: true }]
    .sort((a, b) => a.mu - b.mu);
  const minSigma = range / Math.min(100, values.length + 1);
  const sigmas = points.map((p, i) => {
    if (p.prior) return prior.sigma;
    const left = p.mu - (i > 0 ? points[i - 1].mu : lo);
    const right = (i < points.length - 1 ? points[i + 1].mu : hi) - p.mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  return {
    mus: points.map((p) => p.mu),
    sigmas,
    weights: points.map(() => 1 / points.length),
    lo,
    hi,
  };
}

function mixtureDensity(m: Mixture, x: number): number {
  let density = 0;
  for (let k = 0; k < m.mus.length; k++) {
    const s = m.sigmas[k];
    const mass = normalCdf((m.hi - m.mus[k]) / s) - normalCdf((m.lo - m.mus[k]) / s);
    const z = (x - m.mus[k]) / s;
    density += m.weights[k] * Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * mass);
  }
  return density;
}

function mixtureSample(m: Mixture, random: Random): number {
  let u = random.next();
  let k = 0;
  while (k < m.weights.length - 1 && u >= m.weights[k]) u -= m.weights[k++];
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = m.mus[k] + m.sigmas[k] * random.normal();
    if (x >= m.lo && x <= m.hi) return x;
  }
  return Math.min(m.hi, Math.max(m.lo, m.mus[k]));
}

function categorical(param: ParamDef): boolean {
  return param.kind === "values" || (param.log && param.count !== undefined);
}

/** The scale a numeric range is modelled in, its bounds and its grid snap. */
function scale(param: Extract<ParamDef, { kind: "range" }>): {
  to: (x: number) => number;
  from: (t: number) => number;
  lo: number;
  hi: number;
} {
  const q = param.step ?? (param.integer ? 1 : 0);
  const to = (x: number): number => (param.log ? Math.log(x) : x);
  const from = (t: number): number => {
    const x = param.log ? Math.exp(t) : t;
    const snapped = q > 0 ? param.min + Math.round((x - param.min) / q) * q : x;
    const value = q > 0 && !Number.isInteger(q)
      ? Number(snapped.toFixed(12))
      : param.integer
      ? Math.round(snapped)
      : Number(snapped.toPrecision(12));
    return Math.min(param.max, Math.max(param.min, value));
  };
  // Integer log ranges keep their bounds (min − ½ may be 0); the snap rounds anyway.
  const lo = param.log ? Math.log(param.min) : param.min - q / 2;
  const hi = param.log ? Math.log(param.max) : param.max + q / 2;
  return { to, from, lo, hi };
}

/**
 * Asks for trials one at a time and is told their scores.
 *
 * @example
 * ```ts
 * import { parseSpace, TpeSampler } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const space = parseSpace("[params.x]\nmin = -5\nmax = 5\ninteger = false\n", "s.toml");
 * const tpe = new TpeSampler(space, { seed: 1 });
 * for (let i = 0; i < 30; i++) {
 *   const params = tpe.ask();
 *   tpe.tell(params, -((params.x as number) ** 2)); // maximise −x²
 *   assert.ok(Math.abs(params.x as number) <= 5); // always inside the space
 * }
 * ```
 */
export class TpeSampler {
  readonly #space: SearchSpace;
  readonly #random: Random;
  readonly #startup: number;
  readonly #candidates: number;
  readonly #observations: Observation[] = [];
  readonly #asked = new Set<string>();

  /** A sampler over `space`. */
  constructor(space: SearchSpace, options: TpeOptions) {
    this.#space = space;
    this.#random = new Random(options.seed);
    this.#startup = options.startup ?? 10;
    this.#candidates = options.candidates ?? 24;
  }

  /** Records the score of a set (null: failed or filtered, counted as the worst). */
  tell(params: TrialParams, score: number | null): void {
    const value = score === null || Number.isNaN(score) ? -Infinity : score;
    this.#observations.push({ params, value });
  }

  /** The next set to try. */
  ask(): TrialParams {
    for (let attempt = 0; attempt < 100; attempt++) {
      const params = this.#observations.length < this.#startup
        ? this.#randomSet()
        : this.#modelSet();
      const key = JSON.stringify(params);
      if (this.#asked.has(key) || !satisfies(this.#space, params)) continue;
      this.#asked.add(key);
      return params;
    }
    // A crowded space: any valid set (repeats allowed, so a study always completes).
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const params = this.#randomSet();
      if (satisfies(this.#space, params)) {
        this.#asked.add(JSON.stringify(params));
        return params;
      }
    }
    throw new RangeError("the space has no set that satisfies the constraints");
  }

  #randomSet(): TrialParams {
    return Object.fromEntries(
      this.#space.params.map((p) => [p.name, sampleParam(p, this.#random)]),
    );
  }

  #modelSet(): TrialParams {
    const sorted = [...this.#observations].sort((a, b) => b.value - a.value);
    const nGood = Math.min(Math.ceil(0.1 * sorted.length), 25);
    const good = sorted.slice(0, Math.max(1, nGood));
    const bad = sorted.slice(Math.max(1, nGood));
    return Object.fromEntries(
      this.#space.params.map((p) => [p.name, this.#sampleParam(p, good, bad)]),
    );
  }

  #sampleParam(
    param: ParamDef,
    good: readonly Observation[],
    bad: readonly Observation[],
  ): ParamValue {
    if (categorical(param)) {
      const choices = gridPoints(param);
      const weights = (group: readonly Observation[]): number[] => {
        const counts = choices.map((c) => group.filter((o) => o.params[param.name] === c).length);
        const total = group.length + 1;
        return counts.map((n) => (n + 1 / choices.length) / total);
      };
      const l = weights(good);
      const g = weights(bad);
      let best = 0;
      let bestRatio = -Infinity;
      for (let c = 0; c < this.#candidates; c++) {
        let u = this.#random.next();
        let i = 0;
        while (i < l.length - 1 && u >= l[i]) u -= l[i++];
        const ratio = l[i] / g[i];
        if (ratio > bestRatio) {
          bestRatio = ratio;
          best = i;
        }
      }
      return choices[best];
    }
    if (param.kind !== "range") throw new TypeError("unreachable: values are categorical");
    const s = scale(param);
    const values = (group: readonly Observation[]): number[] =>
      group.map((o) => s.to(o.params[param.name] as number));
    const l = mixture(values(good), s.lo, s.hi);
    const g = mixture(values(bad), s.lo, s.hi);
    let best = l.mus[0];
    let bestRatio = -Infinity;
    for (let c = 0; c < this.#candidates; c++) {
      const x = mixtureSample(l, this.#random);
      const ratio = Math.log(mixtureDensity(l, x)) - Math.log(mixtureDensity(g, x));
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = x;
      }
    }
    return s.from(best);
  }
}
