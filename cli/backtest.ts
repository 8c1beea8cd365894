/**
 * `tesser backtest run`: flags → config → strategy → {@linkcode runCandleBacktest} → report.
 *
 * @module
 */

import { loadTesserConfig, parseToml } from "../lib/config/mod.ts";
import { validateValue } from "../lib/config/validate.ts";
import { field } from "../lib/config/mod.ts";
import { findKeyLine } from "../lib/config/toml.ts";
import { ConfigError, decimal, fromIso, type Micros, symbolId } from "../lib/domain/mod.ts";
import { fixedQuantity, percentOfEquity, riskAdjusted, type Sizer } from "../lib/execution/mod.ts";
import { builtinStrategies, type Strategy } from "../lib/strategies/mod.ts";
import { loadStrategyModule } from "../lib/strategies/user_module.ts";
import { loadMarkets } from "../lib/backtest/markets.ts";
import { runCandleBacktest, type VenueSettings } from "../lib/backtest/candle_backtest.ts";
import { reportToJson } from "../lib/backtest/report.ts";
import { writeReportFiles } from "../lib/backtest/report_files.ts";
import type { BacktestReport, JsonValue } from "../lib/backtest/report.ts";
import {
  generateCandles,
  inspectParquet,
  readCandleParquet,
  readFundingCsv,
} from "../lib/data/mod.ts";
import type { FundingEvent } from "../lib/events/mod.ts";
import { backtestBatchCommand } from "./backtest_batch.ts";
import {
  resolveTickSettings,
  runTickBacktest,
  type TickBacktestResult,
  tickFileSource,
  tickReportingCurrency,
} from "../lib/backtest/tick/mod.ts";
import type { Instrument } from "../lib/domain/mod.ts";
import type { RiskLimits } from "../lib/execution/mod.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import {
  booleanFlag,
  numberFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  stringsFlag,
} from "./usage_error.ts";

const HELP = `Usage: tesser backtest run --strategy-config FILE [options]

Runs a strategy over historical candles (canonical Parquet) or, without --data, over seeded
synthetic candles, and prints the report.

Options:
  --strategy-config FILE     strategy TOML: strategy_name = "..." and a [params] table
  --strategy-module FILE     a .ts module exporting "strategy" (a StrategyDefinition) to run
  --param KEY=VALUE          override a strategy parameter (repeatable; TOML value syntax)
  --data FILE                candle Parquet file (repeat for several symbols)
  --markets-file FILE        instrument specs (default: backtest.markets_file)
  --funding-file FILE        funding rates of perpetuals (CSV ts,symbol,rate[,mark_price]; repeatable)
  --sizer KIND[:VALUE]       fixed (uses --quantity), percent:0.1 (of equity), risk:0.01 (per 2 ATR)
  --quantity N               fixed order quantity (default 0.01)
  --initial-equity N         starting balance in the reporting currency (default from config)
  --fee-bps N                maker and taker fee in basis points (negative = rebate)
  --maker-fee-bps N          maker fee override
  --taker-fee-bps N          taker fee override
  --slippage-bps N           market and stop slippage (default backtest.slippage_bps)
  --latency-bars N           orders match from the Nth bar after submission (default 1)
  --latency-ms N             or: orders match from bars opening N ms after submission
  --intrabar MODEL           pessimistic (default) | ohlc | adaptive
  --limit-fill RULE          cross (default) | touch
  --max-volume-participation F   cap fills at F × bar volume (partial fills)
  --leverage N               leverage for margin and liquidation (default 1)
  --max-drawdown F           kill switch: liquidate-only after this drawdown (0.2 = 20%)
  --from ISO --to ISO        restrict the bars replayed
  --rows N --seed S          synthetic data size and seed when --data is omitted
  --output-dir DIR           write report.json, equity.csv, trades.csv, fills.csv, orders.csv, report.html
  --json                     print report.json to stdout instead of the table
  -h, --help

Tick mode (--mode tick; semantics in docs/tick_backtesting.md):
  --mode candle|tick         candle (default) replays --data bars; tick replays --lob-data
  --lob-data FILE            Tardis CSV (trades, quotes, incremental_book_L2, book_snapshot_N)
                             or JSONL events; repeatable, merged by local timestamp
  --queue-model MODEL        risk-averse (default) | probabilistic | optimistic
  --queue-probability F      probabilistic split: power (default) | power2 | log
  --queue-exponent N         exponent of the power functions (default 2)
  --latency-ms N             entry latency of every order operation (default 0)
  --latency-submit-ms N --latency-amend-ms N --latency-cancel-ms N   per-operation overrides
  --latency-response-ms N    venue → strategy latency of acks and fills (default 0)
  --latency-file FILE        measured latency rows req_ts,exch_ts,resp_ts (µs), interpolated
  --strict                   fail on a book delta before any snapshot (default: skip and count)`;

const FLAGS = {
  "strategy-config": { type: "string" },
  "strategy-module": { type: "string" },
  param: { type: "string", multiple: true },
  data: { type: "string", multiple: true },
  "markets-file": { type: "string" },
  "funding-file": { type: "string", multiple: true },
  sizer: { type: "string" },
  quantity: { type: "string" },
  "initial-equity": { type: "string" },
  "fee-bps": { type: "string" },
  "maker-fee-bps": { type: "string" },
  "taker-fee-bps": { type: "string" },
  "slippage-bps": { type: "string" },
  "latency-bars": { type: "string" },
  "latency-ms": { type: "string" },
  intrabar: { type: "string" },
  "limit-fill": { type: "string" },
  "max-volume-participation": { type: "string" },
  leverage: { type: "string" },
  "max-drawdown": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  rows: { type: "string" },
  seed: { type: "string" },
  "output-dir": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  mode: { type: "string" },
  "lob-data": { type: "string", multiple: true },
  "queue-model": { type: "string" },
  "queue-probability": { type: "string" },
  "queue-exponent": { type: "string" },
  "latency-submit-ms": { type: "string" },
  "latency-amend-ms": { type: "string" },
  "latency-cancel-ms": { type: "string" },
  "latency-response-ms": { type: "string" },
  "latency-file": { type: "string" },
  strict: { type: "boolean" },
} as const;

const strategyFileSchema = field.table({
  strategy_name: field.string({ required: true }),
  params: field.map(field.string()),
});

/** A parsed strategy TOML file. */
interface StrategyFile {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

async function readStrategyFile(path: string): Promise<StrategyFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read the strategy config: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
  const data = parseToml(text, path);
  // Params are checked against the strategy's own schema later; here only the top level.
  const { params = {}, ...top } = data;
  validateValue(field.table({ strategy_name: strategyFileSchema.fields.strategy_name }), top, [], {
    kind: "file",
    file: path,
    locate: (keyPath) => findKeyLine(text, keyPath),
  });
  if (typeof data.strategy_name !== "string") {
    throw new ConfigError("missing strategy_name", {
      location: { file: path },
      hint: `add strategy_name = "SmaCross"`,
    });
  }
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ConfigError("[params] must be a table", { location: { file: path } });
  }
  return { name: data.strategy_name, params: params as Readonly<Record<string, unknown>> };
}

/** Applies `--param key=value` overrides (values in TOML syntax: 5, 0.5, true, "text"). */
function withParamOverrides(file: StrategyFile, overrides: readonly string[]): StrategyFile {
  if (overrides.length === 0) return file;
  const params: Record<string, unknown> = { ...file.params };
  for (const override of overrides) {
    const eq = override.indexOf("=");
    const key = override.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ConfigError(`flag --param: "${override}" is not KEY=VALUE`, {
        hint: "e.g. --param fast_period=8",
      });
    }
    const text = override.slice(eq + 1).trim();
    let value: unknown;
    try {
      value = parseToml(`value = ${text}`, "--param").value;
    } catch {
      value = text; // a bare word is a string, as a user would expect on a command line
    }
    params[key] = value;
  }
  return { ...file, params };
}

/** Reads and merges funding files by time (stable: file order on ties). */
async function readFundingFiles(files: readonly string[]): Promise<readonly FundingEvent[]> {
  const all = (await Promise.all(files.map((file) => readFundingCsv(file)))).flat();
  return all.map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.ts - b.event.ts || a.order - b.order)
    .map(({ event }) => event);
}

function parseSizer(flags: ParsedFlags): Sizer {
  const text = stringFlag(flags, "sizer") ?? "fixed";
  const [kind, value] = text.split(":", 2);
  const number = (fallback: number | undefined): number => {
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`flag --sizer: ${kind} needs a value, e.g. --sizer ${kind}:0.1`);
    }
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new ConfigError(`flag --sizer: "${value}" is not a positive number`);
    }
    return parsed;
  };
  try {
    switch (kind) {
      case "fixed":
        return fixedQuantity(numberFlag(flags, "quantity") ?? number(0.01));
      case "percent":
        return percentOfEquity(number(undefined));
      case "risk":
        return riskAdjusted(number(undefined));
      default:
        throw new ConfigError(`flag --sizer: unknown sizer "${kind}"`, {
          hint: "use fixed, percent:F or risk:F",
        });
    }
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ConfigError(`flag --sizer/--quantity: ${error.message}`);
    }
    throw error;
  }
}

function parseTime(flags: ParsedFlags, name: string): Micros | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  try {
    return fromIso(text);
  } catch (error) {
    throw new ConfigError(`flag --${name}: ${(error as Error).message}`);
  }
}

function choice<T extends string>(
  flags: ParsedFlags,
  name: string,
  values: readonly T[],
): T | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const found = values.find((v) => v === text);
  if (found === undefined) {
    throw new ConfigError(`flag --${name}: "${text}" is not one of ${values.join(", ")}`);
  }
  return found;
}

function venueSettings(flags: ParsedFlags, slippageDefault: number | undefined): VenueSettings {
  const feeBps = numberFlag(flags, "fee-bps");
  const maker = numberFlag(flags, "maker-fee-bps") ?? feeBps;
  const taker = numberFlag(flags, "taker-fee-bps") ?? feeBps;
  const latencyBars = numberFlag(flags, "latency-bars", { integer: true, min: 1 });
  const latencyMs = numberFlag(flags, "latency-ms", { min: 0 });
  if (latencyBars !== undefined && latencyMs !== undefined) {
    throw new ConfigError("flags --latency-bars and --latency-ms exclude each other; pass one");
  }
  const participation = numberFlag(flags, "max-volume-participation", { min: 0 });
  if (participation !== undefined && (participation <= 0 || participation > 1)) {
    throw new ConfigError(
      `flag --max-volume-participation: must be in (0, 1], got ${participation}`,
    );
  }
  return {
    slippageBps: numberFlag(flags, "slippage-bps", { min: 0 }) ?? slippageDefault ?? 0,
    latency: latencyMs !== undefined
      ? { kind: "ms", ms: latencyMs }
      : { kind: "bars", bars: latencyBars ?? 1 },
    intrabar: choice(flags, "intrabar", ["pessimistic", "ohlc", "adaptive"] as const) ??
      "pessimistic",
    limitFill: choice(flags, "limit-fill", ["cross", "touch"] as const) ?? "cross",
    ...(participation === undefined ? {} : { maxVolumeParticipation: participation }),
    ...(maker === undefined ? {} : { makerFeeRate: decimal(maker).div(10_000) }),
    ...(taker === undefined ? {} : { takerFeeRate: decimal(taker).div(10_000) }),
  };
}

function printTable(report: BacktestReport, io: CommandIo): void {
  const rows: [string, string][] = [
    ["strategy", report.strategy],
    ["symbols", report.symbols.join(", ")],
    ["period", `${report.start} → ${report.end} (${report.bars} bars of ${report.interval})`],
    ["equity", `${money(report.initialEquity)} → ${money(report.finalEquity)}`],
    ["total return", percent(report.totalReturn)],
    ["CAGR", percent(report.cagr)],
    ["Sharpe / Sortino", `${fixed(report.sharpe)} / ${fixed(report.sortino)}`],
    ["max drawdown", percent(report.maxDrawdown)],
    ["trades (win rate)", `${report.trades} (${percent(report.winRate)})`],
    ["profit factor", fixed(report.profitFactor)],
    ["fees / funding", `${money(report.fees)} / ${money(report.funding)}`],
    ["orders / fills / rejected", `${report.orders} / ${report.fills} / ${report.rejectedOrders}`],
    ["ambiguous bars / liquidations", `${report.ambiguousBars} / ${report.liquidations}`],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) io.stdout(`${key.padEnd(width)}  ${value}`);
}

// The table shows at most 10 decimals (inverse contracts give 40-digit quotients);
// report.json keeps the exact values.
function money(text: string): string {
  const [, fraction = ""] = text.split(".");
  return fraction.length <= 10 ? text : decimal(text).toFixed(10).replace(/\.?0+$/, "");
}

function percent(value: number | null): string {
  return value === null ? "n/a" : `${(value * 100).toFixed(2)}%`;
}

function fixed(value: number | null): string {
  return value === null ? "n/a" : value.toFixed(3);
}

/** What a tick run takes from the config. */
interface TickBase {
  readonly currency: string;
  readonly balances: Readonly<Record<string, number>>;
  readonly risk: RiskLimits;
  readonly settings: Readonly<Record<string, JsonValue>>;
}

async function runTickFromFlags(
  flags: ParsedFlags,
  strategy: Strategy,
  params: Readonly<Record<string, unknown>>,
  instruments: readonly Instrument[],
  base: TickBase,
): Promise<TickBacktestResult> {
  const files = stringsFlag(flags, "lob-data");
  if (files.length === 0) {
    throw new ConfigError("backtest run --mode tick: --lob-data FILE is required", {
      hint: "pass Tardis CSV or JSONL trades/quotes/books, e.g. --lob-data trades.csv.gz",
    });
  }
  const ms = (name: string): number | undefined => numberFlag(flags, name, { min: 0 });
  const { queueModel, latency } = await resolveTickSettings({
    queueModel: stringFlag(flags, "queue-model"),
    queueProbability: stringFlag(flags, "queue-probability"),
    queueExponent: numberFlag(flags, "queue-exponent"),
    latencyMs: ms("latency-ms"),
    latencySubmitMs: ms("latency-submit-ms"),
    latencyAmendMs: ms("latency-amend-ms"),
    latencyCancelMs: ms("latency-cancel-ms"),
    latencyResponseMs: ms("latency-response-ms"),
    latencyFile: stringFlag(flags, "latency-file"),
  });
  const symbols = new Set(strategy.subscriptions.map((s) => s.symbol));
  const currency = tickReportingCurrency(
    instruments.filter((i) => symbols.has(i.symbol)),
    base.currency,
  );
  const initialEquity = numberFlag(flags, "initial-equity", { min: 0 }) ??
    base.balances[currency] ?? (currency === base.currency ? 10_000 : 1);
  if (!(initialEquity > 0)) throw new ConfigError("flag --initial-equity: must be positive");
  const feeBps = numberFlag(flags, "fee-bps");
  const maker = numberFlag(flags, "maker-fee-bps") ?? feeBps;
  const taker = numberFlag(flags, "taker-fee-bps") ?? feeBps;
  return await runTickBacktest({
    strategy,
    params: params as Readonly<Record<string, JsonValue>>,
    instruments,
    sources: files.map(tickFileSource),
    initialBalances: { [currency]: initialEquity },
    reportingCurrency: currency,
    sizer: parseSizer(flags),
    // The config's quantity limits are in the config currency's units; contracts settling in
    // another currency (inverse) would be refused by them, so they apply only when it matches.
    risk: currency === base.currency ? base.risk : {},
    leverage: numberFlag(flags, "leverage", { min: 1 }),
    queueModel,
    latency,
    fees: {
      maker: maker === undefined ? undefined : decimal(maker).div(10_000),
      taker: taker === undefined ? undefined : decimal(taker).div(10_000),
    },
    strict: booleanFlag(flags, "strict"),
    from: parseTime(flags, "from"),
    to: parseTime(flags, "to"),
    settings: { ...base.settings, data: [...files] },
  });
}

/** Runs `tesser backtest <subcommand>`; returns the exit code. */
export async function backtestCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "batch") return await backtestBatchCommand(rest, io, global);
  if (sub !== "run") {
    throw new ConfigError(`unknown backtest command "${sub}"`, { hint: "commands: run, batch" });
  }
  const flags = parseFlags("backtest run", rest, FLAGS);
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const strategyPath = stringFlag(flags, "strategy-config");
  if (strategyPath === undefined) {
    throw new ConfigError("backtest run: --strategy-config FILE is required", {
      hint: `run "tesser backtest run --help"`,
    });
  }
  const { config } = loadTesserConfig({
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
  const strategy: Strategy = prepared.strategy;
  // The report records the params in force, defaults included.
  const params = prepared.params as Readonly<Record<string, JsonValue>>;
  const marketsFile = stringFlag(flags, "markets-file") ?? config.backtest.markets_file;
  const instruments = await loadMarkets(marketsFile);
  const known = new Set(instruments.map((i) => i.symbol));
  for (const subscription of strategy.subscriptions) {
    const reference = subscription.kind === "candles" && subscription.reference === true;
    if (!reference && !known.has(subscription.symbol)) {
      throw new ConfigError(`no instrument for ${subscription.symbol} in ${marketsFile}`, {
        hint: `add a [[markets]] entry for it (known: ${[...known].join(", ")})`,
      });
    }
  }
  if ((choice(flags, "mode", ["candle", "tick"] as const) ?? "candle") === "tick") {
    const result = await runTickFromFlags(flags, strategy, params, instruments, {
      currency: config.backtest.reporting_currency,
      balances: config.backtest.initial_balances ?? {},
      risk: {
        maxOrderQuantity: config.risk_management?.max_order_quantity,
        maxOrderNotional: config.risk_management?.max_order_notional,
        maxPositionQuantity: config.risk_management?.max_position_quantity,
      },
      settings: { marketsFile, sizer: stringFlag(flags, "sizer") ?? "fixed" },
    });
    const outputDir = stringFlag(flags, "output-dir");
    if (outputDir !== undefined) {
      const written = await writeReportFiles(outputDir, result.bundle);
      io.stderr(`wrote ${written.length} files to ${outputDir}`);
    }
    if (booleanFlag(flags, "json")) io.stdout(reportToJson(result.report).trimEnd());
    else printTable(result.report, io);
    return 0;
  }
  const currency = config.backtest.reporting_currency;
  const initialEquity = numberFlag(flags, "initial-equity", { min: 0 }) ??
    config.backtest.initial_balances?.[currency] ?? 10_000;
  if (!(initialEquity > 0)) throw new ConfigError("flag --initial-equity: must be positive");
  const dataFiles = stringsFlag(flags, "data");
  const seed = numberFlag(flags, "seed", { integer: true, min: 0 }) ?? config.backtest.seed ?? 42;
  const rows = numberFlag(flags, "rows", { integer: true, min: 1 }) ?? 100_000;
  const symbols = [...new Set(strategy.subscriptions.map((s) => s.symbol))];
  const sources = dataFiles.length > 0
    ? dataFiles.map((path) => readCandleParquet(path))
    : symbols.map((symbol, i) =>
      generateCandles({ rows, seed: seed + i, symbol: symbolId(symbol) })
    );
  const maxDrawdown = numberFlag(flags, "max-drawdown", { min: 0, max: 1 }) ??
    config.risk_management?.max_drawdown;
  const settings: Record<string, JsonValue> = {
    data: dataFiles.length > 0 ? [...dataFiles] : `synthetic rows=${rows} seed=${seed}`,
    marketsFile,
    sizer: stringFlag(flags, "sizer") ?? "fixed",
  };
  const venue = venueSettings(flags, config.backtest.slippage_bps);
  for (const [key, value] of Object.entries(venue)) {
    settings[key] =
      typeof value === "object" && value !== null && "toString" in value && !("kind" in value)
        ? String(value)
        : value as JsonValue;
  }
  const funding = await readFundingFiles(stringsFlag(flags, "funding-file"));
  const result = await runCandleBacktest({
    strategy,
    params,
    instruments,
    sources,
    funding,
    initialBalances: { [currency]: initialEquity },
    reportingCurrency: currency,
    sizer: parseSizer(flags),
    risk: {
      maxOrderQuantity: config.risk_management?.max_order_quantity,
      maxOrderNotional: config.risk_management?.max_order_notional,
      maxPositionQuantity: config.risk_management?.max_position_quantity,
      maxDrawdown,
    },
    leverage: numberFlag(flags, "leverage", { min: 1 }),
    venue,
    from: parseTime(flags, "from"),
    to: parseTime(flags, "to"),
    atrPeriod: (stringFlag(flags, "sizer") ?? "").startsWith("risk") ? 14 : 0,
    expectedBars: dataFiles.length > 0
      ? Math.max(...(await Promise.all(dataFiles.map(inspectParquet))).map((info) => info.rows))
      : rows,
    settings,
  });
  const outputDir = stringFlag(flags, "output-dir");
  if (outputDir !== undefined) {
    const written = await writeReportFiles(outputDir, result.bundle);
    io.stderr(`wrote ${written.length} files to ${outputDir}`);
  }
  if (booleanFlag(flags, "json")) io.stdout(reportToJson(result.report).trimEnd());
  else printTable(result.report, io);
  return 0;
}
