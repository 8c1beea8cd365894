import assert from "node:assert/strict";
import {
  type BarrelName,
  renderRootModule,
  type RootInputs,
  rootProblems,
} from "../../tools/gen_root_mod.ts";

const name = (n: string, file: string, typeOnly = false): BarrelName => ({
  name: n,
  file,
  typeOnly,
});

function inputs(overrides: Partial<RootInputs> = {}): RootInputs {
  return {
    barrels: new Map([
      ["domain", [name("Candle", "domain/market.ts", true), name("toIso", "domain/time.ts")]],
      [
        "strategies",
        [
          name("defineStrategy", "strategies/define_strategy.ts"),
          name("Candle", "domain/market.ts", true),
        ],
      ],
      ["testing", [name("runStrategy", "testing/run_strategy.ts")]],
    ]),
    layerModules: ["domain", "strategies", "cortex", "testing"],
    curated: { domain: ["Candle", "toIso"], strategies: ["defineStrategy"], testing: [] },
    privateExceptions: {},
    subpaths: new Set(["./domain", "./strategies", "./testing"]),
    ...overrides,
  };
}

Deno.test("rootProblems: a consistent curation has none, and renders by module, values then types", () => {
  assert.deepEqual(rootProblems(inputs()), []);
  assert.equal(
    renderRootModule(inputs()).split("*/\n")[1],
    '\nexport {\n  toIso,\n  type Candle,\n} from "./lib/domain/mod.ts";\nexport {\n  defineStrategy,\n} from "./lib/strategies/mod.ts";\n',
  );
});

Deno.test("rootProblems: a new module's barrel needs a deliberate entry and a subpath", () => {
  const barrels = new Map(inputs().barrels);
  barrels.set("cortex", [name("CortexEngine", "cortex/engine.ts")]);
  assert.deepEqual(rootProblems(inputs({ barrels })), [
    "lib/cortex has a barrel but no entry in tools/root_exports.ts: list the names it adds to the root module, or [] to keep them behind @tesser/tesser/cortex",
    'deno.json exports has no "./cortex": add "./cortex": "./lib/cortex/mod.ts"',
  ]);
});

Deno.test("rootProblems: stale, misplaced and duplicate names; names for the test kit", () => {
  const curated = {
    domain: ["Candle", "toIso", "toIso", "fromIso"],
    strategies: ["defineStrategy", "Candle"],
    testing: ["runStrategy"],
    cortex: ["CortexEngine"],
    nonsense: [],
  };
  assert.deepEqual(rootProblems(inputs({ curated })), [
    "tools/root_exports.ts lists domain.toIso twice",
    "tools/root_exports.ts lists fromIso under domain, but lib/domain/mod.ts does not export it",
    "tools/root_exports.ts lists Candle under strategies, but it is declared in lib/domain/market.ts: list it under domain",
    "tools/root_exports.ts lists names under cortex, which has no barrel yet",
    "tools/root_exports.ts has an entry for nonsense, which is not a lib/ module",
    "the test kit is its own subpath (@tesser/tesser/testing): list no root names",
  ]);
});

Deno.test("rootProblems: public names from private files, unless a listed exception that still exists", () => {
  const barrels = new Map(inputs().barrels);
  barrels.set("domain", [
    name("Candle", "domain/market.ts", true),
    name("toIso", "domain/time.ts"),
    name("Hidden", "domain/_hidden.ts", true),
    name("Known", "domain/_known.ts", true),
  ]);
  assert.deepEqual(
    rootProblems(inputs({ barrels, privateExceptions: { domain: ["Known", "Gone"] } })),
    [
      "lib/domain/mod.ts exports Hidden from the private file lib/domain/_hidden.ts: move it to a public file (or drop the export)",
      "tools/root_exports.ts PRIVATE_FILE_EXCEPTIONS lists domain.Gone, which no private file exports any more: remove it",
    ],
  );
});
