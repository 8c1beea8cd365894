import assert from "node:assert/strict";
import {
  fitness,
  metricsOfReport,
  type Objective,
  score,
  type TrialMetrics,
} from "../../../lib/research/objective.ts";

const RUN: TrialMetrics = {
  trades: 1000,
  totalReturn: 0.25,
  cagr: 0.4,
  sharpe: 2,
  sortino: 4,
  calmar: 3,
  maxDrawdown: 0.12,
  winRate: 0.55,
  profitFactor: 1.4,
};

const objective = (name: Objective["name"]): Objective => ({
  name,
  ratio: "sharpe",
  optimalTrades: 100,
});

Deno.test("score reads the report's ratios, negates the drawdown", () => {
  assert.equal(score(objective("sharpe"), RUN), 2);
  assert.equal(score(objective("sortino"), RUN), 4);
  assert.equal(score(objective("calmar"), RUN), 3);
  assert.equal(score(objective("total_return"), RUN), 0.25);
  assert.equal(score(objective("max_drawdown"), RUN), -0.12);
  assert.equal(score(objective("sharpe"), { ...RUN, sharpe: null }), null);
  assert.equal(score(objective("max_drawdown"), { ...RUN, maxDrawdown: null }), null);
});

Deno.test("fitness follows Jesse: trade term, normalised ratio, floors", () => {
  // 1000 trades saturate the trade term at optimal 100: (2 + 0.5) / (5 + 0.5).
  assert.equal(fitness(RUN, undefined, "sharpe", 100), 2.5 / 5.5);
  // 10 trades: log10(10) / log10(100) = 0.5.
  assert.equal(fitness({ ...RUN, trades: 10 }, undefined, "sharpe", 100), 0.5 * (2.5 / 5.5));
  // Sortino and Calmar normalise by 15 and 30.
  assert.equal(fitness(RUN, undefined, "sortino", 100), 4.5 / 15.5);
  assert.equal(fitness(RUN, undefined, "calmar", 100), 3.5 / 30.5);
  // Five trades or fewer, a negative or undefined ratio: the floor.
  assert.equal(fitness({ ...RUN, trades: 5 }, undefined, "sharpe", 100), 0.0001);
  assert.equal(fitness({ ...RUN, sharpe: -0.1 }, undefined, "sharpe", 100), 0.0001);
  assert.equal(fitness({ ...RUN, sharpe: null }, undefined, "sharpe", 100), 0.0001);
});

Deno.test("fitness keeps a set that holds up out of sample and cuts one that collapses", () => {
  const train = fitness(RUN, undefined, "sharpe", 100);
  assert.equal(fitness(RUN, { ...RUN, sharpe: 3 }, "sharpe", 100), train);
  // Test Sharpe 0.75: agreement (1.25 / 5.5) / (2.5 / 5.5) = 0.5.
  assert.equal(fitness(RUN, { ...RUN, sharpe: 0.75 }, "sharpe", 100), train * 0.5);
  assert.equal(fitness(RUN, { ...RUN, sharpe: -3 }, "sharpe", 100), 0.0001);
  assert.equal(fitness(RUN, { ...RUN, sharpe: null }, "sharpe", 100), 0.0001);
  assert.equal(score({ ...objective("fitness") }, RUN, { ...RUN, sharpe: 0.75 }), train * 0.5);
});

Deno.test("metricsOfReport reads numbers and turns absent or null metrics into null", () => {
  const m = metricsOfReport({ trades: 3, sharpe: 1.5, sortino: null, strategy: "x" });
  assert.deepEqual(m, {
    trades: 3,
    totalReturn: null,
    cagr: null,
    sharpe: 1.5,
    sortino: null,
    calmar: null,
    maxDrawdown: null,
    winRate: null,
    profitFactor: null,
  });
});
