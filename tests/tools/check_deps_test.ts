import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = join(ROOT, "tools", "check_deps.ts");

async function runCheck(
  script: string,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", "--allow-read", script],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Writes `files` (relative path → text) under a temp root with a copy of the script in tools/. */
async function withTree(
  files: Readonly<Record<string, string>>,
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "tesser_check_deps_" });
  try {
    await Deno.mkdir(join(root, "tools"));
    await Deno.copyFile(SCRIPT, join(root, "tools", "check_deps.ts"));
    await Deno.copyFile(join(ROOT, "tools", "_layers.ts"), join(root, "tools", "_layers.ts"));
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(root, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("check_deps passes on the real tree", async () => {
  const result = await runCheck(SCRIPT, ROOT);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Dependency direction: ok\n");
});

Deno.test("check_deps fails naming each file and the rule it breaks", async () => {
  await withTree({
    "lib/domain/x.ts": 'import { y } from "../events/y.ts";\nexport const x = y;\n',
    "lib/events/y.ts": "export const y = 1;\n",
    "lib/data/z.ts": 'import foo from "npm:foo";\nexport const z = foo;\n',
  }, async (root) => {
    const result = await runCheck(join(root, "tools", "check_deps.ts"), root);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.deepEqual(result.stderr.trimEnd().split("\n").sort(), [
      '  lib/data/z.ts: imports "npm:foo" inline; add it to the deno.json import map',
      "  lib/domain/x.ts: lib/domain may not import lib/events (allowed: nothing else in lib/)",
      "Dependency direction violated (2):",
    ]);
  });
});

Deno.test("check_deps catches packages outside their module, lib importing cli, and connectors", async () => {
  await withTree({
    "lib/engine/a.ts": 'import { parse } from "smol-toml";\nexport const a = parse;\n',
    "lib/config/ok.ts": 'import { parse } from "smol-toml";\nimport { join } from "node:path";\n' +
      'import { x } from "../domain/x.ts";\nexport const ok = [parse, join, x];\n',
    "lib/domain/x.ts": "export const x = 1;\n",
    "lib/events/b.ts": 'export { main } from "../../cli/main.ts";\n',
    "cli/main.ts": 'import { x } from "../lib/domain/x.ts";\nexport const main = x;\n',
    "connectors/bybit/c.ts": 'import { d } from "../binance/d.ts";\nexport const c = d;\n',
    "connectors/binance/d.ts":
      'const m = await import("../../cli/main.ts");\nexport const d = m;\n',
  }, async (root) => {
    const result = await runCheck(join(root, "tools", "check_deps.ts"), root);
    assert.equal(result.code, 1);
    assert.deepEqual(result.stderr.trimEnd().split("\n").sort(), [
      "  connectors/binance/d.ts: connectors/ may not import cli/",
      "  connectors/bybit/c.ts: connectors/bybit may not import connectors/binance",
      '  lib/engine/a.ts: lib/engine may not import the package "smol-toml" (wrap it in one module)',
      '  lib/events/b.ts: lib/ may not import cli/ ("../../cli/main.ts")',
      "Dependency direction violated (4):",
    ]);
  });
});

Deno.test("check_deps passes a tree that follows the rules", async () => {
  await withTree({
    "lib/domain/x.ts": 'import { Decimal } from "decimal.js";\nexport const x = Decimal;\n',
    "lib/engine/e.ts":
      'import { x } from "../domain/x.ts";\nimport type { y } from "../events/y.ts";\n' +
      "export const e = x;\nexport type E = typeof y;\n",
    "lib/events/y.ts": 'import { x } from "../domain/mod.ts";\nexport const y = x;\n',
  }, async (root) => {
    const result = await runCheck(join(root, "tools", "check_deps.ts"), root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Dependency direction: ok\n");
  });
});
