// Every JSDoc example is what a library user would write: it imports the public specifiers
// (`@tesser/tesser`, `@tesser/tesser/<module>`, `node:` built-ins) and asserts what it shows,
// so `deno test --doc` (in `deno task check`) proves it. Private files have no examples.

import assert from "node:assert/strict";
import { join, relative } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

function* sources(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

interface Example {
  readonly where: string;
  readonly code: string;
}

/** The ```ts blocks of `text`'s doc comments, without their leading ` * `. */
export function examplesOf(file: string, text: string): Example[] {
  const examples: Example[] = [];
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const line = text.slice(0, match.index).split("\n").length;
    examples.push({
      where: `${file}:${line}`,
      code: (match[1] ?? "").replace(/^\s*\* ?/gm, ""),
    });
  }
  return examples;
}

/** What is wrong with one example, in words. */
export function exampleProblems(file: string, example: Example): string[] {
  const problems: string[] = [];
  if ((file.split("/").pop() ?? "").startsWith("_")) {
    problems.push(`${example.where}: a private file has no public example`);
  }
  for (const [, specifier] of example.code.matchAll(/from\s+"([^"]+)"/g)) {
    if (!/^(@tesser\/tesser(\/[a-z]+)?|node:[a-z/]+)$/.test(specifier ?? "")) {
      problems.push(`${example.where}: imports "${specifier}" (use @tesser/tesser or a subpath)`);
    }
  }
  if (!/\bassert\w*(\.\w+)?\(/.test(example.code)) {
    problems.push(`${example.where}: asserts nothing (show the result with assert)`);
  }
  return problems;
}

Deno.test("exampleProblems flags relative imports, examples without assertions and private files", () => {
  const bad = { where: "x.ts:3", code: 'import { a } from "./a.ts";\na(); // 1\n' };
  assert.deepEqual(exampleProblems("lib/x/_y.ts", bad), [
    "x.ts:3: a private file has no public example",
    'x.ts:3: imports "./a.ts" (use @tesser/tesser or a subpath)',
    "x.ts:3: asserts nothing (show the result with assert)",
  ]);
  const good = {
    where: "x.ts:3",
    code:
      'import { a } from "@tesser/tesser/data";\nimport assert from "node:assert/strict";\nassert.equal(a(), 1);\n',
  };
  assert.deepEqual(exampleProblems("lib/x/y.ts", good), []);
});

Deno.test("every JSDoc example in lib/ and mod.ts imports public specifiers and asserts", () => {
  const files = [...sources(join(ROOT, "lib")), join(ROOT, "mod.ts")];
  const problems: string[] = [];
  let count = 0;
  for (const path of files) {
    const file = relative(ROOT, path);
    for (const example of examplesOf(file, Deno.readTextFileSync(path))) {
      count++;
      problems.push(...exampleProblems(file, example));
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(count >= 50, `found only ${count} examples`);
});
