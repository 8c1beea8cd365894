/**
 * `tesser research optimize`: flags → study spec → trials on the batch workers → results
 * (or, with `--shard`, one part for `tesser research merge`).
 *
 * @module
 */

import { readConfigFile } from "../lib/config/mod.ts";
import { inspectParquet, Random } from "../lib/data/mod.ts";
import {
  ConfigError,
  fromIso,
  intervalMicros,
  type Micros,
  parseInterval,
} from "../lib/domain/mod.ts";
import {
  type FitnessRatio,
  type ObjectiveName,
  OBJECTIVES,
  parseShard,
  parseSpace,
  planTrials,
  runStudy,
  sampleParam,
  type SearchMethod,
  type Shard,
  shardFromEnv,
  type StudySpec,
  type TimeWindow,
  trialCount,
  type TrialParams,
  type TrialResult,
  writeStudyPart,
  writeStudyResults,
} from "../lib/research/mod.ts";
import { builtinStrategies } from "../lib/strategies/mod.ts";
import { choice, parseWindow } from "./_backtest_flags.ts";
import { workerEvaluator } from "./_research_evaluator.ts";
import { readStrategyFile } from "./_strategy_file.ts";
import { counted } from "./_count.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { startProgress } from "./progress.ts";
import {
  booleanFlag,
  type FlagOptions,
  numberFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  stringsFlag,
} from "./usage_error.ts";

/** The help of `research optimize`. */
export const OPTIMIZE_HELP =
  `Usage: tesser research optimize --strategy-config FILE --space FILE --output DIR [options]
                                [-- BACKTEST-RUN-FLAGS...]

Searches strategy parameters: every trial is one 'tesser backtest run' of the strategy file with
the trial's --param overrides, run in parallel workers. Writes DIR/results.parquet,
DIR/results.csv (one row per trial) and DIR/best.toml (the best set as a strategy file for
'backtest run --strategy-config'). Flags after -- go to every run (e.g. -- --fee-bps 5).

The space file has one [params.NAME] table per parameter:
  constraints = ["fast_period < slow_period"]
  [params.fast_period]
  values = [5, 8, 13]              # or: min = 4, max = 16, step = 2
  [params.stop_loss_pct]
  min = 0.001                      # log = true: log-uniform; count = N grid points
  max = 0.05
  log = true
  count = 4

Options:
  --strategy-config FILE   the strategy file whose params the trials override
  --space FILE             the search space (TOML)
  --data FILE              candle Parquet for every run (repeatable; default: synthetic)
  --output DIR             where the results go (made if missing)
  --method M               grid (default), random or tpe (Tree-structured Parzen Estimator)
  --trials N               random and tpe: number of trials
  --seed N                 random and tpe: seed (default 1)
  --tpe-batch N            tpe: trials per model update, run in parallel (default 4)
  --objective NAME         ${OBJECTIVES.join(", ")} (default sharpe)
  --fitness-ratio R        fitness: sharpe (default), sortino or calmar
  --optimal-trades N       fitness: trade count where the trade term saturates (default 100)
  --min-trades N           trials with fewer trades are kept but never best (default 1)
  --from ISO --to ISO      the window trials are scored on (default: all the data)
  --holdout F              keep the last fraction F of the window out of sample: every trial
                           also runs there (test_* columns; the fitness rewards agreement)
  --workers N              parallel workers (default: number of cores)
  --shard I/N              run only the I-th of N slices (trials with id % N == I) and write
                           DIR/part-I-of-N.parquet for 'tesser research merge'; with tpe each
                           shard is an independent chain seeded with seed + I
  --shard-count N          like --shard, the index from JOB_COMPLETION_INDEX (Kubernetes)
  -h, --help`;

/** The flags of a study, shared by `research optimize` and `research walk-forward`. */
export const STUDY_FLAGS: FlagOptions = {
  "strategy-config": { type: "string" },
  space: { type: "string" },
  data: { type: "string", multiple: true },
  output: { type: "string" },
  method: { type: "string" },
  trials: { type: "string" },
  seed: { type: "string" },
  "tpe-batch": { type: "string" },
  objective: { type: "string" },
  "fitness-ratio": { type: "string" },
  "optimal-trades": { type: "string" },
  "min-trades": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  workers: { type: "string" },
  help: { type: "boolean", short: "h" },
};

const OPTIMIZE_FLAGS: FlagOptions = {
  ...STUDY_FLAGS,
  holdout: { type: "string" },
  shard: { type: "string" },
  "shard-count": { type: "string" },
};

// Flags the study sets on every run itself.
const STUDY_OWNED = new Set([
  "--json",
  "--output-dir",
  "--param",
  "--strategy-config",
  "--data",
  "--from",
  "--to",
  "--help",
  "-h",
]);

/** Splits `args` at `--` into the command's own and the pass-through `backtest run` flags. */
export function splitPassThrough(
  args: readonly string[],
): { own: readonly string[]; runArgs: readonly string[] } {
  const at = args.indexOf("--");
  const own = at === -1 ? args : args.slice(0, at);
  const runArgs = at === -1 ? [] : args.slice(at + 1);
  const owned = runArgs.find((arg) => STUDY_OWNED.has(arg.replace(/=.*$/, "")));
  if (owned !== undefined) {
    throw new ConfigError(`${owned} after -- is set by the study itself`, {
      hint: "give --data, --from and --to before --, and leave --json/--output-dir/--param out",
    });
  }
  return { own, runArgs };
}

function required(flags: ParsedFlags, name: string, command: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined) {
    throw new ConfigError(`research ${command}: --${name} is required`, {
      hint: `run "tesser research ${command} --help"`,
    });
  }
  return value;
}

/** The time span of the data files (first open to last close), from their statistics. */
export async function dataSpan(files: readonly string[]): Promise<{ from: Micros; to: Micros }> {
  let from = Infinity;
  let to = -Infinity;
  for (const file of files) {
    const info = await inspectParquet(file);
    const ts = info.columns.find((c) => c.name === "ts");
    if (ts?.min === undefined || ts.max === undefined) {
      throw new ConfigError(`${file} has no time statistics to split the window on`, {
        hint: "pass --from and --to",
      });
    }
    // The span ends with the last bar's close (its interval from our metadata), else just
    // after its open.
    const interval = info.metadata["tesser.interval"];
    const bar = interval === undefined ? 1 : intervalMicros(parseInterval(interval));
    from = Math.min(from, fromIso(ts.min));
    to = Math.max(to, fromIso(ts.max) + bar);
  }
  return { from, to };
}

/** The windows of a study: the training one and, with `--holdout`, the test one after it. */
export async function studyWindows(
  flags: ParsedFlags,
  data: readonly string[],
): Promise<{ train: TimeWindow; test?: TimeWindow; span?: { from: Micros; to: Micros } }> {
  const window = parseWindow(flags);
  const holdout = numberFlag(flags, "holdout", { min: 0, max: 1 });
  if (holdout === undefined) return { train: window };
  if (!(holdout > 0 && holdout < 1)) {
    throw new ConfigError(`flag --holdout: must be between 0 and 1 (exclusive), got ${holdout}`);
  }
  if ((window.from === undefined || window.to === undefined) && data.length === 0) {
    throw new ConfigError("flag --holdout needs --data files or both --from and --to", {
      hint: "the split point is a fraction of the time window",
    });
  }
  const span = data.length > 0 ? await dataSpan(data) : { from: 0, to: 0 };
  const from = window.from ?? span.from;
  const to = window.to ?? span.to;
  const split = Math.floor(from + (to - from) * (1 - holdout));
  return { train: { from, to: split }, test: { from: split, to }, span: { from, to } };
}

/** Reads the strategy, space and judging flags into a study spec. */
export async function studyFromFlags(
  flags: ParsedFlags,
  runArgs: readonly string[],
  command: string,
  windows: { train: TimeWindow; test?: TimeWindow },
): Promise<StudySpec> {
  const strategyPath = required(flags, "strategy-config", command);
  const spacePath = required(flags, "space", command);
  const strategyFile = await readStrategyFile(strategyPath);
  const space = parseSpace(await readConfigFile(spacePath, "search space"), spacePath);
  const method: SearchMethod = choice(flags, "method", ["grid", "random", "tpe"] as const) ??
    "grid";
  const trials = numberFlag(flags, "trials", { integer: true, min: 1 });
  if (method === "grid" && trials !== undefined) {
    throw new ConfigError("flag --trials applies to --method random and tpe only", {
      hint: "a grid runs every combination; drop --trials or pass --method random",
    });
  }
  if (method !== "tpe" && stringFlag(flags, "tpe-batch") !== undefined) {
    throw new ConfigError("flag --tpe-batch applies to --method tpe only");
  }
  const objectiveName: ObjectiveName = choice(flags, "objective", OBJECTIVES) ?? "sharpe";
  const ratio: FitnessRatio =
    choice(flags, "fitness-ratio", ["sharpe", "sortino", "calmar"] as const) ?? "sharpe";
  const spec: StudySpec = {
    strategy: strategyFile.name,
    baseParams: strategyFile.params,
    space,
    method,
    trials,
    seed: numberFlag(flags, "seed", { integer: true, min: 0 }) ?? 1,
    batch: method === "tpe"
      ? numberFlag(flags, "tpe-batch", { integer: true, min: 1, max: 1024 }) ?? 4
      : undefined,
    objective: {
      name: objectiveName,
      ratio,
      optimalTrades: numberFlag(flags, "optimal-trades", { integer: true, min: 2 }) ?? 100,
    },
    minTrades: numberFlag(flags, "min-trades", { integer: true, min: 0 }) ?? 1,
    train: windows.train,
    test: windows.test,
    inputs: [...stringsFlag(flags, "data").flatMap((file) => ["--data", file]), ...runArgs],
  };
  // Every set is checked against the strategy before any run, so a mistyped parameter name
  // is one usage error instead of a study of failed runs.
  if (!runArgs.includes("--strategy-module")) {
    // A TPE study has no plan: its first (random) draws stand for it.
    const sample = spec.method === "tpe"
      ? Array.from({ length: 10 }, (_, id) => ({ id, params: sampleSet(spec) }))
      : planTrials(spec);
    for (const trial of sample) {
      try {
        builtinStrategies.prepare(spec.strategy, { ...spec.baseParams, ...trial.params }, {
          file: strategyPath,
        });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new ConfigError(
          `trial ${trial.id} (${JSON.stringify(trial.params)}) from ${spacePath}: ${error.message}`,
          { cause: error },
        );
      }
    }
  }
  return spec;
}

// One random set of the space (for checking a TPE study's parameters against the strategy).
function sampleSet(spec: StudySpec): TrialParams {
  const random = new Random(spec.seed);
  return Object.fromEntries(spec.space.params.map((p) => [p.name, sampleParam(p, random)]));
}

/** `--shard I/N` or `--shard-count N` (index from JOB_COMPLETION_INDEX), if given. */
export function shardOf(flags: ParsedFlags): Shard | undefined {
  const text = stringFlag(flags, "shard");
  const count = numberFlag(flags, "shard-count", { integer: true, min: 1 });
  if (text !== undefined && count !== undefined) {
    throw new ConfigError("flags --shard and --shard-count exclude each other", {
      hint: "use --shard I/N, or --shard-count N with JOB_COMPLETION_INDEX",
    });
  }
  if (text !== undefined) return parseShard(text);
  if (count !== undefined) return shardFromEnv(count, Deno.env.toObject());
  return undefined;
}

/** Makes the output folder or says why it cannot. */
export async function makeOutputDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true }).catch((error) => {
    throw new ConfigError(
      `cannot use ${dir} as the output folder: ${
        error instanceof Deno.errors.AlreadyExists ? "it exists and is not a folder" : error.message
      }`,
      { hint: "pass --output a folder that exists or can be created" },
    );
  });
}

/** The one-line summary of a trial's outcome counts. */
export function outcomeCounts(results: readonly TrialResult[]): string {
  const count = (status: string): number => results.filter((r) => r.status === status).length;
  return `${counted(results.length, "trial")}: ${count("ok")} ok, ${count("filtered")} ` +
    `below --min-trades, ${count("failed")} failed`;
}

/** Runs `tesser research optimize`; returns the exit code. */
export async function researchOptimizeCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const { own, runArgs } = splitPassThrough(args);
  const flags = parseFlags("research optimize", own, OPTIMIZE_FLAGS);
  if (booleanFlag(flags, "help")) {
    io.stdout(OPTIMIZE_HELP);
    return 0;
  }
  const output = required(flags, "output", "optimize");
  const data = stringsFlag(flags, "data");
  const windows = await studyWindows(flags, data);
  const spec = await studyFromFlags(flags, runArgs, "optimize", windows);
  const shard = shardOf(flags);
  const workers = numberFlag(flags, "workers", { integer: true, min: 1, max: 64 }) ??
    navigator.hardwareConcurrency;
  await makeOutputDir(output);
  const planned = trialCount(spec);
  const mine = trialCount(spec, shard);
  io.stderr(
    `${spec.method} search: ${counted(mine, "trial")}${
      shard === undefined ? "" : ` (shard ${shard.index}/${shard.count} of ${planned})`
    } on ${counted(Math.min(workers, mine), "worker")}`,
  );
  const evaluator = workerEvaluator({
    strategyConfig: required(flags, "strategy-config", "optimize"),
    runArgs: [...data.flatMap((file) => ["--data", file]), ...runArgs],
    workers,
    global,
  });
  const runsPerTrial = spec.test === undefined ? 1 : 2;
  const progress = startProgress(io, mine * runsPerTrial, "optimize");
  let results: readonly TrialResult[];
  try {
    results = await runStudy(spec, evaluator, {
      shard,
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
  }
  io.stderr(outcomeCounts(results));
  if (shard !== undefined) {
    const path = await writeStudyPart(output, spec, shard, results);
    io.stdout(`wrote ${path}`);
    return results.every((r) => r.status === "failed") ? 1 : 0;
  }
  const written = await writeStudyResults(output, spec, results);
  for (const file of written.files) io.stdout(`wrote ${file}`);
  return reportBest(written.best, spec, results, io);
}

/** Prints the best trial (or why there is none); returns the exit code. */
export function reportBest(
  best: TrialResult | undefined,
  spec: StudySpec,
  results: readonly TrialResult[],
  io: CommandIo,
): number {
  if (best === undefined) {
    const firstError = results.find((r) => r.status === "failed")?.error;
    io.stderr(
      `error: no trial qualified for best.toml (${outcomeCounts(results)})${
        firstError === undefined ? "" : `; first failure: ${firstError}`
      }`,
    );
    return 1;
  }
  io.stdout(
    `best: trial ${best.trial} ${
      JSON.stringify(best.params)
    }: ${spec.objective.name} ${best.score}` +
      `, ${counted(best.metrics?.trades ?? 0, "trade")}`,
  );
  return 0;
}
