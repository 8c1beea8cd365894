/**
 * Strategy files in Tesser's TOML format (`strategy_name = "..."` and a `[params]` table), and
 * `--param KEY=VALUE` overrides on top of them.
 *
 * @module
 */

import { field, parseToml, readConfigFile } from "../lib/config/mod.ts";
import { findKeyLine } from "../lib/config/toml.ts";
import { validateValue } from "../lib/config/validate.ts";
import { ConfigError } from "../lib/domain/mod.ts";
import { type ExecutionTemplate, parseExecutionTable } from "../lib/execution/mod.ts";

const strategyFileSchema = field.table({
  strategy_name: field.string({ required: true }),
  params: field.map(field.string()),
});

/** A parsed strategy TOML file. */
export interface StrategyFile {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The `[execution]` table: the algorithm for signals without a hint of their own. */
  readonly execution?: ExecutionTemplate;
}

/** Reads a strategy TOML file; its params are checked later against the strategy's schema. */
export async function readStrategyFile(path: string): Promise<StrategyFile> {
  const text = await readConfigFile(path, "strategy config");
  const data = parseToml(text, path);
  // Params are checked against the strategy's own schema later; here only the top level.
  const { params = {}, execution, ...top } = data;
  validateValue(field.table({ strategy_name: strategyFileSchema.fields.strategy_name }), top, [], {
    kind: "file",
    file: path,
    locate: (keyPath) => findKeyLine(text, keyPath),
  });
  if (typeof data.strategy_name !== "string") {
    throw new ConfigError("missing strategy_name", {
      location: { file: path },
      hint: `add strategy_name = "SmaCross"`,
    });
  }
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ConfigError("[params] must be a table", { location: { file: path } });
  }
  if (
    execution !== undefined &&
    (execution === null || typeof execution !== "object" || Array.isArray(execution))
  ) {
    throw new ConfigError("[execution] must be a table", { location: { file: path } });
  }
  return {
    name: data.strategy_name,
    params: params as Readonly<Record<string, unknown>>,
    ...(execution === undefined ? {} : {
      execution: parseExecutionTable(execution as Readonly<Record<string, unknown>>, {
        file: path,
        line: findKeyLine(text, ["execution", "algorithm"]),
      }),
    }),
  };
}

/** Applies `--param key=value` overrides (values in TOML syntax: 5, 0.5, true, "text"). */
export function withParamOverrides(file: StrategyFile, overrides: readonly string[]): StrategyFile {
  if (overrides.length === 0) return file;
  const params: Record<string, unknown> = { ...file.params };
  for (const override of overrides) {
    const eq = override.indexOf("=");
    const key = override.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ConfigError(`flag --param: "${override}" is not KEY=VALUE`, {
        hint: "e.g. --param fast_period=8",
      });
    }
    const text = override.slice(eq + 1).trim();
    let value: unknown;
    try {
      value = parseToml(`value = ${text}`, "--param").value;
    } catch {
      value = text; // a bare word is a string, as a user would expect on a command line
    }
    params[key] = value;
  }
  return { ...file, params };
}
