import assert from "node:assert/strict";
import { parameterStability, parseSpace, type TrialResult } from "../../../lib/research/mod.ts";

function trial(
  id: number,
  params: TrialResult["params"],
  score: number | null,
  status: TrialResult["status"] = "ok",
): TrialResult {
  return { trial: id, params, status, score, metrics: null, test: null, error: "" };
}

Deno.test("parameterStability finds the one-step neighbourhood and the profiles of the best", () => {
  const space = parseSpace(
    "[params.a]\nmin = 1\nmax = 5\nstep = 1\n[params.b]\nvalues = [10, 20, 30]\n",
    "s.toml",
  );
  const results: TrialResult[] = [];
  let id = 0;
  for (let a = 1; a <= 5; a++) {
    for (const b of [10, 20, 30]) {
      // A peak at a = 3, b = 20 (score 10), falling by 1 per a step and 2 per b step.
      const score = 10 - Math.abs(a - 3) - Math.abs(b - 20) / 5;
      results.push(trial(id++, { a, b }, score, a === 2 && b === 10 ? "failed" : "ok"));
    }
  }
  const view = parameterStability(space, results);
  assert.ok(view !== undefined);
  assert.deepEqual(view.best.params, { a: 3, b: 20 });
  // The 3 × 3 box around (3, 20) minus the best and the failed (2, 10).
  assert.deepEqual(view.neighbours.map((r) => [r.params.a, r.params.b]), [
    [2, 20],
    [2, 30],
    [3, 10],
    [3, 30],
    [4, 10],
    [4, 20],
    [4, 30],
  ]);
  assert.equal(view.summary.count, 7);
  assert.equal(view.summary.min, 7);
  assert.equal(view.summary.max, 9);
  const mean = (9 + 7 + 8 + 8 + 7 + 9 + 7) / 7;
  assert.equal(view.summary.mean, mean);
  assert.equal(view.summary.meanToBest, mean / 10);
  assert.deepEqual(view.profiles[0].points.map((p) => [p.value, p.score]), [
    [1, 8],
    [2, 9],
    [3, 10],
    [4, 9],
    [5, 8],
  ]);
  assert.deepEqual(view.profiles[1].points.map((p) => p.value), [10, 20, 30]);
});

Deno.test("parameterStability measures continuous ranges by radius, strings by equality", () => {
  const space = parseSpace(
    '[params.x]\nmin = 0\nmax = 1\ninteger = false\n[params.m]\nvalues = ["a", "b"]\n',
    "s.toml",
  );
  const results = [
    trial(0, { m: "a", x: 0.5 }, 5),
    trial(1, { m: "a", x: 0.58 }, 4), // 0.08 of the range: within the 0.1 radius
    trial(2, { m: "a", x: 0.65 }, 4), // 0.15: outside
    trial(3, { m: "b", x: 0.5 }, 4), // another string
    trial(4, { m: "a", x: 0.45 }, 1, "filtered"),
  ];
  const view = parameterStability(space, results);
  assert.deepEqual(view?.neighbours.map((r) => r.trial), [1, 4]);
  assert.deepEqual(
    parameterStability(space, results, { radius: 0.2 })?.neighbours.map((r) => r.trial),
    [1, 2, 4],
  );
  assert.equal(parameterStability(space, [trial(0, { m: "a", x: 0 }, 1, "filtered")]), undefined);
});
