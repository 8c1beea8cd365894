/**
 * Regenerates the golden backtest outputs in `tests/golden/` (`deno task golden`). Golden files
 * are never edited by hand: change the code, run this, and review the diff.
 *
 * @module
 */

import { GOLDEN_RUNS, runGolden } from "../tests/golden/runs.ts";

for (const run of GOLDEN_RUNS) {
  const json = await runGolden(run);
  const target = new URL(`../tests/golden/${run.name}/report.json`, import.meta.url);
  await Deno.mkdir(new URL(".", target), { recursive: true });
  await Deno.writeTextFile(target, json);
  console.log(`wrote tests/golden/${run.name}/report.json`);
}
