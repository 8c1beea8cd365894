/**
 * Validation of one configuration layer against a schema, with errors that name where the
 * bad value came from: a file (with line), an environment variable, or a CLI flag.
 *
 * @module
 */

import { ConfigError, type SourceLocation } from "../domain/mod.ts";
import { describeField, type Field, type TableField } from "./schema.ts";
import { describeHidden, isSecretKey } from "./secrets.ts";

/** Where a layer's values came from, for error messages. */
export type LayerSource =
  | {
    readonly kind: "file";
    readonly file: string;
    readonly locate: (path: readonly string[]) => number | undefined;
  }
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "flag"; readonly flag: string };

function isTable(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function fail(source: LayerSource, path: readonly string[], reason: string, hint?: string): never {
  const key = path.join(".");
  switch (source.kind) {
    case "file": {
      const line = source.locate(path);
      const location: SourceLocation = line === undefined
        ? { file: source.file }
        : { file: source.file, line };
      throw new ConfigError(`${key}: ${reason}`, { location, hint });
    }
    case "env":
      throw new ConfigError(`environment variable ${source.variable} (${key}): ${reason}`, {
        hint,
      });
    case "flag":
      throw new ConfigError(`flag ${source.flag}: ${reason}`, { hint });
    default: {
      const unknown: never = source;
      throw new TypeError(`Unknown layer source ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Checks `value` against `node`; throws a {@linkcode ConfigError} at the first problem.
 * Unknown keys are errors that list the valid ones.
 */
export function validateValue(
  node: Field,
  value: unknown,
  path: readonly string[],
  source: LayerSource,
): void {
  // A secret's value is never echoed, even a wrongly typed one (`api_secret = 9876543210`).
  const secret = isSecretKey(path[path.length - 1] ?? "");
  const shown = (v: unknown): string => secret ? describeHidden(v) : JSON.stringify(v);
  const expected = () => fail(source, path, `expected ${describeField(node)}, got ${shown(value)}`);
  switch (node.kind) {
    case "string":
      if (typeof value !== "string") expected();
      return;
    case "boolean":
      if (typeof value !== "boolean") expected();
      return;
    case "enum":
      if (typeof value !== "string" || !node.values.includes(value)) expected();
      return;
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return expected();
      if (node.integer === true && !Number.isInteger(value)) expected();
      if (node.min !== undefined && value < node.min) {
        fail(source, path, `must be at least ${node.min}, got ${shown(value)}`);
      }
      if (node.max !== undefined && value > node.max) {
        fail(source, path, `must be at most ${node.max}, got ${shown(value)}`);
      }
      return;
    }
    case "array":
      if (!Array.isArray(value)) return expected();
      value.forEach((item, i) => validateValue(node.item, item, [...path, String(i)], source));
      return;
    case "map":
      if (!isTable(value)) return expected();
      for (const [key, item] of Object.entries(value)) {
        validateValue(node.value, item, [...path, key], source);
      }
      return;
    case "table":
      if (!isTable(value)) return expected();
      for (const [key, item] of Object.entries(value)) {
        const child = node.fields[key];
        if (child === undefined) {
          const valid = Object.keys(node.fields).join(", ");
          const where = path.length > 0 ? ` in [${path.join(".")}]` : "";
          fail(
            source,
            [...path, key],
            "unknown key",
            valid === "" ? `no keys are allowed${where}` : `valid keys${where}: ${valid}`,
          );
        }
        validateValue(child, item, [...path, key], source);
      }
      return;
    default: {
      const unknown: never = node;
      throw new TypeError(`Unknown schema node ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Checks that every `required` key of `schema` is present in the merged `value`.
 *
 * @throws {ConfigError} naming the first missing key and where it can be set.
 */
export function checkRequired(
  schema: TableField,
  value: Readonly<Record<string, unknown>>,
  path: readonly string[] = [],
): void {
  for (const [key, node] of Object.entries(schema.fields)) {
    const item = value[key];
    const here = [...path, key];
    if (item === undefined) {
      if (node.required === true) {
        throw new ConfigError(`missing required key ${here.join(".")}`, {
          hint: `set it in config/default.toml or TESSER_${
            here.map((p) => p.toUpperCase()).join("__")
          }`,
        });
      }
      continue;
    }
    if (node.kind === "table" && isTable(item)) checkRequired(node, item, here);
  }
}

/** Merges `over` onto `base`: tables merge key by key, anything else is replaced. */
export function mergeLayers(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isTable(current) && isTable(value) ? mergeLayers(current, value) : value;
  }
  return result;
}

/** Finds the schema node at `path`, or `undefined` with the valid keys of the deepest table. */
export function nodeAt(
  schema: TableField,
  path: readonly string[],
): { readonly node: Field } | {
  readonly validKeys: readonly string[];
  readonly at: readonly string[];
} {
  let node: Field = schema;
  for (let i = 0; i < path.length; i++) {
    if (node.kind === "table") {
      const child: Field | undefined = node.fields[path[i]];
      if (child === undefined) return { validKeys: Object.keys(node.fields), at: path.slice(0, i) };
      node = child;
    } else if (node.kind === "map") {
      node = node.value;
    } else {
      return { validKeys: [], at: path.slice(0, i) };
    }
  }
  return { node };
}
