/**
 * `tesser research montecarlo`: resamples the trades of a backtest's output folder and prints
 * confidence intervals on its return and drawdown.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError, DataError } from "../lib/domain/mod.ts";
import {
  monteCarlo,
  monteCarloJson,
  type MonteCarloResult,
  writeMonteCarlo,
} from "../lib/research/mod.ts";
import { choice } from "./_backtest_flags.ts";
import type { CommandIo } from "./io.ts";
import { makeOutputDir } from "./research_optimize.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag } from "./usage_error.ts";

/** The help of `research montecarlo`. */
export const MONTECARLO_HELP = `Usage: tesser research montecarlo --report DIR [options]

Resamples the trades of a backtest (the folder 'backtest run --output-dir' wrote: trades.csv
and report.json) and reports the spread of the total return and the max drawdown.

Options:
  --report DIR        the backtest output folder
  --method M          shuffle (default: the same trades in random orders) or bootstrap
                      (as many trades drawn with replacement)
  --simulations N     paths (default 1000)
  --seed N            seed (default 1): the same seed gives the same result
  --confidence C      two-sided level of the intervals (default 0.95)
  --compound          apply trades as returns on the equity before them (percent sizing)
                      instead of money added to it (fixed sizing, the default)
  --output DIR        also write DIR/montecarlo.json and DIR/montecarlo_bands.csv
  --json              print montecarlo.json instead of the summary
  -h, --help`;

/** Reads the trades' net PnLs and the initial equity of a backtest output folder. */
export async function readTrades(dir: string): Promise<{ pnls: number[]; initial: number }> {
  const read = async (name: string): Promise<string> => {
    try {
      return await Deno.readTextFile(join(dir, name));
    } catch {
      throw new DataError(`${join(dir, name)} cannot be read`, {
        hint: "pass a folder written by 'tesser backtest run --output-dir'",
      });
    }
  };
  const report = JSON.parse(await read("report.json"));
  const [header, ...lines] = (await read("trades.csv")).trimEnd().split("\n");
  const column = header.split(",").indexOf("netPnl");
  if (column < 0) {
    throw new DataError(`${join(dir, "trades.csv")} has no netPnl column`);
  }
  // The columns before netPnl are never quoted (symbols, times, numbers).
  const pnls = lines.filter((line) => line !== "").map((line) => Number(line.split(",")[column]));
  return { pnls, initial: Number(report.initialEquity) };
}

function summary(result: MonteCarloResult): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const level = `${Math.round(result.confidence * 1000) / 10}%`;
  return [
    `${result.method}: ${result.simulations} paths of ${result.trades} trades`,
    `total return: original ${pct(result.original.totalReturn)}, median ${
      pct(result.totalReturn.p50)
    }, ${level} interval [${pct(result.totalReturn.low)}, ${pct(result.totalReturn.high)}]`,
    `max drawdown: original ${pct(result.original.maxDrawdown)}, median ${
      pct(result.maxDrawdown.p50)
    }, ${level} interval [${pct(result.maxDrawdown.low)}, ${pct(result.maxDrawdown.high)}]`,
  ];
}

/** Runs `tesser research montecarlo`; returns the exit code. */
export async function researchMonteCarloCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const flags = parseFlags("research montecarlo", args, {
    report: { type: "string" },
    method: { type: "string" },
    simulations: { type: "string" },
    seed: { type: "string" },
    confidence: { type: "string" },
    compound: { type: "boolean" },
    output: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(MONTECARLO_HELP);
    return 0;
  }
  const dir = stringFlag(flags, "report");
  if (dir === undefined) {
    throw new ConfigError("research montecarlo: --report DIR is required", {
      hint: "pass a folder written by 'tesser backtest run --output-dir'",
    });
  }
  const confidence = numberFlag(flags, "confidence", { min: 0, max: 1 }) ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new ConfigError(`flag --confidence: must be between 0 and 1 (exclusive)`);
  }
  const { pnls, initial } = await readTrades(dir);
  if (pnls.length === 0) {
    throw new DataError(`the backtest in ${dir} has no trades to resample`, {
      hint: "run a longer or more active backtest",
    });
  }
  const result = monteCarlo({
    pnls,
    initialEquity: initial,
    method: choice(flags, "method", ["shuffle", "bootstrap"] as const) ?? "shuffle",
    simulations: numberFlag(flags, "simulations", { integer: true, min: 1, max: 1_000_000 }) ??
      1000,
    seed: numberFlag(flags, "seed", { integer: true, min: 0 }) ?? 1,
    compound: booleanFlag(flags, "compound"),
    confidence,
  });
  const output = stringFlag(flags, "output");
  if (output !== undefined) {
    await makeOutputDir(output);
    for (const file of await writeMonteCarlo(output, result)) io.stderr(`wrote ${file}`);
  }
  if (booleanFlag(flags, "json")) io.stdout(monteCarloJson(result).trimEnd());
  else for (const line of summary(result)) io.stdout(line);
  return 0;
}
