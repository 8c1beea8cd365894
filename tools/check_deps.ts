/**
 * Dependency-direction check (part of `deno task check`). Walks every .ts file under lib/,
 * connectors/ and cli/ and fails when an import breaks the layering rules (README "Layout"):
 * lib/ never imports connectors/ or cli/; each lib module imports only the modules its entry
 * in the `ALLOWED` table of `tools/_layers.ts` lists; connectors never import each other nor
 * cli/; npm packages only through the import map, each from the one lib module that wraps it
 * (`PACKAGES` below).
 *
 * @module
 */

import { dirname, join, relative, resolve } from "node:path";
import { ALLOWED } from "./_layers.ts";

/** Bare specifiers a module may use (npm packages via the import map), by lib module. */
const PACKAGES: Readonly<Record<string, readonly string[]>> = {
  domain: ["decimal.js"],
  config: ["smol-toml"],
  data: ["hyparquet", "hyparquet-writer"],
  cortex: ["onnxruntime-node", "onnx-proto"],
  // lib/live/ops/metrics.ts wraps prom-client; lib/live/ops/logging.ts wraps LogTape;
  // lib/live/state/lmdb_store.ts wraps lmdb.
  live: ["prom-client", "@logtape/logtape", "@logtape/file", "lmdb"],
};

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)/g;

function* walk(dir: string): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile && path.endsWith(".ts")) yield path;
  }
}

function areaOf(path: string): { top: string; module: string } {
  const [top, module = ""] = relative(root, path).split("/");
  return { top, module };
}

const problems: string[] = [];
for (const top of ["lib", "connectors", "cli"]) {
  for (const file of walk(join(root, top))) {
    const text = Deno.readTextFileSync(file);
    const from = areaOf(file);
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      const where = relative(root, file);
      if (
        specifier.startsWith("npm:") || specifier.startsWith("jsr:") || specifier.startsWith("http")
      ) {
        problems.push(
          `${where}: imports "${specifier}" inline; add it to the deno.json import map`,
        );
        continue;
      }
      if (!specifier.startsWith(".")) {
        if (specifier.startsWith("node:")) continue;
        const allowed = from.top === "lib" ? PACKAGES[from.module] ?? [] : [];
        if (
          from.top === "lib" &&
          !allowed.some((p) => specifier === p || specifier.startsWith(`${p}/`))
        ) {
          problems.push(
            `${where}: lib/${from.module} may not import the package "${specifier}" (wrap it in one module)`,
          );
        }
        continue;
      }
      const to = areaOf(resolve(dirname(file), specifier));
      if (from.top === "lib") {
        if (to.top !== "lib") {
          problems.push(`${where}: lib/ may not import ${to.top}/ ("${specifier}")`);
        } else if (to.module !== from.module && !(ALLOWED[from.module] ?? []).includes(to.module)) {
          const allowed = (ALLOWED[from.module] ?? []).join(", ") || "nothing else in lib/";
          problems.push(
            `${where}: lib/${from.module} may not import lib/${to.module} (allowed: ${allowed})`,
          );
        }
      } else if (
        from.top === "connectors" && to.top === "connectors" && to.module !== from.module
      ) {
        problems.push(`${where}: connectors/${from.module} may not import connectors/${to.module}`);
      } else if (from.top === "connectors" && to.top === "cli") {
        problems.push(`${where}: connectors/ may not import cli/`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`Dependency direction violated (${problems.length}):`);
  for (const problem of problems) console.error(`  ${problem}`);
  Deno.exit(1);
}
console.log("Dependency direction: ok");
