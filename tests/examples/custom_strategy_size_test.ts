// The README promises a user strategy in at most 30 lines of code with defineStrategy; this
// keeps the example honest. Blank lines and comments (line and block, JSDoc included) do not count.

import assert from "node:assert/strict";

/** The lines of `source` that hold code: not blank, not only a comment. */
function codeLines(source: string): string[] {
  const lines: string[] = [];
  let inBlock = false;
  for (const raw of source.split("\n")) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf("*/");
      if (end === -1) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    if (line.startsWith("/*")) {
      const end = line.indexOf("*/", 2);
      if (end === -1) {
        inBlock = true;
        continue;
      }
      line = line.slice(end + 2).trim();
    }
    if (line === "" || line.startsWith("//")) continue;
    lines.push(line);
  }
  return lines;
}

Deno.test("codeLines skips blank lines, line comments and block comments", () => {
  const source = [
    "/**",
    " * Doc.",
    " */",
    "",
    "// note",
    "const a = 1; // trailing comment stays code",
    "/* one-line block */",
    "const b = 2;",
  ].join("\n");
  assert.deepEqual(codeLines(source), [
    "const a = 1; // trailing comment stays code",
    "const b = 2;",
  ]);
});

Deno.test("MomentumBurst (examples/custom_strategy/my_strategy.ts) is at most 30 lines of code", async () => {
  const url = new URL("../../examples/custom_strategy/my_strategy.ts", import.meta.url);
  const lines = codeLines(await Deno.readTextFile(url));
  assert.ok(lines.length <= 30, `${lines.length} lines of code:\n${lines.join("\n")}`);
  assert.ok(lines.some((line) => line.includes("defineStrategy(")), "uses defineStrategy");
});
