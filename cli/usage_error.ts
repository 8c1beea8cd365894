/**
 * Parsing of command-line flags with `node:util` parseArgs, turning its errors into
 * {@linkcode ConfigError}s (exit code 2) that name the flag.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../lib/domain/mod.ts";

/** Flag definitions in parseArgs' format. */
export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Parsed flags and positionals. */
export interface ParsedFlags {
  /** Flag values by name. */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** Arguments that are not flags. */
  readonly positionals: readonly string[];
}

/**
 * Parses `args` strictly.
 *
 * @throws {ConfigError} for an unknown flag or a missing value, naming it and the command.
 */
export function parseFlags(
  command: string,
  args: readonly string[],
  options: FlagOptions,
  allowPositionals = false,
): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args, options),
      options,
      strict: true,
      allowPositionals,
    });
    return { values, positionals };
  } catch (error) {
    const message = (error as Error).message
      .replace(/\. To specify a positional argument.*$/s, "")
      .replace(/\s*\n\s*/g, " ");
    throw new ConfigError(`${command}: ${message}`, {
      hint: `run "tesser ${command} --help"`,
      cause: error,
    });
  }
}

// parseArgs takes "-2" after a flag for another flag ("--fee-bps -2" would be ambiguous), so a
// negative number after a flag that takes a value is joined to it ("--fee-bps=-2"). And a
// repeatable flag takes every value up to the next flag ("--data a.parquet b.parquet", which is
// also what a shell glob after one flag becomes), as the seed's CLI did: the commands take no
// positional arguments, so nothing else could be meant.
function joinNegativeValues(args: readonly string[], options: FlagOptions): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2).split("=", 1)[0] : "";
    const option = options[name];
    const takesValue = !arg.includes("=") && option?.type === "string";
    if (takesValue && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
    if (option?.type !== "string" || option.multiple !== true) continue;
    // The value given with the flag ("--data=a" or "--data a"), then the ones after it.
    if (!arg.includes("=") && args[i + 1] !== undefined && !args[i + 1].startsWith("-")) {
      joined.push(args[++i]);
    }
    while (i + 1 < args.length && !args[i + 1].startsWith("-") && args[i + 1] !== "") {
      joined.push(`--${name}`, args[++i]);
    }
  }
  return joined;
}

/** Reads a string flag. */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags.values[name];
  if (value === "") {
    // An empty path or value is a slip (an unset shell variable), never a choice: `--output-dir ""`
    // would otherwise mean the current folder.
    throw new ConfigError(`flag --${name} is empty`, { hint: `give --${name} a value` });
  }
  return typeof value === "string" ? value : undefined;
}

/** Reads a repeatable string flag. */
export function stringsFlag(flags: ParsedFlags, name: string): readonly string[] {
  const value = flags.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** Reads a boolean flag. */
export function booleanFlag(flags: ParsedFlags, name: string): boolean {
  return flags.values[name] === true;
}

/**
 * Reads a numeric flag.
 *
 * @throws {ConfigError} when the value is not a number or breaks the bounds.
 */
export function numberFlag(
  flags: ParsedFlags,
  name: string,
  bounds: { readonly min?: number; readonly max?: number; readonly integer?: boolean } = {},
): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const kind = bounds.integer === true ? "an integer" : "a number";
  if (
    text.trim() === "" || !Number.isFinite(value) ||
    (bounds.integer === true && !Number.isInteger(value))
  ) {
    throw new ConfigError(`flag --${name}: expected ${kind}, got "${text}"`);
  }
  if (bounds.min !== undefined && value < bounds.min) {
    throw new ConfigError(`flag --${name}: must be at least ${bounds.min}, got ${value}`);
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw new ConfigError(`flag --${name}: must be at most ${bounds.max}, got ${value}`);
  }
  return value;
}
