import assert from "node:assert/strict";
import { bestTrial, runStudy, type TrialResult } from "../../../lib/research/optimize.ts";
import { fakeEvaluator, fakeMetrics, sampleSpec } from "./_study_fixture.ts";
import { parseSpace } from "../../../lib/research/space.ts";

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

Deno.test("a TPE study runs in batches, reproducibly; shards are chains seeded by their index", async () => {
  const spec = sampleSpec({
    method: "tpe",
    trials: 7,
    seed: 2,
    batch: 3,
    space: parseSpace(
      "[params.fast_period]\nmin = 2\nmax = 14\n[params.slow_period]\nvalues = [10, 20]\n",
      "space.toml",
    ),
  });
  const batches: number[] = [];
  const evaluator = fakeEvaluator();
  const counting: typeof evaluator = (requests, onDone) => {
    batches.push(requests.length);
    return evaluator(requests, onDone);
  };
  const whole = await runStudy(spec, counting);
  assert.deepEqual(batches, [3, 3, 1]);
  assert.deepEqual(whole.map((r) => r.trial), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(await runStudy(spec, fakeEvaluator()), whole);
  // Shard 0 of 1 is the unsharded chain; shards of 3 tile the ids with their own chains.
  assert.deepEqual(await runStudy(spec, fakeEvaluator(), { shard: { index: 0, count: 1 } }), whole);
  const shards = await Promise.all(
    [0, 1, 2].map((index) => runStudy(spec, fakeEvaluator(), { shard: { index, count: 3 } })),
  );
  assert.deepEqual(shards.map((s) => s.map((r) => r.trial)), [[0, 3, 6], [1, 4], [2, 5]]);
  // Shard 1 draws from seed 3, so its first set is the unsharded chain of seed 3's first.
  const seed3 = await runStudy({ ...spec, seed: 3 }, fakeEvaluator());
  assert.deepEqual(shards[1][0].params, seed3[0].params);
});
