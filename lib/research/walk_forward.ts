/**
 * Walk-forward analysis: the span is cut into train/test windows (rolling: the training window
 * slides by `step`; anchored: it always starts at the beginning and grows by `step`), each
 * training window is optimized on its own, and the best set is run on the test window right
 * after it. A test window starts where its training window ends, so no trial ever replays a
 * bar of the window it is judged on; with `step ≥ test` the test windows do not overlap, and
 * their equity curves chain into one out-of-sample curve.
 *
 * Every run starts flat with the initial equity (a test run also warms its indicators up
 * inside its window), so the stitched curves compound each window's returns:
 * `E_k(t) = E_{k−1}(end) · e_k(t) / initial`.
 *
 * @module
 */

import { ConfigError, type Micros, toIso } from "../domain/mod.ts";
import { bestTrial, type Evaluator, runStudy, type TrialResult } from "./optimize.ts";
import type { TrialMetrics } from "./objective.ts";
import { type StudySpec, trialCount } from "./study.ts";

/** Options of {@linkcode walkForwardWindows}; durations in µs. */
export interface WalkForwardOptions {
  /** Start of the span (first bar open). */
  readonly start: Micros;
  /** End of the span (exclusive). */
  readonly end: Micros;
  /** Training window length (the first one, when anchored). */
  readonly train: number;
  /** Test window length. */
  readonly test: number;
  /** How far each window moves on (default: `test`; at least `test`). */
  readonly step?: number;
  /** Anchored windows: every training window starts at `start`. */
  readonly anchored?: boolean;
}

/** A closed-open time window. */
export interface Span {
  /** First bar open included (µs). */
  readonly from: Micros;
  /** Bars opening at or after this are excluded (µs). */
  readonly to: Micros;
}

/** One train/test pair. */
export interface WalkForwardWindow {
  /** From 0. */
  readonly index: number;
  /** The window optimized on. */
  readonly train: Span;
  /** The window the best set is run on, right after `train`. */
  readonly test: Span;
}

/**
 * The windows of a walk-forward over `[start, end)`: only whole test windows.
 *
 * @example
 * ```ts
 * import { walkForwardWindows } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const w = walkForwardWindows({ start: 0, end: 10, train: 4, test: 2 });
 * assert.deepEqual(w.map((x) => [x.train.from, x.train.to, x.test.to]), [
 *   [0, 4, 6],
 *   [2, 6, 8],
 *   [4, 8, 10],
 * ]);
 * ```
 * @throws {ConfigError} for non-positive lengths, `step < test`, or a span too short for one
 * window.
 */
export function walkForwardWindows(options: WalkForwardOptions): readonly WalkForwardWindow[] {
  const { start, end, train, test, anchored = false } = options;
  const step = options.step ?? test;
  if (!(train > 0) || !(test > 0) || !(step > 0)) {
    throw new ConfigError("walk-forward windows need positive --train, --test and --step");
  }
  if (step < test) {
    throw new ConfigError(
      "a step shorter than the test window makes the test windows overlap",
      { hint: "use a --step at least as long as --test (the default is --test)" },
    );
  }
  const windows: WalkForwardWindow[] = [];
  for (let k = 0;; k++) {
    const trainFrom = anchored ? start : start + k * step;
    const trainTo = start + train + k * step;
    const testTo = trainTo + test;
    if (testTo > end) break;
    windows.push({
      index: k,
      train: { from: trainFrom, to: trainTo },
      test: { from: trainTo, to: testTo },
    });
  }
  if (windows.length === 0) {
    throw new ConfigError(
      `the data span ${toIso(start)} – ${toIso(end)} is shorter than one training plus one ` +
        "test window",
      { hint: "shorten --train or --test, or pass more data" },
    );
  }
  return windows;
}

/** An equity curve of one run. */
export interface EquitySegment {
  /** Bar open times (µs). */
  readonly ts: readonly number[];
  /** Equity marked at each bar's close. */
  readonly equity: readonly number[];
  /** Equity before the first bar. */
  readonly initial: number;
}

/** A chained curve: every point tagged with the window it came from. */
export interface StitchedCurve {
  /** Bar open times (µs). */
  readonly ts: readonly number[];
  /** Chained equity, starting from the first segment's initial equity. */
  readonly equity: readonly number[];
  /** Window index of each point. */
  readonly window: readonly number[];
}

/**
 * Chains segments: each one's returns compound on the end of the previous one.
 *
 * @example
 * ```ts
 * import { stitchEquity } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const curve = stitchEquity([
 *   { index: 0, segment: { ts: [1, 2], equity: [110, 120], initial: 100 } },
 *   { index: 1, segment: { ts: [3], equity: [90], initial: 100 } },
 * ]);
 * assert.deepEqual([...curve.equity], [110, 120, 108]);
 * ```
 */
export function stitchEquity(
  segments: readonly { readonly index: number; readonly segment: EquitySegment }[],
): StitchedCurve {
  const ts: number[] = [];
  const equity: number[] = [];
  const window: number[] = [];
  let base: number | undefined;
  for (const { index, segment } of segments) {
    base ??= segment.initial;
    const scale = base / segment.initial;
    for (let i = 0; i < segment.ts.length; i++) {
      ts.push(segment.ts[i]);
      equity.push(segment.equity[i] * scale);
      window.push(index);
    }
    if (segment.equity.length > 0) base = segment.equity[segment.equity.length - 1] * scale;
  }
  return { ts, equity, window };
}

/** Total return and max drawdown of a curve (from its first segment's initial equity). */
export function curveSummary(
  curve: StitchedCurve,
  initial: number,
): { readonly totalReturn: number | null; readonly maxDrawdown: number | null } {
  if (curve.equity.length === 0) return { totalReturn: null, maxDrawdown: null };
  let peak = initial;
  let worst = 0;
  for (const value of curve.equity) {
    peak = Math.max(peak, value);
    worst = Math.max(worst, (peak - value) / peak);
  }
  return { totalReturn: curve.equity[curve.equity.length - 1] / initial - 1, maxDrawdown: worst };
}

/** What one window gave. */
export interface WindowResult {
  /** The window. */
  readonly window: WalkForwardWindow;
  /** The training study's trials. */
  readonly trials: readonly TrialResult[];
  /** Its best trial, when one qualified. */
  readonly best: TrialResult | undefined;
  /** The best set on its training window (curve), when there is a best. */
  readonly inSample?: { readonly metrics: TrialMetrics; readonly equity: EquitySegment };
  /** The best set on the test window, when there is a best and the run succeeded. */
  readonly outOfSample?: { readonly metrics: TrialMetrics; readonly equity: EquitySegment };
  /** Why the window has no out-of-sample run, else "". */
  readonly note: string;
}

/** A finished walk-forward. */
export interface WalkForwardResult {
  /** Per window. */
  readonly windows: readonly WindowResult[];
  /** The test curves chained. */
  readonly outOfSample: StitchedCurve;
  /** The best sets' training curves chained (in window order; they may overlap in time). */
  readonly inSample: StitchedCurve;
}

/** A run that also records its equity curve (and report files) in `reportDir`. */
export type CurveEvaluator = (
  request: {
    readonly params: TrialResult["params"];
    readonly window: Span;
    readonly reportDir: string;
  },
) => Promise<
  { readonly ok: true; readonly metrics: TrialMetrics; readonly equity: EquitySegment } | {
    readonly ok: false;
    readonly error: string;
  }
>;

/** Options of {@linkcode runWalkForward}. */
export interface RunWalkForwardOptions {
  /** Scores the trials of a training window. */
  readonly evaluate: Evaluator;
  /** Runs a best set with its curve. */
  readonly evaluateCurve: CurveEvaluator;
  /** Where window `k`'s runs keep their report files (`train` and `test` inside). */
  readonly reportDir: (window: WalkForwardWindow) => string;
  /** Called after each window's study with its trials. */
  readonly onWindow?: (window: WalkForwardWindow, trials: readonly TrialResult[]) => Promise<void>;
  /** Progress of the trials of all windows: (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Optimizes `spec` (its windows are replaced) on each training window and runs each best set
 * on its test window.
 */
export async function runWalkForward(
  spec: StudySpec,
  windows: readonly WalkForwardWindow[],
  options: RunWalkForwardOptions,
): Promise<WalkForwardResult> {
  const results: WindowResult[] = [];
  // Every window runs the same plan (the space and seed do not depend on the window).
  const total = trialCount(spec) * windows.length;
  let done = 0;
  for (const window of windows) {
    const windowSpec: StudySpec = { ...spec, train: window.train, test: undefined };
    const trials = await runStudy(windowSpec, options.evaluate, {
      onProgress: () => options.onProgress?.(++done, total),
    });
    await options.onWindow?.(window, trials);
    const best = bestTrial(trials);
    if (best === undefined) {
      results.push({ window, trials, best, note: "no trial qualified" });
      continue;
    }
    const dir = options.reportDir(window);
    const inSample = await options.evaluateCurve({
      params: best.params,
      window: window.train,
      reportDir: `${dir}/train`,
    });
    const outOfSample = await options.evaluateCurve({
      params: best.params,
      window: window.test,
      reportDir: `${dir}/test`,
    });
    results.push({
      window,
      trials,
      best,
      inSample: inSample.ok ? inSample : undefined,
      outOfSample: outOfSample.ok ? outOfSample : undefined,
      note: !outOfSample.ok ? `test run failed: ${outOfSample.error}` : "",
    });
  }
  const chain = (pick: (r: WindowResult) => EquitySegment | undefined): StitchedCurve =>
    stitchEquity(results.flatMap((r) => {
      const segment = pick(r);
      return segment === undefined ? [] : [{ index: r.window.index, segment }];
    }));
  return {
    windows: results,
    outOfSample: chain((r) => r.outOfSample?.equity),
    inSample: chain((r) => r.inSample?.equity),
  };
}
