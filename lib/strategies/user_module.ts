/**
 * Loads a user's strategy module (`tesser backtest run --strategy-module ./my_strategy.ts`):
 * the module must have a named export `strategy` holding a {@linkcode StrategyDefinition}.
 * The definition goes into a fresh {@linkcode StrategyRegistry}, so its params are validated
 * exactly like a built-in's and its name cannot clash with one.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../domain/mod.ts";
import type { TableField } from "../config/mod.ts";
import { type StrategyDefinition, StrategyRegistry } from "./registry.ts";

function problemOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") {
    return `it is ${value === null ? "null" : typeof value}`;
  }
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.name !== "string" || candidate.name === "") return "it has no name";
  if (typeof candidate.description !== "string") return "it has no description";
  const params = candidate.params as { kind?: unknown; fields?: unknown } | undefined;
  if (
    params === undefined || params === null || params.kind !== "table" ||
    typeof params.fields !== "object"
  ) {
    return "its params is not a field.table(...) schema";
  }
  if (typeof candidate.create !== "function") return "it has no create(params) function";
  return undefined;
}

/**
 * Imports the module at `path` (relative to the working directory) and returns a registry
 * holding its `strategy` export.
 *
 * @throws {ConfigError} when the module cannot be loaded, has no `strategy` export, or the
 * export is not a strategy definition.
 */
export async function loadStrategyModule(path: string): Promise<StrategyRegistry> {
  const location = { file: path };
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(Deno.cwd(), path)).href;
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    const notFound = error instanceof TypeError &&
      /Module not found|No such file/i.test(error.message);
    throw new ConfigError(
      notFound
        ? "cannot load the strategy module: file not found"
        : `cannot load the strategy module: ${(error as Error).message.split("\n")[0]}`,
      { location, hint: "pass --strategy-module the path of a .ts file", cause: error },
    );
  }
  if (!("strategy" in module)) {
    const names = Object.keys(module);
    const named = names.includes("default") ? " as a named export, not the default one" : "";
    throw new ConfigError('the strategy module has no export named "strategy"', {
      location,
      hint: `add "export const strategy: StrategyDefinition<typeof params> = { ... }"${named}${
        names.length > 0 ? ` (it exports: ${names.join(", ")})` : ""
      }`,
    });
  }
  const problem = problemOf(module.strategy);
  if (problem !== undefined) {
    throw new ConfigError(
      `the strategy module's "strategy" export is not a strategy definition: ${problem}`,
      {
        location,
        hint: "export { name, description, params: field.table({...}), create(params) }",
      },
    );
  }
  const registry = new StrategyRegistry();
  registry.register(module.strategy as StrategyDefinition<TableField>, { origin: path });
  return registry;
}
