/**
 * Parameter search spaces in TOML: one `[params.NAME]` table per parameter, with either
 * `values = [...]` (any TOML scalars), or `min` and `max` plus `step` (an arithmetic grid),
 * `log = true` (log-uniform; `count` grid points spaced geometrically), or neither (uniform,
 * random and model-based search only); `integer` is inferred from integral bounds and step
 * and may be set explicitly. A top-level `constraints = ["fast_period < slow_period"]` keeps
 * only the sets that satisfy every comparison.
 *
 * @module
 */

import { ConfigError } from "../domain/mod.ts";
import { findKeyLine, parseToml } from "../config/mod.ts";
import { type Constraint, constraintParams, parseConstraint } from "./constraint.ts";

/** A parameter value a trial can take. */
export type ParamValue = number | string | boolean;

/** One parameter of a search space. */
export type ParamDef =
  | { readonly kind: "values"; readonly name: string; readonly values: readonly ParamValue[] }
  | {
    readonly kind: "range";
    readonly name: string;
    readonly min: number;
    readonly max: number;
    /** Grid spacing (arithmetic), when given. */
    readonly step?: number;
    /** Log scale: log-uniform sampling, geometric grid. */
    readonly log: boolean;
    /** Grid points of a log range. */
    readonly count?: number;
    /** Whether values are rounded to integers. */
    readonly integer: boolean;
  };

/** A parsed search space: parameters sorted by name, and constraints. */
export interface SearchSpace {
  /** The parameters, sorted by name (the order of trial columns and grid enumeration). */
  readonly params: readonly ParamDef[];
  /** Constraints every trial satisfies. */
  readonly constraints: readonly Constraint[];
}

const PARAM_KEYS = ["values", "min", "max", "step", "log", "count", "integer"];

function decimals(value: number): number {
  const text = String(value);
  const e = /e-(\d+)$/.exec(text);
  if (e !== null) return Number(e[1]) + (text.split("e")[0].split(".")[1]?.length ?? 0);
  return text.split(".")[1]?.length ?? 0;
}

/**
 * The grid points of a parameter: its values, or the arithmetic / geometric points of a range
 * (arithmetic points rounded to the decimals of `min` and `step`, so 0.1 + 2 × 0.1 is 0.3).
 *
 * @throws {ConfigError} for a range with neither `step` nor (log) `count`.
 */
export function gridPoints(param: ParamDef): readonly ParamValue[] {
  if (param.kind === "values") return param.values;
  if (param.step !== undefined) {
    const places = Math.min(15, Math.max(decimals(param.min), decimals(param.step)));
    const points: number[] = [];
    // The tolerance keeps a max that is a float-rounded multiple of the step on the grid.
    const n = Math.floor((param.max - param.min) / param.step + 1e-9);
    for (let k = 0; k <= n; k++) {
      points.push(Number((param.min + k * param.step).toFixed(places)));
    }
    return points;
  }
  if (param.log && param.count !== undefined) {
    const points: number[] = [];
    const ratio = param.max / param.min;
    for (let k = 0; k < param.count; k++) {
      const x = param.count === 1 ? param.min : param.min * ratio ** (k / (param.count - 1));
      const value = param.integer ? Math.round(x) : Number(x.toPrecision(12));
      if (!points.includes(value)) points.push(value);
    }
    return points;
  }
  throw new ConfigError(`parameter ${param.name} has no grid`, {
    hint: "give it values = [...], a step, or (with log = true) a count",
  });
}

/** Whether every parameter has a finite grid (grid search is possible). */
export function isDiscrete(space: SearchSpace): boolean {
  return space.params.every((p) => p.kind === "values" || p.step !== undefined || p.count);
}

function parseParam(
  name: string,
  raw: unknown,
  fail: (message: string, hint?: string) => never,
): ParamDef {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    fail(`[params.${name}] must be a table`, "e.g. [params.fast_period] with values = [5, 8]");
  }
  const table = raw as Record<string, unknown>;
  const unknown = Object.keys(table).find((key) => !PARAM_KEYS.includes(key));
  if (unknown !== undefined) {
    fail(`[params.${name}]: unknown key "${unknown}"`, `valid keys: ${PARAM_KEYS.join(", ")}`);
  }
  if (table.values !== undefined) {
    const extra = Object.keys(table).find((key) => key !== "values");
    if (extra !== undefined) {
      fail(`[params.${name}]: values cannot be combined with ${extra}`);
    }
    const values = table.values;
    if (!Array.isArray(values) || values.length === 0) {
      fail(`[params.${name}]: values must be a non-empty array`);
    }
    for (const value of values) {
      if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") {
        fail(`[params.${name}]: values must be numbers, strings or booleans`);
      }
    }
    const distinct = new Set(values.map((v) => JSON.stringify(v)));
    if (distinct.size !== values.length) fail(`[params.${name}]: values repeat`);
    return { kind: "values", name, values: values as ParamValue[] };
  }
  const number = (key: string): number | undefined => {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      fail(`[params.${name}]: ${key} must be a number`);
    }
    return value;
  };
  const min = number("min");
  const max = number("max");
  if (min === undefined || max === undefined) {
    fail(`[params.${name}] needs values = [...] or min and max`);
  }
  if (!(min <= max)) fail(`[params.${name}]: min ${min} is above max ${max}`);
  const step = number("step");
  const count = number("count");
  const log = table.log ?? false;
  if (typeof log !== "boolean") fail(`[params.${name}]: log must be true or false`);
  if (step !== undefined && !(step > 0)) fail(`[params.${name}]: step must be positive`);
  if (log && step !== undefined) {
    fail(`[params.${name}]: a log range takes count, not step`, "drop step or log");
  }
  if (log && !(min > 0)) fail(`[params.${name}]: a log range needs min > 0`);
  if (count !== undefined && (!log || !Number.isInteger(count) || count < 1)) {
    fail(`[params.${name}]: count (a positive integer) applies to log ranges only`);
  }
  const inferred = Number.isInteger(min) && Number.isInteger(max) &&
    (step === undefined || Number.isInteger(step));
  const integer = table.integer ?? inferred;
  if (typeof integer !== "boolean") fail(`[params.${name}]: integer must be true or false`);
  if (integer && (!Number.isInteger(min) || !Number.isInteger(max))) {
    fail(`[params.${name}]: an integer range needs integer min and max`);
  }
  return { kind: "range", name, min, max, step, log, count, integer };
}

/**
 * Parses a search space file.
 *
 * @example
 * ```ts
 * import { parseSpace } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const space = parseSpace(
 *   'constraints = ["fast < slow"]\n[params.fast]\nvalues = [5, 10]\n' +
 *     "[params.slow]\nmin = 10\nmax = 30\nstep = 10\n",
 *   "space.toml",
 * );
 * assert.deepEqual(space.params.map((p) => p.name), ["fast", "slow"]);
 * ```
 * @throws {ConfigError} naming the file, line and key of what is wrong.
 */
export function parseSpace(text: string, file: string): SearchSpace {
  const data = parseToml(text, file);
  const fail = (path: readonly string[]) => (message: string, hint?: string): never => {
    throw new ConfigError(message, {
      location: { file, line: findKeyLine(text, path) },
      hint,
    });
  };
  const unknown = Object.keys(data).find((key) => key !== "params" && key !== "constraints");
  if (unknown !== undefined) {
    fail([unknown])(`unknown key "${unknown}"`, "a space has [params.NAME] tables and constraints");
  }
  const rawParams = data.params;
  if (rawParams === null || typeof rawParams !== "object" || Array.isArray(rawParams)) {
    fail(["params"])("the space has no [params.NAME] tables", "add e.g. [params.fast_period]");
  }
  const names = Object.keys(rawParams as object).sort();
  if (names.length === 0) fail(["params"])("the space has no parameters");
  const params = names.map((name) =>
    parseParam(name, (rawParams as Record<string, unknown>)[name], fail(["params", name]))
  );
  const rawConstraints = data.constraints ?? [];
  if (!Array.isArray(rawConstraints) || rawConstraints.some((c) => typeof c !== "string")) {
    fail(["constraints"])("constraints must be an array of strings", 'e.g. ["fast < slow"]');
  }
  const numeric = new Set(
    params.filter((p) => p.kind === "range" || p.values.every((v) => typeof v === "number"))
      .map((p) => p.name),
  );
  const constraints = (rawConstraints as string[]).map((textOf) => {
    let constraint: Constraint;
    try {
      constraint = parseConstraint(textOf);
    } catch (error) {
      fail(["constraints"])(
        `constraint "${textOf}" cannot be read: ${(error as Error).message}`,
        'write one comparison, e.g. "slow_period >= 2 * fast_period"',
      );
      throw error;
    }
    for (const name of constraintParams(constraint)) {
      if (!numeric.has(name)) {
        fail(["constraints"])(
          `constraint "${textOf}" refers to ${name}, which is not a numeric parameter of the space`,
          `numeric parameters: ${[...numeric].join(", ") || "none"}`,
        );
      }
    }
    return constraint;
  });
  return { params, constraints };
}
