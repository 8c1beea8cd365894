/**
 * The one module that wraps smol-toml: parses TOML text into plain data and turns syntax
 * errors into a {@linkcode ConfigError} naming file, line and column; writes plain data back.
 *
 * @module
 */

import { parse, stringify, TomlError } from "smol-toml";
import { ConfigError } from "../domain/mod.ts";
import { redactTomlSecrets } from "./secrets.ts";

/** A parsed TOML table (dates become ISO strings so the data is plain JSON). */
export type TomlTable = { readonly [key: string]: unknown };

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "bigint") return Number(value);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Parses TOML `text` read from `file`.
 *
 * @throws {ConfigError} with the file, line and column of a syntax error.
 */
export function parseToml(text: string, file: string): TomlTable {
  try {
    return plain(parse(text)) as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      // The parser's code frame quotes the lines around the error, which in config/local.toml
      // are the API secrets: the cause (printed with --verbose) carries it redacted.
      const cause = new SyntaxError(redactTomlSecrets(error.message));
      cause.stack = redactTomlSecrets(error.stack ?? error.message);
      throw new ConfigError(`invalid TOML: ${reason}`, {
        location: { file, line: error.line, column: error.column },
        cause,
      });
    }
    throw error;
  }
}

/** Finds the 1-based line where the dotted `path` is set in TOML `text`, when it can. */
export function findKeyLine(text: string, path: readonly string[]): number | undefined {
  const lines = text.split("\n");
  const key = path[path.length - 1];
  const parent = path.slice(0, -1).join(".");
  const full = path.join(".");
  let table = "";
  // Arrays of tables ([[markets]]) are addressed by index, as validation paths are: markets.2.
  const arrayCounts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^(\[\[?)\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header !== null) {
      table = header[2].replace(/["'\s]/g, "");
      if (header[1] === "[[") {
        const index = arrayCounts.get(table) ?? 0;
        arrayCounts.set(table, index + 1);
        table = `${table}.${index}`;
      }
      if (table === full) return i + 1;
      continue;
    }
    const assigned = /^["']?([A-Za-z0-9_-]+)["']?\s*[=.]/.exec(line);
    if (assigned === null) continue;
    if (table === parent && assigned[1] === key) return i + 1;
    if (table === "" && line.replace(/\s/g, "").startsWith(`${full}=`)) return i + 1;
  }
  return undefined;
}

/**
 * Writes plain data (numbers, strings, booleans, arrays and tables) as TOML text.
 *
 * @example
 * ```ts
 * import { stringifyToml } from "@tesser/tesser/config";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stringifyToml({ params: { fast: 8 } }), "[params]\nfast = 8\n");
 * ```
 */
export function stringifyToml(table: TomlTable): string {
  const text = stringify(table);
  return text.endsWith("\n") ? text : `${text}\n`;
}
