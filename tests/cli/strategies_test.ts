import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { strategiesCommand } from "../../cli/strategies.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";

Deno.test("strategies --help prints its usage and exits 0", () => {
  const io = recordingIo();
  assert.equal(strategiesCommand(["--help"], io), 0);
  assert.match(io.out[0], /^Usage: tesser strategies \[--json\]/);
});

Deno.test("strategies --json lists every built-in strategy with its params", () => {
  const io = recordingIo();
  assert.equal(strategiesCommand(["--json"], io), 0);
  const list = JSON.parse(io.out[0]) as { name: string; params: { name: string }[] }[];
  assert.deepEqual(list.map((s) => s.name), builtinStrategies.list().map((s) => s.name));
  for (const entry of list) {
    const definition = builtinStrategies.find(entry.name);
    assert.ok(definition !== undefined);
    assert.deepEqual(entry.params.map((p) => p.name), Object.keys(definition.params.fields));
  }
});

Deno.test("strategies prints one heading line per built-in strategy", () => {
  const io = recordingIo();
  assert.equal(strategiesCommand([], io), 0);
  const names = builtinStrategies.list().map((s) => s.name);
  if (names.length === 0) {
    assert.deepEqual(io.out, ["No strategies are registered."]);
    return;
  }
  const headings = io.out.filter((line) => !line.startsWith("  "));
  assert.deepEqual(headings.map((line) => line.split(/[ (]/)[0]), names);
});

Deno.test("strategies rejects an unknown flag with a ConfigError", () => {
  assert.throws(
    () => strategiesCommand(["--verbose-list"], recordingIo()),
    { name: "ConfigError", message: /^strategies: Unknown option '--verbose-list'/ },
  );
});
