/**
 * Layered configuration: `config/default.toml` → `config/{env}.toml` → `config/local.toml`
 * (git-ignored, optional) → environment variables `TESSER_SECTION__KEY` (`__` nests) → CLI
 * overrides, lowest to highest. Each layer is validated on its own so an error names the
 * file, variable or flag it came from.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError } from "../domain/mod.ts";
import { applyDefaults, describeField, type Field, type Infer, type TableField } from "./schema.ts";
import { findKeyLine, parseToml } from "./toml.ts";
import { checkRequired, mergeLayers, nodeAt, validateValue } from "./validate.ts";

/** A value set from the command line, e.g. `--fee-bps 5` → `backtest.fee_bps = 5`. */
export interface ConfigOverride {
  /** Dotted key path, e.g. `backtest.fee_bps`. */
  readonly key: string;
  /** The typed value. */
  readonly value: unknown;
  /** The flag as the user typed it, for errors. */
  readonly flag: string;
}

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions<S extends TableField> {
  /** The schema to validate against. */
  readonly schema: S;
  /** Folder holding default.toml, {env}.toml and local.toml. */
  readonly configDir: string;
  /** Environment profile name (`--env`), e.g. `prod`; its file must exist. */
  readonly env?: string;
  /** Environment variables to read `TESSER_*` from (pass `Deno.env.toObject()`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** CLI overrides, highest priority. */
  readonly overrides?: readonly ConfigOverride[];
}

/** The merged configuration and where it came from. */
export interface LoadedConfig<S extends TableField> {
  /** The validated, merged values. */
  readonly config: Infer<S>;
  /** The files that were read, lowest priority first. */
  readonly files: readonly string[];
  /**
   * Where each value set by a layer came from, by dotted key (`risk_management.max_drawdown`):
   * `config/default.toml [risk_management] max_drawdown = 0.05`, `environment
   * TESSER_RISK_MANAGEMENT__MAX_DRAWDOWN=0.1`, or the flag. Defaults of the schema have none.
   */
  readonly sources: Readonly<Record<string, string>>;
}

// Records, for every leaf value of a layer, the line that says where it came from.
function recordSources(
  sources: Record<string, string>,
  value: unknown,
  path: readonly string[],
  describe: (path: readonly string[], value: unknown) => string,
): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      recordSources(sources, inner, [...path, key], describe);
    }
    return;
  }
  if (path.length > 0) sources[path.join(".")] = describe(path, value);
}

const ENV_PREFIX = "TESSER_";

function readOptional(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`cannot read config file: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
}

function coerce(node: Field, text: string): unknown {
  switch (node.kind) {
    case "string":
    case "enum":
      return text;
    case "number": {
      // Unparsable text stays text, so the error quotes what the user typed.
      const value = Number(text);
      return text.trim() === "" || !Number.isFinite(value) ? text : value;
    }
    case "boolean":
      return text === "true" || text === "1"
        ? true
        : text === "false" || text === "0"
        ? false
        : text;
    case "array":
      return text.split(",").map((part) => coerce(node.item, part.trim()));
    case "table":
    case "map":
      return text;
    default: {
      const unknown: never = node;
      throw new TypeError(`Unknown schema node ${JSON.stringify(unknown)}`);
    }
  }
}

function nest(path: readonly string[], value: unknown): Readonly<Record<string, unknown>> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<
    string,
    unknown
  >;
}

// Table fields are lower-case names, so those segments are folded; a map key (a currency, an
// exchange profile) keeps the spelling it already has in the files, else the variable's own.
function envPath(
  schema: TableField,
  raw: readonly string[],
  merged: Readonly<Record<string, unknown>>,
): string[] {
  const path: string[] = [];
  let node: Field | undefined = schema;
  let values: unknown = merged;
  for (const segment of raw) {
    let key = segment.toLowerCase();
    if (node?.kind === "map") {
      const existing = values !== null && typeof values === "object"
        ? Object.keys(values).find((k) => k.toLowerCase() === key)
        : undefined;
      key = existing ?? segment;
      node = node.value;
    } else if (node?.kind === "table") {
      node = node.fields[key];
    } else {
      node = undefined;
    }
    values = values !== null && typeof values === "object"
      ? (values as Record<string, unknown>)[key]
      : undefined;
    path.push(key);
  }
  return path;
}

function envLayers(
  schema: TableField,
  environment: Readonly<Record<string, string>>,
  merged: Readonly<Record<string, unknown>>,
  sources?: Map<string, string>,
): Readonly<Record<string, unknown>> {
  let layer: Readonly<Record<string, unknown>> = {};
  for (const variable of Object.keys(environment).sort()) {
    if (!variable.startsWith(ENV_PREFIX)) continue;
    const path = envPath(schema, variable.slice(ENV_PREFIX.length).split("__"), merged);
    const found = nodeAt(schema, path);
    if (!("node" in found)) {
      const where = found.at.length === 0 ? "" : ` in [${found.at.join(".")}]`;
      throw new ConfigError(`environment variable ${variable}: unknown key ${path.join(".")}`, {
        hint: `valid keys${where}: ${found.validKeys.join(", ")}`,
      });
    }
    const value = coerce(found.node, environment[variable]);
    validateValue(found.node, value, path, { kind: "env", variable });
    layer = mergeLayers(layer, nest(path, value));
    sources?.set(path.join("."), `environment ${variable}=${environment[variable]}`);
  }
  return layer;
}

function overrideLayer(
  schema: TableField,
  overrides: readonly ConfigOverride[],
  sources?: Map<string, string>,
): Readonly<Record<string, unknown>> {
  let layer: Readonly<Record<string, unknown>> = {};
  for (const override of overrides) {
    const path = override.key.split(".");
    const found = nodeAt(schema, path);
    if (!("node" in found)) {
      throw new TypeError(`Override ${override.flag} targets unknown key ${override.key}`);
    }
    validateValue(found.node, override.value, path, { kind: "flag", flag: override.flag });
    layer = mergeLayers(layer, nest(path, override.value));
    sources?.set(override.key, `${override.flag} ${JSON.stringify(override.value)}`);
  }
  return layer;
}

/**
 * Loads, validates and merges the configuration layers.
 *
 * @throws {ConfigError} for a missing default file, a missing `{env}` profile, TOML syntax
 * errors (file:line:column), unknown keys (with the valid ones), wrong types, or a missing
 * required key.
 */
export function loadConfig<S extends TableField>(options: LoadConfigOptions<S>): LoadedConfig<S> {
  const { schema, configDir } = options;
  const files: string[] = [];
  const sources: Record<string, string> = {};
  let merged: Readonly<Record<string, unknown>> = {};
  const layer = (file: string, required: string | undefined) => {
    const text = readOptional(file);
    if (text === undefined) {
      if (required !== undefined) {
        throw new ConfigError(`config file not found`, { location: { file }, hint: required });
      }
      return;
    }
    const data = parseToml(text, file);
    validateValue(schema, data, [], {
      kind: "file",
      file,
      locate: (path) => findKeyLine(text, path),
    });
    merged = mergeLayers(merged, data);
    files.push(file);
    recordSources(sources, data, [], (path, value) => {
      const table = path.length > 1 ? `[${path.slice(0, -1).join(".")}] ` : "";
      return `${file} ${table}${path[path.length - 1]} = ${JSON.stringify(value)}`;
    });
  };
  layer(
    join(configDir, "default.toml"),
    `pass --config-dir with the folder that holds default.toml`,
  );
  if (options.env !== undefined) {
    if (!/^[A-Za-z0-9_-]+$/.test(options.env)) {
      throw new ConfigError(
        `--env "${options.env}" must be a profile name such as prod or testnet`,
      );
    }
    layer(join(configDir, `${options.env}.toml`), `create it, or choose another --env`);
  }
  layer(join(configDir, "local.toml"), undefined);
  const later = new Map<string, string>();
  merged = mergeLayers(merged, envLayers(schema, options.environment ?? {}, merged, later));
  merged = mergeLayers(merged, overrideLayer(schema, options.overrides ?? [], later));
  for (const [key, source] of later) sources[key] = source;
  merged = applyDefaults(schema, merged);
  checkRequired(schema, merged);
  // Sound: every layer was validated against `schema` and required keys were checked.
  return { config: merged, files, sources } as unknown as LoadedConfig<S>;
}

/** Describes the type expected at a dotted key, for `--help` texts. */
export function describeKey(schema: TableField, key: string): string | undefined {
  const found = nodeAt(schema, key.split("."));
  return "node" in found ? describeField(found.node) : undefined;
}
