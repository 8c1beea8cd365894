// The layer table is written in three places a reader trusts: tools/_layers.ts (the one the
// check enforces), the README's table, and the first sentence of each lib/<module>/mod.ts.
// These tests keep the prose equal to the table.

import assert from "node:assert/strict";
import { join } from "node:path";
import { ALLOWED } from "../../tools/_layers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The README's "may import" table as module → allowed modules. */
function readmeTable(readme: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const [, module, cell] of readme.matchAll(/^\| `(\w+)`\s*\| ([^|]+?)\s*\|$/gm)) {
    const text = (cell ?? "").replace(/\s*\(being built\)$/, "");
    const everything = /^everything above(?: but (.+))?$/.exec(text);
    let allowed: string[];
    if (text === "nothing") allowed = [];
    else if (everything !== null) {
      const except = (everything[1] ?? "").split(/, | and /);
      allowed = [...rows.keys()].filter((m) => !except.includes(m));
    } else allowed = text.split(", ");
    rows.set(module ?? "", allowed);
  }
  return rows;
}

Deno.test("the README's layer table is the ALLOWED table of tools/_layers.ts", async () => {
  const table = readmeTable(await Deno.readTextFile(join(ROOT, "README.md")));
  assert.deepEqual([...table.keys()], Object.keys(ALLOWED));
  for (const [module, allowed] of table) {
    assert.deepEqual([...allowed].sort(), [...(ALLOWED[module] ?? [])].sort(), `row ${module}`);
  }
});

/** The modules the "may import" sentence of a barrel's doc names, or undefined for "any". */
function importsSaid(
  doc: string,
  modules: readonly string[],
  self: string,
): string[] | undefined {
  const text = doc.replace(/\n \* /g, " ");
  if (/imports nothing else|depends on nothing else/.test(text)) return [];
  const sentence = /may import ([^.;]*)[.;]/.exec(text)?.[1];
  if (sentence === undefined || /\bany lib/.test(sentence)) return undefined;
  const named = [...sentence.matchAll(/`lib\/(\w+)`|`(\w+)`/g)].map((m) => m[1] ?? m[2] ?? "");
  if (/every other/.test(sentence)) return modules.filter((m) => m !== self && !named.includes(m));
  return named;
}

Deno.test("each lib/<module>/mod.ts says what it may import as the table does", async () => {
  const modules = Object.keys(ALLOWED);
  for (const module of modules) {
    let doc: string;
    try {
      doc = await Deno.readTextFile(join(ROOT, "lib", module, "mod.ts"));
    } catch {
      continue; // a module being built has no barrel yet
    }
    const said = importsSaid(doc.slice(0, doc.indexOf("*/")), modules, module);
    if (said === undefined) continue;
    const allowed = ALLOWED[module] ?? [];
    // Saying less than the table allows is a promise kept; saying more is drift.
    const extra = said.filter((m) => !allowed.includes(m));
    assert.deepEqual(extra, [], `lib/${module}/mod.ts names imports the table forbids`);
    if (module !== "indicators") {
      assert.deepEqual([...said].sort(), [...allowed].sort(), `lib/${module}/mod.ts`);
    }
  }
});
