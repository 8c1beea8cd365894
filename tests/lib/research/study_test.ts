import assert from "node:assert/strict";
import { parseShard, planTrials, shardFromEnv, shardTrials } from "../../../lib/research/study.ts";
import { sampleSpec } from "./_study_fixture.ts";

Deno.test("planTrials numbers the grid in order; random plans depend on the seed only", () => {
  const grid = planTrials(sampleSpec());
  assert.deepEqual(grid.map((t) => [t.id, t.params.fast_period, t.params.slow_period]), [
    [0, 2, 10],
    [1, 2, 20],
    [2, 5, 10],
    [3, 5, 20],
    [4, 8, 10],
    [5, 8, 20],
    [6, 11, 20],
    [7, 14, 20],
  ]);
  const random = planTrials(sampleSpec({ method: "random", trials: 5, seed: 9 }));
  assert.equal(random.length, 5);
  assert.deepEqual(planTrials(sampleSpec({ method: "random", trials: 5, seed: 9 })), random);
  assert.throws(() => planTrials(sampleSpec({ method: "random" })), {
    name: "ConfigError",
    message: /random search needs a number of trials \(hint: pass --trials N\)/,
  });
});

Deno.test("shards partition the plan: each trial in exactly one shard", () => {
  const plan = planTrials(sampleSpec());
  for (const count of [1, 2, 3, 5, 8, 13]) {
    const ids = Array.from({ length: count }, (_, index) => shardTrials(plan, { index, count }))
      .flat().map((t) => t.id).sort((a, b) => a - b);
    assert.deepEqual(ids, plan.map((t) => t.id), `count ${count}`);
  }
  assert.deepEqual(shardTrials(plan, { index: 1, count: 3 }).map((t) => t.id), [1, 4, 7]);
});

Deno.test("parseShard and shardFromEnv read I/N and JOB_COMPLETION_INDEX or say why not", () => {
  assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
  assert.throws(() => parseShard("8/8"), {
    name: "ConfigError",
    message: /flag --shard: the shard index must be an integer from 0 to 7, got 8/,
  });
  assert.throws(() => parseShard("0/0"), { message: /shard count must be a positive integer/ });
  assert.throws(() => parseShard("1-4"), { message: /flag --shard: expected I\/N/ });
  assert.deepEqual(shardFromEnv(4, { JOB_COMPLETION_INDEX: "3" }), { index: 3, count: 4 });
  assert.throws(() => shardFromEnv(4, {}), {
    name: "ConfigError",
    message:
      /--shard-count needs JOB_COMPLETION_INDEX set .* got nothing \(hint: run it in a Kubernetes Indexed Job/,
  });
  assert.throws(() => shardFromEnv(4, { JOB_COMPLETION_INDEX: "4" }), {
    message: /JOB_COMPLETION_INDEX: the shard index must be an integer from 0 to 3, got 4/,
  });
});
