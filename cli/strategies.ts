/**
 * `tesser strategies`: lists the registered strategies with their parameters.
 *
 * @module
 */

import { builtinStrategies, describeParams } from "../lib/strategies/mod.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, parseFlags } from "./usage_error.ts";

const HELP = `Usage: tesser strategies [--json]

Lists the built-in strategies with their parameters, types, defaults and descriptions.

Options:
  --json    print the list as JSON
  -h, --help`;

/** Runs `tesser strategies`; returns the exit code. */
export function strategiesCommand(args: readonly string[], io: CommandIo): number {
  const flags = parseFlags("strategies", args, {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const strategies = builtinStrategies.list().map((definition) => ({
    name: definition.name,
    aliases: definition.aliases ?? [],
    description: definition.description,
    params: describeParams(definition),
  }));
  if (booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify(strategies, null, 2));
    return 0;
  }
  if (strategies.length === 0) {
    io.stdout("No strategies are registered.");
    return 0;
  }
  for (const strategy of strategies) {
    const aliases = strategy.aliases.length > 0 ? ` (aliases: ${strategy.aliases.join(", ")})` : "";
    io.stdout(`${strategy.name}${aliases} — ${strategy.description}`);
    for (const param of strategy.params) {
      const fallback = param.default === undefined
        ? (param.required ? "required" : "optional")
        : `default ${JSON.stringify(param.default)}`;
      const help = param.description === "" ? "" : ` — ${param.description}`;
      io.stdout(`  ${param.name}: ${param.type}, ${fallback}${help}`);
    }
  }
  return 0;
}
