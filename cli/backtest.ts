/**
 * `tesser backtest run|batch`: flags → config → strategy → candle or tick runner → report.
 *
 * @module
 */

import { dirname, isAbsolute, relative, resolve } from "node:path";
import { loadMarkets } from "../lib/backtest/markets.ts";
import { loadTesserConfig } from "../lib/config/mod.ts";
import { ConfigError, type JsonValue } from "../lib/domain/mod.ts";
import { builtinStrategies } from "../lib/strategies/mod.ts";
import { loadStrategyModule } from "../lib/strategies/user_module.ts";
import { runCandleFromFlags } from "./_backtest_candle.ts";
import { choice, RUN_FLAGS, RUN_HELP } from "./_backtest_flags.ts";
import { emitResult, equityCsvMode } from "./_backtest_output.ts";
import { runTickFromFlags } from "./_backtest_tick.ts";
import { riskSources, type RunInputs } from "./_run_inputs.ts";
import { readStrategyFile, withParamOverrides } from "./_strategy_file.ts";
import { backtestBatchCommand } from "./backtest_batch.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { lockOutputDir } from "./output_lock.ts";
import { booleanFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";

/** Runs `tesser backtest <subcommand>`; returns the exit code. */
export async function backtestCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(RUN_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "batch") return await backtestBatchCommand(rest, io, global);
  if (sub !== "run") {
    throw new ConfigError(`unknown backtest command "${sub}"`, { hint: "commands: run, batch" });
  }
  const flags = parseFlags("backtest run", rest, RUN_FLAGS);
  if (booleanFlag(flags, "help")) {
    io.stdout(RUN_HELP);
    return 0;
  }
  const mode = choice(flags, "mode", ["candle", "tick"] as const) ?? "candle";
  checkModeFlags(flags, mode);
  // Before anything is computed: a second run on the same folder refuses at once.
  const outputDir = stringFlag(flags, "output-dir");
  const lock = outputDir === undefined ? undefined : await lockOutputDir(
    outputDir,
    `backtest run --strategy-config ${stringFlag(flags, "strategy-config") ?? "?"}`,
  );
  try {
    const run = await prepareRun(flags, global);
    const result = mode === "tick"
      ? await runTickFromFlags(run, io)
      : await runCandleFromFlags(run, io);
    await emitResult(result.bundle, {
      outputDir,
      json: booleanFlag(flags, "json"),
      equityCsv: equityCsvMode(flags),
    }, io);
  } finally {
    await lock?.release();
  }
  return 0;
}

// Flags that only one mode reads; given to the other they would be silently ignored.
const MODE_FLAGS: Readonly<Record<"candle" | "tick", readonly string[]>> = {
  candle: [
    "data",
    "funding-file",
    "rows",
    "seed",
    "latency-bars",
    "intrabar",
    "limit-fill",
    "max-volume-participation",
    "slippage-bps",
  ],
  tick: [
    "lob-data",
    "queue-model",
    "queue-probability",
    "queue-exponent",
    "latency-submit-ms",
    "latency-amend-ms",
    "latency-cancel-ms",
    "latency-response-ms",
    "latency-file",
    "strict",
  ],
};

function checkModeFlags(flags: RunInputs["flags"], mode: "candle" | "tick"): void {
  const other = mode === "candle" ? "tick" : "candle";
  const stray = MODE_FLAGS[other].find((name) => flags.values[name] !== undefined);
  if (stray !== undefined) {
    throw new ConfigError(`flag --${stray} applies to --mode ${other} only (this run is ${mode})`, {
      hint: `drop --${stray}, or pass --mode ${other}`,
    });
  }
}

async function prepareRun(flags: RunInputs["flags"], global: GlobalOptions): Promise<RunInputs> {
  const strategyPath = stringFlag(flags, "strategy-config");
  if (strategyPath === undefined) {
    throw new ConfigError("backtest run: --strategy-config FILE is required", {
      hint: `run "tesser backtest run --help"`,
    });
  }
  const { config, sources } = loadTesserConfig({
    configDir: global.configDir,
    env: global.env,
    environment: Deno.env.toObject(),
  });
  const strategyFile = withParamOverrides(
    await readStrategyFile(strategyPath),
    stringsFlag(flags, "param"),
  );
  const strategyModule = stringFlag(flags, "strategy-module");
  const registry = strategyModule === undefined
    ? builtinStrategies
    : await loadStrategyModule(strategyModule);
  const prepared = registry.prepare(strategyFile.name, strategyFile.params, { file: strategyPath });
  // A path from the config is relative to the project (the folder holding the config folder),
  // so a run from elsewhere with --config-dir still finds it; a flag is relative to the shell.
  const configured = config.backtest.markets_file;
  const marketsFile = stringFlag(flags, "markets-file") ??
    (isAbsolute(configured)
      ? configured
      : relative(Deno.cwd(), resolve(dirname(resolve(global.configDir)), configured)));
  const instruments = await loadMarkets(marketsFile);
  const known = new Set(instruments.map((i) => i.symbol));
  for (const subscription of prepared.strategy.subscriptions) {
    const reference = subscription.kind === "candles" && subscription.reference === true;
    if (!reference && !known.has(subscription.symbol)) {
      throw new ConfigError(`no instrument for ${subscription.symbol} in ${marketsFile}`, {
        hint: `add a [[markets]] entry for it (known: ${[...known].join(", ")})`,
      });
    }
  }
  return {
    flags,
    config,
    strategy: prepared.strategy,
    // The report records the params in force, defaults included.
    params: prepared.params as Readonly<Record<string, JsonValue>>,
    instruments,
    ...(strategyFile.execution === undefined ? {} : { execution: strategyFile.execution }),
    settings: {
      marketsFile,
      sizer: stringFlag(flags, "sizer") ?? "fixed",
      riskSources: riskSources(flags, sources),
    },
  };
}
