import type {
  EvaluationOutcome,
  Evaluator,
  StudySpec,
  TrialMetrics,
} from "../../../lib/research/mod.ts";
import { parseSpace } from "../../../lib/research/mod.ts";

/** A study over fast ∈ 2..14 step 3 and slow ∈ {10, 20}, fast < slow. */
export function sampleSpec(overrides: Partial<StudySpec> = {}): StudySpec {
  return {
    strategy: "SmaCross",
    baseParams: { symbol: "bybit:BTCUSDT", fast_period: 8, slow_period: 21 },
    space: parseSpace(
      'constraints = ["fast_period < slow_period"]\n' +
        "[params.fast_period]\nmin = 2\nmax = 14\nstep = 3\n" +
        "[params.slow_period]\nvalues = [10, 20]\n",
      "space.toml",
    ),
    method: "grid",
    seed: 1,
    objective: { name: "sharpe", ratio: "sharpe", optimalTrades: 100 },
    minTrades: 3,
    train: {},
    inputs: ["--data", "d.parquet"],
    ...overrides,
  };
}

/** Metrics that depend on the params and window only: trades = fast, sharpe peaks at 8/20. */
export function fakeMetrics(params: Readonly<Record<string, unknown>>, from = 0): TrialMetrics {
  const fast = params.fast_period as number;
  const slow = params.slow_period as number;
  const sharpe = 3 - Math.abs(fast - 8) * 0.25 - Math.abs(slow - 20) * 0.05 - from * 1e-6;
  return {
    trades: fast,
    totalReturn: sharpe / 10,
    cagr: sharpe / 5,
    sharpe,
    sortino: sharpe * 2,
    calmar: null,
    maxDrawdown: 0.01 * fast,
    winRate: 0.5,
    profitFactor: fast === 2 ? null : 1.2,
  };
}

/** An evaluator over {@linkcode fakeMetrics}; fast = 11 fails; records the requests. */
export function fakeEvaluator(seen: unknown[] = []): Evaluator {
  return (requests, onDone) => {
    seen.push(...requests);
    return Promise.resolve(requests.map((request): EvaluationOutcome => {
      onDone?.();
      if (request.params.fast_period === 11) return { ok: false, error: "boom at 11" };
      return { ok: true, metrics: fakeMetrics(request.params, request.window.from ?? 0) };
    }));
  };
}
