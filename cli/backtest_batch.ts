/**
 * `tesser backtest batch --config FILE`: runs a list and/or a parameter grid of backtests in
 * parallel workers (one per core by default) and writes `summary.csv`, one row per run.
 *
 * @module
 */

import { basename, join } from "node:path";
import { expandGlobs, sweepTemps, writeTextAtomic } from "../lib/data/mod.ts";
import { onInterrupt } from "./interrupt.ts";
import { lockOutputDir, removeStaleLocks } from "./output_lock.ts";
import { field, parseToml, readConfigFile } from "../lib/config/mod.ts";
import { findKeyLine } from "../lib/config/toml.ts";
import { validateValue } from "../lib/config/validate.ts";
import { ConfigError, DataError } from "../lib/domain/mod.ts";
import type { BatchJob, BatchOutcome, BatchStarted } from "./_batch_worker.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";
import { counted } from "./_count.ts";
import { readStrategyFile, type StrategyFile, withParamOverrides } from "./_strategy_file.ts";
import { builtinStrategies } from "../lib/strategies/mod.ts";

const HELP = `Usage: tesser backtest batch --config FILE [--output-dir DIR] [--workers N]
                             [--run-timeout SECS] [--reports] [--json]
       tesser backtest batch --config STRATEGY.toml... --data FILE... [--output SUMMARY.csv]

Runs many backtests in parallel and writes DIR/summary.csv (one row per run). The config lists
runs and/or a parameter grid:

  workers = 2                       # optional (default: number of cores)
  run_timeout_secs = 600            # optional per-run time limit (default 3600)
  [[runs]]
  name = "baseline"
  strategy_config = "examples/strategies/sma_cross.toml"
  data = ["examples/data/btcusdt_1m_sample.parquet"]   # optional: synthetic candles without
  args = ["--fee-bps", "5"]          # optional: any 'backtest run' flags
  params = { fast_period = 8 }       # optional: strategy parameter overrides

  [grid]                             # optional: every combination of the lists below
  strategy_config = "examples/strategies/sma_cross.toml"
  data = ["examples/data/btcusdt_1m_sample.parquet"]
  [grid.params]
  fast_period = [5, 8, 12]
  slow_period = [21, 30]

Paths in the config are relative to the current directory. With --reports, each run's report
files go to DIR/<run name>/. A run that takes longer than the time limit, or whose worker dies
(a strategy calling Deno.exit, say), is stopped and reported as failed; the others go on.
Interrupted (Ctrl-C, SIGTERM), the batch still writes summary.csv for the runs that finished.

The second form is the seed's: every strategy config given (files, folders of .toml files or
globs) runs once on the same --data files, with --quantity, --sizer, --fee-bps and
--slippage-bps applied to each run; the runs are named by their files.

Options:
  --config FILE      the batch config (TOML), or strategy configs (several, folders, globs)
  --data FILE...     with strategy configs: the candle files every run replays
  --output FILE      write the summary CSV here instead of DIR/summary.csv
  --output-dir DIR   where summary.csv goes (default: the config's output_dir, else ./batch-out)
  --workers N        parallel workers (default: the config's, else the number of cores)
  --run-timeout SECS stop a run after this long (default: the config's, else 3600)
  --reports          also write every run's report files
  --json             print the summary rows as JSON
  -h, --help`;

const paramValue = field.map(field.string());
const runSchema = field.table({
  name: field.string({ required: true }),
  strategy_config: field.string({ required: true }),
  data: field.array(field.string()),
  args: field.array(field.string()),
  params: paramValue,
});
const configSchema = field.table({
  workers: field.number({ integer: true, min: 1, max: 64 }),
  run_timeout_secs: field.number({ min: 0.001 }),
  output_dir: field.string(),
  runs: field.array(runSchema),
  grid: field.table({
    name: field.string(),
    strategy_config: field.string({ required: true }),
    data: field.array(field.string()),
    args: field.array(field.string()),
    params: field.map(field.array(field.string())),
  }),
});

// Flags the batch passes to every run itself; a run's own would break reading its result.
const BATCH_OWNED_FLAGS: ReadonlySet<string> = new Set([
  "--json",
  "--output-dir",
  "--help",
  "-h",
]);

// A run's report folder name (with --reports): its name with path-unsafe characters replaced.
function reportFolder(name: string): string {
  return name.replace(/[^A-Za-z0-9_.=,\-[\]]/g, "_");
}

/** One planned run. */
export interface PlannedRun {
  /** Unique name (folder and summary row). */
  readonly name: string;
  /** Arguments after `backtest run`. */
  readonly args: readonly string[];
  /** Strategy parameter overrides of this run. */
  readonly params: Readonly<Record<string, unknown>>;
}

function tomlLiteral(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function runArgs(
  strategyConfig: string,
  data: readonly string[],
  args: readonly string[],
  params: Readonly<Record<string, unknown>>,
): string[] {
  return [
    "--strategy-config",
    strategyConfig,
    ...data.flatMap((file) => ["--data", file]),
    ...Object.entries(params).flatMap((
      [key, value],
    ) => ["--param", `${key}=${tomlLiteral(value)}`]),
    ...args,
  ];
}

function* combinations(
  grid: Readonly<Record<string, readonly unknown[]>>,
): Generator<Record<string, unknown>> {
  const keys = Object.keys(grid).sort();
  const index = keys.map(() => 0);
  if (keys.some((key) => grid[key].length === 0)) return;
  while (true) {
    yield Object.fromEntries(keys.map((key, i) => [key, grid[key][index[i]]]));
    let k = keys.length - 1;
    while (k >= 0 && ++index[k] === grid[keys[k]].length) index[k--] = 0;
    if (k < 0) return;
  }
}

/** The per-run time limit when neither the config nor a flag sets one: an hour. */
export const DEFAULT_RUN_TIMEOUT_SECS = 3600;

interface BatchConfig {
  readonly workers?: number;
  readonly run_timeout_secs?: number;
  readonly output_dir?: string;
  readonly runs?: readonly {
    readonly name: string;
    readonly strategy_config: string;
    readonly data?: readonly string[];
    readonly args?: readonly string[];
    readonly params?: Readonly<Record<string, unknown>>;
  }[];
  readonly grid?: {
    readonly name?: string;
    readonly strategy_config: string;
    readonly data?: readonly string[];
    readonly args?: readonly string[];
    readonly params?: Readonly<Record<string, readonly unknown[]>>;
  };
}

/**
 * Expands a batch config into runs.
 *
 * @throws {ConfigError} naming the file and key for invalid configs, duplicate names or an
 * empty batch.
 */
export function planBatch(
  text: string,
  file: string,
): { runs: readonly PlannedRun[]; config: BatchConfig } {
  const data = parseToml(text, file);
  // Param values may be numbers, booleans or strings (the strategy checks them): only they are
  // read as strings for the structural check; every other key keeps its type.
  const permissive = (params: unknown): unknown =>
    JSON.parse(
      JSON.stringify(
        params,
        (_key, value) =>
          typeof value === "number" || typeof value === "boolean" ? String(value) : value,
      ),
    );
  const loose = structuredClone(data) as Record<string, unknown> & {
    runs?: unknown;
    grid?: unknown;
  };
  if (Array.isArray(loose.runs)) {
    for (const run of loose.runs) {
      if (run !== null && typeof run === "object" && "params" in run) {
        run.params = permissive(run.params);
      }
    }
  }
  if (loose.grid !== null && typeof loose.grid === "object" && "params" in loose.grid) {
    (loose.grid as Record<string, unknown>).params = permissive(loose.grid.params);
  }
  validateValue(configSchema, loose, [], {
    kind: "file",
    file,
    locate: (path) => findKeyLine(text, path),
  });
  const config = data as BatchConfig;
  const runs: PlannedRun[] = [];
  for (const run of config.runs ?? []) {
    runs.push({
      name: run.name,
      args: runArgs(run.strategy_config, run.data ?? [], run.args ?? [], run.params ?? {}),
      params: run.params ?? {},
    });
  }
  if (config.grid !== undefined) {
    const grid = config.grid;
    const prefix = grid.name ?? "grid";
    for (const params of combinations(grid.params ?? {})) {
      const label = Object.entries(params).map(([key, value]) => `${key}=${value}`).join(",");
      runs.push({
        name: label === "" ? prefix : `${prefix}[${label}]`,
        args: runArgs(grid.strategy_config, grid.data ?? [], grid.args ?? [], params),
        params,
      });
    }
  }
  if (runs.length === 0) {
    throw new ConfigError("the batch has no runs", {
      location: { file },
      hint: "add [[runs]] entries or a [grid]",
    });
  }
  const seen = new Map<string, string>();
  for (const run of runs) {
    const folder = reportFolder(run.name);
    const other = seen.get(folder);
    if (other !== undefined) {
      throw new ConfigError(
        other === run.name
          ? `two runs are named "${run.name}"`
          : `runs "${other}" and "${run.name}" would share the report folder ${folder}`,
        { location: { file }, hint: "give every run a distinct name" },
      );
    }
    seen.set(folder, run.name);
    const reserved = run.args.find((arg) => BATCH_OWNED_FLAGS.has(arg.replace(/=.*$/, "")));
    if (reserved !== undefined) {
      throw new ConfigError(`run "${run.name}": args may not contain ${reserved}`, {
        location: { file },
        hint: "the batch sets --json and --output-dir itself (use --reports for report folders)",
      });
    }
  }
  return { runs, config };
}

const SUMMARY_COLUMNS = [
  "name",
  "status",
  "params",
  "bars",
  "trades",
  "totalReturn",
  "cagr",
  "sharpe",
  "sortino",
  "maxDrawdown",
  "winRate",
  "profitFactor",
  "finalEquity",
  "fees",
  "error",
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row of summary.csv. */
export type SummaryRow = Readonly<Record<typeof SUMMARY_COLUMNS[number], unknown>>;

function summaryRow(run: PlannedRun, outcome: BatchOutcome): SummaryRow {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(";");
  if (outcome.code !== 0) {
    return {
      name: run.name,
      status: "failed",
      params,
      bars: null,
      trades: null,
      totalReturn: null,
      cagr: null,
      sharpe: null,
      sortino: null,
      maxDrawdown: null,
      winRate: null,
      profitFactor: null,
      finalEquity: null,
      fees: null,
      error: outcome.err.join(" ").replace(/^error: /, ""),
    };
  }
  const report = JSON.parse(outcome.out.join("\n"));
  return {
    name: run.name,
    status: "ok",
    params,
    bars: report.bars,
    trades: report.trades,
    totalReturn: report.totalReturn,
    cagr: report.cagr,
    sharpe: report.sharpe,
    sortino: report.sortino,
    maxDrawdown: report.maxDrawdown,
    winRate: report.winRate,
    profitFactor: report.profitFactor,
    finalEquity: report.finalEquity,
    fees: report.fees,
    error: null,
  };
}

/** How a pool runs its jobs. */
interface PoolOptions {
  /** Parallel workers. */
  readonly workers: number;
  /** Per-run time limit (ms). */
  readonly timeoutMs: number;
  /** Aborted on an interrupt: no new runs start, running ones are stopped. */
  readonly signal: AbortSignal;
  /** Called as each run finishes. */
  readonly onFinished: (outcome: BatchOutcome) => void;
}

type RunResult =
  | { readonly kind: "done"; readonly outcome: BatchOutcome }
  // The worker cannot be reused: it was stopped (time limit) or it died.
  | { readonly kind: "lost"; readonly outcome: BatchOutcome }
  | { readonly kind: "interrupted" };

// How long a fresh worker may take to load before its run counts as failed.
const STARTUP_MS = 300_000;

function failedOutcome(id: number, message: string): BatchOutcome {
  return { id, code: 1, out: [], err: [`error: ${message}`] };
}

// A worker that dies silently (Deno.exit in a strategy, before the worker's guard existed,
// or an engine crash) sends nothing: the time limit is what ends the wait.
function runOne(
  worker: Worker,
  job: BatchJob,
  options: PoolOptions,
): Promise<RunResult> {
  return new Promise<RunResult>((resolve) => {
    const seconds = options.timeoutMs / 1000;
    const finish = (result: RunResult): void => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      worker.onmessage = null;
      worker.onerror = null;
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: "interrupted" });
    const expire = (): void =>
      finish({
        kind: "lost",
        outcome: failedOutcome(
          job.id,
          `run stopped after the time limit of ${seconds} s (hint: raise run_timeout_secs or --run-timeout if it needs longer)`,
        ),
      });
    // The clock starts when the worker takes the run: loading (and type-checking) a fresh
    // worker is not the run's time, and can take long on a busy machine. A worker that never
    // takes the run is given up after the limit plus STARTUP_MS.
    let timer = setTimeout(expire, options.timeoutMs + STARTUP_MS);
    options.signal.addEventListener("abort", onAbort);
    worker.onmessage = (event: MessageEvent<BatchOutcome | BatchStarted>) => {
      if ("started" in event.data) {
        clearTimeout(timer);
        timer = setTimeout(expire, options.timeoutMs);
        return;
      }
      finish({ kind: "done", outcome: event.data });
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish({
        kind: "lost",
        outcome: failedOutcome(job.id, `the run's worker failed: ${event.message}`),
      });
    };
    worker.postMessage(job);
  });
}

/** Runs `jobs` on a pool of workers; a run not finished (interrupted) has no outcome. */
async function runPoolWith(
  jobs: readonly BatchJob[],
  options: PoolOptions,
): Promise<(BatchOutcome | undefined)[]> {
  const outcomes: (BatchOutcome | undefined)[] = new Array(jobs.length).fill(undefined);
  let next = 0;
  const spawn = () =>
    new Worker(new URL("./_batch_worker.ts", import.meta.url), { type: "module" });
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (next < jobs.length && !options.signal.aborted) {
        const job = jobs[next++];
        worker ??= spawn();
        const result = await runOne(worker, job, options);
        if (result.kind === "interrupted") return;
        if (result.kind === "lost") {
          worker.terminate();
          worker = undefined;
        }
        outcomes[job.id] = result.outcome;
        options.onFinished(result.outcome);
      }
    } finally {
      worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, jobs.length) }, lane));
  return outcomes;
}

/**
 * Runs `jobs` on up to `workers` CLI workers with the default per-run time limit; outcomes come
 * back in job order (by id). `onOutcome` hears of each as it finishes (progress bars).
 */
export async function runPool(
  jobs: readonly BatchJob[],
  workers: number,
  onOutcome?: (outcome: BatchOutcome) => void,
): Promise<BatchOutcome[]> {
  const outcomes = await runPoolWith(jobs, {
    workers,
    timeoutMs: DEFAULT_RUN_TIMEOUT_SECS * 1000,
    signal: new AbortController().signal,
    onFinished: (outcome) => onOutcome?.(outcome),
  });
  // Never interrupted, so every job has its outcome.
  return outcomes.map((outcome, id) => outcome ?? failedOutcome(id, "the run did not finish"));
}

/** Aborts `controller` on SIGINT/SIGTERM (a second one exits) until the returned function is called. */
function abortOnInterrupt(controller: AbortController): () => void {
  return onInterrupt(() => controller.abort());
}

/**
 * Checks every run's strategy and params before any starts, so a mistyped param name is one
 * usage error rather than a batch of failed runs. Runs with their own `--strategy-module` are
 * left to the run itself.
 */
async function checkStrategies(runs: readonly PlannedRun[]): Promise<void> {
  const files = new Map<string, StrategyFile>();
  for (const run of runs) {
    if (run.args.includes("--strategy-module")) continue;
    const path = run.args[run.args.indexOf("--strategy-config") + 1];
    const params = run.args.flatMap((arg, i) => (arg === "--param" ? [run.args[i + 1]] : []));
    try {
      let strategyFile = files.get(path);
      if (strategyFile === undefined) files.set(path, strategyFile = await readStrategyFile(path));
      const { name, params: values } = withParamOverrides(strategyFile, params);
      builtinStrategies.prepare(name, values, { file: path });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`run "${run.name}": ${error.message}`, { cause: error });
    }
  }
}

// The `backtest run` flags the seed's batch form passes on to every run.
const SEED_RUN_FLAGS = ["quantity", "sizer", "fee-bps", "slippage-bps"] as const;

/** Whether `text` is a strategy config (`strategy_name = ...`) rather than a batch config. */
function isStrategyConfig(text: string, file: string): boolean {
  return parseToml(text, file).strategy_name !== undefined;
}

/** The strategy configs `patterns` name: files, every .toml in a folder, glob matches. */
async function strategyFiles(patterns: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of await expandGlobs(patterns)) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      files.push(path); // reading it reports the missing file
      continue;
    }
    if (!info.isDirectory) {
      files.push(path);
      continue;
    }
    const inside = [...Deno.readDirSync(path)].filter((e) => e.isFile && e.name.endsWith(".toml"))
      .map((e) => join(path, e.name)).sort();
    if (inside.length === 0) {
      throw new ConfigError(`--config: the folder ${path} holds no .toml strategy configs`);
    }
    files.push(...inside);
  }
  return files;
}

/** Plans the seed's form: one run per strategy config, all on `data`. */
export function planStrategyRuns(
  files: readonly string[],
  data: readonly string[],
  args: readonly string[],
): readonly PlannedRun[] {
  const taken = new Map<string, number>();
  return files.map((file) => {
    const stem = basename(file).replace(/\.toml$/, "");
    // Two folders may both hold sma_cross.toml: the later ones get a number.
    const count = (taken.get(stem) ?? 0) + 1;
    taken.set(stem, count);
    return {
      name: count === 1 ? stem : `${stem}-${count}`,
      args: runArgs(file, data, args, {}),
      params: {},
    };
  });
}

/** Reads `--config`: a batch config, or (the seed's form) strategy configs and `--data`. */
async function planFromFlags(
  flags: ReturnType<typeof parseFlags>,
): Promise<{ runs: readonly PlannedRun[]; config: BatchConfig }> {
  const patterns = stringsFlag(flags, "config");
  if (patterns.length === 0) {
    throw new ConfigError("backtest batch: --config FILE is required", {
      hint: `run "tesser backtest batch --help"`,
    });
  }
  const files = await strategyFiles(patterns);
  const data = stringsFlag(flags, "data");
  const passed = SEED_RUN_FLAGS.flatMap((name) => {
    const value = stringFlag(flags, name);
    return value === undefined ? [] : [`--${name}`, value];
  });
  const first = files[0];
  const text = files.length === 1 && first !== undefined
    ? await readConfigFile(first, "batch config")
    : undefined;
  if (text !== undefined && first !== undefined && !isStrategyConfig(text, first)) {
    const stray = ["data", ...SEED_RUN_FLAGS].find((name) => flags.values[name] !== undefined);
    if (stray !== undefined) {
      throw new ConfigError(`backtest batch: --${stray} goes with strategy configs only`, {
        hint: `${first} is a batch config: set data and args per run in it`,
      });
    }
    return planBatch(text, first);
  }
  if (data.length === 0) {
    throw new ConfigError("backtest batch: strategy configs need --data FILE...", {
      hint: "pass the candle files every run replays, e.g. --data data/*.parquet",
    });
  }
  return { runs: planStrategyRuns(files, await expandGlobs(data), passed), config: {} };
}

// Sweeps `dir` once, or for up to `ms` until three sweeps 50 ms apart found nothing.
async function settleTemps(dir: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  let clean = 0;
  do {
    const found = sweepTemps(dir).length + (await removeStaleLocks(dir)).length;
    clean = found === 0 ? clean + 1 : 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  } while (clean < 3 && Date.now() < end);
}

async function makeOutputDir(outputDir: string): Promise<void> {
  await Deno.mkdir(outputDir, { recursive: true }).catch((error) => {
    throw new DataError(
      `cannot use ${outputDir} as the batch output folder: ${
        error instanceof Deno.errors.AlreadyExists ? "it exists and is not a folder" : error.message
      }`,
      { hint: "pass --output-dir (or output_dir) a folder that exists or can be created" },
    );
  });
}

/** Runs `tesser backtest batch`; returns the exit code (1 when any run failed). */
export async function backtestBatchCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const flags = parseFlags("backtest batch", args, {
    config: { type: "string", multiple: true },
    data: { type: "string", multiple: true },
    output: { type: "string" },
    quantity: { type: "string" },
    sizer: { type: "string" },
    "fee-bps": { type: "string" },
    "slippage-bps": { type: "string" },
    "output-dir": { type: "string" },
    workers: { type: "string" },
    "run-timeout": { type: "string" },
    reports: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  // Flags are checked before the config is read: a bad flag is the first thing to hear about.
  const workersFlag = numberFlag(flags, "workers", { integer: true, min: 1, max: 64 });
  const timeoutFlag = numberFlag(flags, "run-timeout", { min: 0.001 });
  const { runs, config } = await planFromFlags(flags);
  await checkStrategies(runs);
  const outputDir = stringFlag(flags, "output-dir") ?? config.output_dir ?? "batch-out";
  const workers = workersFlag ?? config.workers ??
    navigator.hardwareConcurrency;
  const timeoutSecs = timeoutFlag ?? config.run_timeout_secs ?? DEFAULT_RUN_TIMEOUT_SECS;
  // With --output (the seed's summary file) and no --reports, nothing goes to the folder.
  const needsDir = stringFlag(flags, "output") === undefined || booleanFlag(flags, "reports");
  if (needsDir) {
    await makeOutputDir(outputDir);
  }
  // Two batches on one folder would overwrite each other's reports and summary.
  const lock = needsDir ? await lockOutputDir(outputDir, `backtest batch`) : undefined;
  try {
    return await runBatch(runs, { flags, global, outputDir, workers, timeoutSecs }, io);
  } finally {
    await lock?.release();
  }
}

/** What {@linkcode runBatch} needs besides the runs. */
interface BatchSettings {
  readonly flags: ReturnType<typeof parseFlags>;
  readonly global: GlobalOptions;
  readonly outputDir: string;
  readonly workers: number;
  readonly timeoutSecs: number;
}

async function runBatch(
  runs: readonly PlannedRun[],
  { flags, global, outputDir, workers, timeoutSecs }: BatchSettings,
  io: CommandIo,
): Promise<number> {
  const globalArgs = [
    "--config-dir",
    global.configDir,
    ...(global.env === undefined ? [] : ["--env", global.env]),
  ];
  const jobs: BatchJob[] = runs.map((run, id) => ({
    id,
    argv: [
      ...globalArgs,
      "backtest",
      "run",
      ...run.args,
      ...(booleanFlag(flags, "reports")
        ? ["--output-dir", join(outputDir, reportFolder(run.name))]
        : []),
      "--json",
    ],
  }));
  io.stderr(
    `running ${counted(runs.length, "backtest")} on ${
      counted(Math.min(workers, runs.length), "worker")
    }`,
  );
  const controller = new AbortController();
  const stopListening = abortOnInterrupt(controller);
  let finished = 0;
  let outcomes: (BatchOutcome | undefined)[];
  try {
    outcomes = await runPoolWith(jobs, {
      workers,
      timeoutMs: timeoutSecs * 1000,
      signal: controller.signal,
      onFinished: (outcome) => {
        finished++;
        const run = runs[outcome.id];
        io.stderr(
          `[${finished}/${runs.length}] ${outcome.code === 0 ? "ok" : "failed"} ${run?.name}`,
        );
      },
    });
  } finally {
    stopListening();
  }
  const interrupted = controller.signal.aborted && finished < runs.length;
  // The stopped workers' temps (other isolates: untracked here) carry this process's id, and
  // their locks are held by nobody now. A terminated worker's file operation in flight still
  // lands after terminate() returns, so the folder is swept until it stays clean for 150 ms.
  await settleTemps(outputDir, interrupted ? 2000 : 0);
  const rows = runs.flatMap((run, i) => {
    const outcome = outcomes[i];
    return outcome === undefined ? [] : [summaryRow(run, outcome)];
  });
  const csv = [
    SUMMARY_COLUMNS.join(","),
    ...rows.map((row) => SUMMARY_COLUMNS.map((c) => csvCell(row[c])).join(",")),
  ]
    .join("\n") + "\n";
  const summary = stringFlag(flags, "output") ?? join(outputDir, "summary.csv");
  await writeTextAtomic(summary, csv);
  const failed = rows.filter((row) => row.status !== "ok");
  if (booleanFlag(flags, "json")) io.stdout(JSON.stringify(rows, null, 2));
  else {
    for (const row of rows) {
      io.stdout(
        `${row.status === "ok" ? "ok    " : "FAILED"} ${row.name}: ${
          row.status === "ok"
            ? `return ${row.totalReturn}, sharpe ${row.sharpe}, trades ${row.trades}`
            : row.error
        }`,
      );
    }
  }
  io.stderr(
    `wrote ${summary} (${rows.length - failed.length} ok, ${failed.length} failed${
      interrupted ? `; interrupted: ${runs.length - rows.length} not finished` : ""
    })`,
  );
  // 130: the shell's code for a run ended by Ctrl-C.
  if (interrupted) return 130;
  return failed.length > 0 ? 1 : 0;
}
