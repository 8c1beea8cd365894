import assert from "node:assert/strict";
import { gridPoints, isDiscrete, parseSpace } from "../../../lib/research/space.ts";

Deno.test("parseSpace reads values, stepped, log and plain ranges, sorted by name", () => {
  const space = parseSpace(
    `constraints = ["fast < slow"]
[params.slow]
values = [20, 30]
[params.fast]
min = 2
max = 10
step = 4
[params.stop]
min = 0.001
max = 0.1
log = true
count = 3
[params.weight]
min = 0
max = 1
[params.mode]
values = ["a", true]
`,
    "space.toml",
  );
  assert.deepEqual(space.params.map((p) => p.name), ["fast", "mode", "slow", "stop", "weight"]);
  assert.deepEqual(gridPoints(space.params[0]), [2, 6, 10]);
  assert.deepEqual(gridPoints(space.params[1]), ["a", true]);
  assert.deepEqual(gridPoints(space.params[3]), [0.001, 0.01, 0.1]);
  assert.equal(space.params[0].kind === "range" && space.params[0].integer, true);
  assert.equal(space.params[4].kind === "range" && space.params[4].integer, true);
  assert.equal(isDiscrete(space), false);
  assert.throws(() => gridPoints(space.params[4]), {
    name: "ConfigError",
    message: /parameter weight has no grid/,
  });
  assert.equal(space.constraints[0].text, "fast < slow");
});

Deno.test("gridPoints keeps decimal steps exact and includes a max on the grid", () => {
  const [p] = parseSpace("[params.x]\nmin = 0.1\nmax = 0.7\nstep = 0.2\n", "s").params;
  assert.deepEqual(gridPoints(p), [0.1, 0.3, 0.5, 0.7]);
  const [q] = parseSpace("[params.x]\nmin = 0.1\nmax = 0.3\nstep = 0.1\n", "s").params;
  assert.deepEqual(gridPoints(q), [0.1, 0.2, 0.3]);
  const [r] = parseSpace("[params.x]\nmin = 5\nmax = 200\nlog = true\ncount = 4\n", "s").params;
  assert.deepEqual(gridPoints(r), [5, 17, 58, 200]);
});

Deno.test("parseSpace errors name the file, line and key with a hint", () => {
  const bad = (text: string, message: RegExp): void => {
    assert.throws(() => parseSpace(text, "space.toml"), { name: "ConfigError", message });
  };
  bad(
    "[params.x]\nvalues = [1]\nmin = 2\n",
    /^space\.toml:1: \[params\.x\]: values cannot be combined with min/,
  );
  bad("[params.x]\nmin = 3\nmax = 1\n", /^space\.toml:1: \[params\.x\]: min 3 is above max 1/);
  bad("[params.x]\nmin = 1\n", /\[params\.x\] needs values = \[\.\.\.\] or min and max/);
  bad(
    "[params.x]\nmin = 1\nmax = 2\nstpe = 1\n",
    /unknown key "stpe" \(hint: valid keys: values, min/,
  );
  bad("[params.x]\nmin = 0\nmax = 2\nlog = true\n", /a log range needs min > 0/);
  bad("[params.x]\nmin = 1\nmax = 2\nlog = true\nstep = 1\n", /a log range takes count, not step/);
  bad("[params.x]\nvalues = []\n", /values must be a non-empty array/);
  bad("[params.x]\nvalues = [1, 1]\n", /values repeat/);
  bad("[params.x]\nmin = 1\nmax = 2\nstep = 0\n", /step must be positive/);
  bad(
    "[params.x]\nmin = 1.5\nmax = 2\ninteger = true\n",
    /integer range needs integer min and max/,
  );
  bad("speed = 1\n[params.x]\nvalues = [1]\n", /^space\.toml:1: unknown key "speed"/);
  bad("constraints = []\n", /the space has no \[params\.NAME\] tables/);
  bad(
    'constraints = ["x < y"]\n[params.x]\nvalues = [1]\n',
    /^space\.toml:1: constraint "x < y" refers to y, which is not a numeric parameter.*numeric parameters: x/,
  );
  bad(
    'constraints = ["x <"]\n[params.x]\nvalues = [1]\n',
    /constraint "x <" cannot be read: it ends early/,
  );
});
