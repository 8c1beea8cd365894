import assert from "node:assert/strict";
import { GOLDEN_RUNS, runGolden } from "./runs.ts";

for (const run of GOLDEN_RUNS) {
  Deno.test(`golden backtest ${run.name} reproduces report.json byte for byte`, async () => {
    const expected = await Deno.readTextFile(new URL(`./${run.name}/report.json`, import.meta.url));
    assert.equal(await runGolden(run), expected, "run `deno task golden` and review the diff");
  });
}

Deno.test("golden backtest is deterministic across two runs in one process", async () => {
  const [run] = GOLDEN_RUNS;
  assert.equal(await runGolden(run), await runGolden(run));
});
