/**
 * Runs the CLI in-process with a recording io, and temp folders that are always removed: the
 * shared set-up of the CLI robustness tests.
 *
 * @module
 */

import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

/** What one CLI run printed and returned. */
export interface CliRun {
  /** Exit code. */
  readonly code: number;
  /** Lines on stdout. */
  readonly out: readonly string[];
  /** Lines on stderr. */
  readonly err: readonly string[];
  /** stdout and stderr joined, for matching. */
  readonly text: string;
}

/** Runs `tesser ...args` in this process. */
export async function tesser(...args: string[]): Promise<CliRun> {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err, text: [...io.out, ...io.err].join("\n") };
}

/** Runs `fn` with a fresh temp folder, removed afterwards whatever happens. */
export async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-robust-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The names in `dir`, sorted (hidden ones included). */
export function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}
