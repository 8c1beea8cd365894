import assert from "node:assert/strict";
import { gridTrials } from "../../../lib/research/grid.ts";
import { parseSpace } from "../../../lib/research/space.ts";

Deno.test("gridTrials enumerates every valid combination, last parameter fastest", () => {
  const space = parseSpace(
    `constraints = ["fast < slow", "slow <= 3 * fast"]
[params.slow]
values = [10, 20]
[params.fast]
min = 4
max = 12
step = 4
[params.side]
values = ["long", "both"]
`,
    "s.toml",
  );
  assert.deepEqual(gridTrials(space), [
    { fast: 4, side: "long", slow: 10 },
    { fast: 4, side: "both", slow: 10 },
    { fast: 8, side: "long", slow: 10 },
    { fast: 8, side: "long", slow: 20 },
    { fast: 8, side: "both", slow: 10 },
    { fast: 8, side: "both", slow: 20 },
    { fast: 12, side: "long", slow: 20 },
    { fast: 12, side: "both", slow: 20 },
  ]);
});

Deno.test("gridTrials refuses a continuous range", () => {
  const space = parseSpace("[params.x]\nmin = 0\nmax = 1\n", "s.toml");
  assert.throws(() => gridTrials(space), { name: "ConfigError", message: /x has no grid/ });
});
