/**
 * `tesser research <subcommand>`: parameter optimization (sharded or not) and merging of
 * shard parts.
 *
 * @module
 */

import { ConfigError } from "../lib/domain/mod.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { researchMergeCommand } from "./research_merge.ts";
import { researchOptimizeCommand } from "./research_optimize.ts";

const HELP = `Usage: tesser research <command> [options]

Commands:
  optimize      search strategy parameters (grid or random; --shard for clusters)
  merge         join the parts of a sharded optimize into its results

Run "tesser research <command> --help" for the options of each.`;

/** Runs `tesser research <subcommand>`; returns the exit code. */
export async function researchCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
      io.stderr(HELP);
      return 2;
    case "--help":
    case "-h":
      io.stdout(HELP);
      return 0;
    case "optimize":
      return await researchOptimizeCommand(rest, io, global);
    case "merge":
      return await researchMergeCommand(rest, io);
    default:
      throw new ConfigError(`unknown research command "${sub}"`, {
        hint: "commands: optimize, merge",
      });
  }
}
