/**
 * Reading a configuration file (strategy, markets, batch, ETL) with one clear error when it
 * cannot be read.
 *
 * @module
 */

import { ConfigError } from "../domain/mod.ts";

function reasonOf(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the text of the `what` file (e.g. "markets file") at `path`.
 *
 * @throws {ConfigError} naming the file, the reason and `hint`.
 */
export async function readConfigFile(path: string, what: string, hint?: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read the ${what}: ${reasonOf(error)}`, {
      location: { file: path },
      hint,
      cause: error,
    });
  }
}
