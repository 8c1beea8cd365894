/**
 * Runs a study's trials (or one shard of them) through an {@linkcode Evaluator} — the port
 * that turns parameter sets and windows into backtest metrics (the CLI's runs `backtest run`
 * in parallel workers; tests pass a function) — and scores them.
 *
 * @module
 */

import type { TrialParams } from "./grid.ts";
import { score, type TrialMetrics } from "./objective.ts";
import {
  planTrials,
  type Shard,
  shardTrials,
  type StudySpec,
  type TimeWindow,
  type Trial,
  trialCount,
} from "./study.ts";
import { TpeSampler } from "./tpe.ts";

/** One backtest to run. */
export interface EvaluationRequest {
  /** The searched parameters (merged over the strategy file's). */
  readonly params: TrialParams;
  /** The window replayed. */
  readonly window: TimeWindow;
}

/** What one backtest gave: its metrics, or the error line of a failed run. */
export type EvaluationOutcome =
  | { readonly ok: true; readonly metrics: TrialMetrics }
  | { readonly ok: false; readonly error: string };

/**
 * Runs backtests, in any order or in parallel, and returns their outcomes in request order;
 * `onDone` is called once per finished request.
 */
export type Evaluator = (
  requests: readonly EvaluationRequest[],
  onDone?: () => void,
) => Promise<readonly EvaluationOutcome[]>;

/** The status of a trial: scored, filtered by the minimum trade count, or failed. */
export type TrialStatus = "ok" | "filtered" | "failed";

/** One evaluated trial. */
export interface TrialResult {
  /** The trial id in the study's plan. */
  readonly trial: number;
  /** The searched parameters. */
  readonly params: TrialParams;
  /** The outcome. */
  readonly status: TrialStatus;
  /** The objective score (higher is better); null when failed or undefined. */
  readonly score: number | null;
  /** Training-window metrics (null when the run failed). */
  readonly metrics: TrialMetrics | null;
  /** Test-window metrics, when the study has a test window and the run succeeded. */
  readonly test: TrialMetrics | null;
  /** The error line of a failed run, else "". */
  readonly error: string;
}

/** Options of {@linkcode runStudy}. */
export interface RunStudyOptions {
  /** Run only this shard (default: the whole plan). */
  readonly shard?: Shard;
  /** Called after every finished backtest with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Scores the outcomes of one trial. */
export function judgeTrial(
  spec: StudySpec,
  trial: number,
  params: TrialParams,
  train: EvaluationOutcome,
  test: EvaluationOutcome | undefined,
): TrialResult {
  const failed = !train.ok ? train : test !== undefined && !test.ok ? test : undefined;
  if (failed !== undefined || !train.ok) {
    return {
      trial,
      params,
      status: "failed",
      score: null,
      metrics: train.ok ? train.metrics : null,
      test: null,
      error: failed?.error ?? "",
    };
  }
  const testMetrics = test?.ok === true ? test.metrics : undefined;
  return {
    trial,
    params,
    status: train.metrics.trades < spec.minTrades ? "filtered" : "ok",
    score: score(spec.objective, train.metrics, testMetrics),
    metrics: train.metrics,
    test: testMetrics ?? null,
    error: "",
  };
}

/**
 * Evaluates the trials of `spec` (those of `options.shard` only, when given), in plan order.
 *
 * @example
 * ```ts ignore
 * const results = await runStudy(spec, evaluator, { shard: { index: 0, count: 4 } });
 * ```
 */
export async function runStudy(
  spec: StudySpec,
  evaluate: Evaluator,
  options: RunStudyOptions = {},
): Promise<readonly TrialResult[]> {
  if (spec.method === "tpe") return await runTpeChain(spec, evaluate, options);
  const all = planTrials(spec);
  const trials = options.shard === undefined ? all : shardTrials(all, options.shard);
  return await evaluateTrials(spec, trials, evaluate, options.onProgress, 0, trials.length);
}

async function evaluateTrials(
  spec: StudySpec,
  trials: readonly Trial[],
  evaluate: Evaluator,
  onProgress: RunStudyOptions["onProgress"],
  doneBefore: number,
  totalTrials: number,
): Promise<TrialResult[]> {
  const requests: EvaluationRequest[] = [];
  for (const trial of trials) {
    requests.push({ params: trial.params, window: spec.train });
    if (spec.test !== undefined) requests.push({ params: trial.params, window: spec.test });
  }
  const per = spec.test === undefined ? 1 : 2;
  let done = doneBefore * per;
  const outcomes = await evaluate(requests, () => onProgress?.(++done, totalTrials * per));
  return trials.map((trial, i) =>
    judgeTrial(
      spec,
      trial.id,
      trial.params,
      outcomes[i * per],
      per === 2 ? outcomes[i * per + 1] : undefined,
    )
  );
}

/**
 * A TPE study (or one shard of it: an independent chain seeded with `seed + shard index`).
 * The k-th trial of shard I of N gets id `I + k·N`, so the shards' ids tile `0..trials − 1`.
 */
async function runTpeChain(
  spec: StudySpec,
  evaluate: Evaluator,
  options: RunStudyOptions,
): Promise<readonly TrialResult[]> {
  const shard = options.shard ?? { index: 0, count: 1 };
  const total = trialCount(spec, shard);
  const sampler = new TpeSampler(spec.space, { seed: spec.seed + shard.index });
  const batch = spec.batch ?? 4;
  const results: TrialResult[] = [];
  while (results.length < total) {
    const trials: Trial[] = [];
    for (let k = results.length; k < Math.min(total, results.length + batch); k++) {
      trials.push({ id: shard.index + k * shard.count, params: sampler.ask() });
    }
    const judged = await evaluateTrials(
      spec,
      trials,
      evaluate,
      options.onProgress,
      results.length,
      total,
    );
    for (const result of judged) {
      sampler.tell(result.params, result.status === "ok" ? result.score : null);
    }
    results.push(...judged);
  }
  return results;
}

/**
 * The best trial: the highest score among `ok` trials, the lowest trial id on ties; undefined
 * when no trial qualifies.
 */
export function bestTrial(results: readonly TrialResult[]): TrialResult | undefined {
  let best: TrialResult | undefined;
  for (const result of results) {
    if (result.status !== "ok" || result.score === null) continue;
    if (
      best === undefined || best.score === null || result.score > best.score ||
      (result.score === best.score && result.trial < best.trial)
    ) {
      best = result;
    }
  }
  return best;
}
