/**
 * A study: what to search (strategy, space, method, seed), how to judge (objective, minimum
 * trades, training and test windows), and its deterministic plan of trials. A shard `I/N`
 * takes the trials whose id is `I` modulo `N`, so N processes that each run one shard cover
 * the plan exactly once, whatever machine runs which.
 *
 * @module
 */

import { ConfigError, type Micros } from "../domain/mod.ts";
import { gridTrials, type TrialParams } from "./grid.ts";
import type { Objective } from "./objective.ts";
import { randomTrials } from "./random_search.ts";
import type { SearchSpace } from "./space.ts";

/**
 * How a study picks its trials: every grid point, seeded random draws, or the TPE model
 * (sequential: each batch of trials is drawn from the scores of the earlier ones).
 */
export type SearchMethod = "grid" | "random" | "tpe";

/** A span of time replayed by a run; open ends mean the data's own start or end. */
export interface TimeWindow {
  /** First bar open included (µs). */
  readonly from?: Micros;
  /** Bars opening at or after this are excluded (µs). */
  readonly to?: Micros;
}

/** Everything that defines a study's results. */
export interface StudySpec {
  /** The strategy's registered name. */
  readonly strategy: string;
  /** The strategy file's params; each trial overrides the searched ones. */
  readonly baseParams: Readonly<Record<string, unknown>>;
  /** The search space. */
  readonly space: SearchSpace;
  /** The search method. */
  readonly method: SearchMethod;
  /** Random and TPE search: the number of trials. */
  readonly trials?: number;
  /** Random and TPE search: the seed. */
  readonly seed: number;
  /** TPE: trials drawn per model update, run in parallel (default 4). */
  readonly batch?: number;
  /** What is maximised. */
  readonly objective: Objective;
  /** Trials with fewer round trips (on the training window) are filtered out. */
  readonly minTrades: number;
  /** The window trials are scored on. */
  readonly train: TimeWindow;
  /** An optional out-of-sample window, run for every trial (the fitness reads it). */
  readonly test?: TimeWindow;
  /** The backtest inputs (data files, extra flags), recorded so parts of one study match. */
  readonly inputs: readonly string[];
}

/** One planned trial. */
export interface Trial {
  /** Position in the plan, from 0. */
  readonly id: number;
  /** The searched parameters. */
  readonly params: TrialParams;
}

/** The `index`-th of `count` slices of a plan. */
export interface Shard {
  /** From 0. */
  readonly index: number;
  /** At least 1. */
  readonly count: number;
}

/**
 * The study's trials, in plan order.
 *
 * @throws {ConfigError} when the space and method do not fit (a grid over a continuous range,
 * random search without a trial count or with more trials than the space holds).
 */
export function planTrials(spec: StudySpec): readonly Trial[] {
  let params: readonly TrialParams[];
  switch (spec.method) {
    case "grid":
      params = gridTrials(spec.space);
      break;
    case "random":
      params = randomTrials(spec.space, { trials: trialsOf(spec), seed: spec.seed });
      break;
    case "tpe":
      throw new TypeError("a TPE study has no plan: its trials depend on the earlier scores");
    default: {
      const unknown: never = spec.method;
      throw new TypeError(`Unknown search method ${unknown}`);
    }
  }
  if (params.length === 0) {
    throw new ConfigError("the search space holds no parameter set that meets the constraints", {
      hint: "check the constraints against the ranges",
    });
  }
  return params.map((p, id) => ({ id, params: p }));
}

function trialsOf(spec: StudySpec): number {
  if (spec.trials === undefined) {
    throw new ConfigError(`${spec.method} search needs a number of trials`, {
      hint: "pass --trials N",
    });
  }
  return spec.trials;
}

/** The number of trials of the study (or of one shard of it). */
export function trialCount(spec: StudySpec, shard?: Shard): number {
  const total = spec.method === "tpe" ? trialsOf(spec) : planTrials(spec).length;
  if (shard === undefined) return total;
  return Math.max(0, Math.ceil((total - shard.index) / shard.count));
}

/** The trials of `shard` (ids ≡ index mod count), in plan order. */
export function shardTrials(trials: readonly Trial[], shard: Shard): readonly Trial[] {
  return trials.filter((trial) => trial.id % shard.count === shard.index);
}

function checkShard(index: number, count: number, where: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ConfigError(`${where}: the shard count must be a positive integer, got ${count}`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ConfigError(
      `${where}: the shard index must be an integer from 0 to ${count - 1}, got ${index}`,
      { hint: "shards are numbered from 0, as Kubernetes' JOB_COMPLETION_INDEX is" },
    );
  }
  return { index, count };
}

/**
 * Parses `I/N` (as given to `--shard`).
 *
 * @example
 * ```ts
 * import { parseShard } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
 * ```
 * @throws {ConfigError} unless it is `I/N` with 0 ≤ I < N.
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) {
    throw new ConfigError(`flag --shard: expected I/N (e.g. 0/4), got "${text}"`);
  }
  return checkShard(Number(match[1]), Number(match[2]), "flag --shard");
}

/**
 * The shard of a Kubernetes Indexed Job pod: `count` shards, the index from
 * `JOB_COMPLETION_INDEX` in `env`.
 *
 * @throws {ConfigError} when the variable is missing or out of range.
 */
export function shardFromEnv(count: number, env: Readonly<Record<string, string>>): Shard {
  const text = env.JOB_COMPLETION_INDEX;
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    throw new ConfigError(
      `flag --shard-count needs JOB_COMPLETION_INDEX set to the shard index, got ${
        text === undefined ? "nothing" : `"${text}"`
      }`,
      { hint: "run it in a Kubernetes Indexed Job, set the variable, or pass --shard I/N" },
    );
  }
  return checkShard(Number(text), count, "JOB_COMPLETION_INDEX");
}
