import assert from "node:assert/strict";
import { bestTrial, runStudy, type TrialResult } from "../../../lib/research/optimize.ts";
import { fakeEvaluator, fakeMetrics, sampleSpec } from "./_study_fixture.ts";

Deno.test("runStudy scores every trial, filters by min trades, keeps failures", async () => {
  const progress: number[] = [];
  const results = await runStudy(sampleSpec(), fakeEvaluator(), {
    onProgress: (done, total) => progress.push(done * 100 + total),
  });
  assert.equal(results.length, 8);
  assert.deepEqual(progress, [108, 208, 308, 408, 508, 608, 708, 808]);
  assert.deepEqual(results.map((r) => r.status), [
    "filtered", // 2 trades < 3
    "filtered",
    "ok",
    "ok",
    "ok",
    "ok",
    "failed", // fast 11
    "ok",
  ]);
  assert.equal(results[5].score, 3);
  assert.deepEqual(results[5].metrics, fakeMetrics({ fast_period: 8, slow_period: 20 }));
  assert.equal(results[6].error, "boom at 11");
  assert.equal(results[6].score, null);
  assert.equal(bestTrial(results)?.trial, 5);
});

Deno.test("runStudy runs a shard only, and the test window of every trial", async () => {
  const seen: { window: { from?: number } }[] = [];
  const spec = sampleSpec({ train: { from: 0, to: 100 }, test: { from: 100, to: 150 } });
  const results = await runStudy(spec, fakeEvaluator(seen), { shard: { index: 1, count: 3 } });
  assert.deepEqual(results.map((r) => r.trial), [1, 4, 7]);
  assert.deepEqual(seen.map((r) => r.window.from), [0, 100, 0, 100, 0, 100]);
  assert.equal(
    results[1].test?.sharpe,
    fakeMetrics({ fast_period: 8, slow_period: 10 }, 100).sharpe,
  );
});

Deno.test("bestTrial takes the highest score, the lowest id on ties, never filtered ones", () => {
  const r = (trial: number, score: number | null, status: TrialResult["status"] = "ok") => ({
    trial,
    params: {},
    status,
    score,
    metrics: null,
    test: null,
    error: "",
  });
  assert.equal(bestTrial([r(0, 1), r(1, 5), r(2, 5), r(3, 9, "filtered"), r(4, null)])?.trial, 1);
  assert.equal(bestTrial([r(0, 1, "filtered"), r(1, null, "failed")]), undefined);
  assert.equal(bestTrial([r(3, -2), r(1, -1)])?.trial, 1);
});
