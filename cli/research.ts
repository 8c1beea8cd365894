/**
 * `tesser research <subcommand>`: parameter optimization (sharded or not), merging of shard
 * parts, and walk-forward analysis.
 *
 * @module
 */

import { ConfigError } from "../lib/domain/mod.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { researchBiasCommand } from "./research_bias.ts";
import { researchMergeCommand } from "./research_merge.ts";
import { researchMonteCarloCommand } from "./research_montecarlo.ts";
import { researchOptimizeCommand } from "./research_optimize.ts";
import { researchReportCommand } from "./research_report.ts";
import { researchStabilityCommand } from "./research_stability.ts";
import { researchWalkForwardCommand } from "./research_walk_forward.ts";

const HELP = `Usage: tesser research <command> [options]

Commands:
  optimize      search strategy parameters (grid or random; --shard for clusters)
  merge         join the parts of a sharded optimize into its results
  walk-forward  optimize on rolling or anchored training windows, test on the next window
  montecarlo    resample a backtest's trades: intervals on its return and drawdown
  stability     the neighbourhood of a study's best set: plateau or spike
  bias          look-ahead and recursive-indicator checks of a strategy on real data
  report        a study's report.html, with walk-forward curves and Monte Carlo bands

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
    case "montecarlo":
      return await researchMonteCarloCommand(rest, io);
    case "stability":
      return await researchStabilityCommand(rest, io);
    case "bias":
      return await researchBiasCommand(rest, io);
    case "report":
      return await researchReportCommand(rest, io);
    case "walk-forward":
      return await researchWalkForwardCommand(rest, io, global);
    default:
      throw new ConfigError(`unknown research command "${sub}"`, {
        hint: "commands: optimize, merge, walk-forward, montecarlo, stability, bias, report",
      });
  }
}
