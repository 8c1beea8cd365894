/**
 * Runs a study's trials (or one shard of them) through an {@linkcode Evaluator} — the port
 * that turns parameter sets and windows into backtest metrics (the CLI's runs `backtest run`
 * in parallel workers; tests pass a function) — and scores them.
 *
 * @module
 */

import type { TrialParams } from "./grid.ts";
import { score, type TrialMetrics } from "./objective.ts";
import { planTrials, type Shard, shardTrials, type StudySpec, type TimeWindow } from "./study.ts";

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
  const all = planTrials(spec);
  const trials = options.shard === undefined ? all : shardTrials(all, options.shard);
  const requests: EvaluationRequest[] = [];
  for (const trial of trials) {
    requests.push({ params: trial.params, window: spec.train });
    if (spec.test !== undefined) requests.push({ params: trial.params, window: spec.test });
  }
  let done = 0;
  const outcomes = await evaluate(requests, () => options.onProgress?.(++done, requests.length));
  const per = spec.test === undefined ? 1 : 2;
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
