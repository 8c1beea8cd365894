/**
 * `tesser data download --exchange PROFILE --symbol bybit:BTCUSDT --interval 1m --from ISO
 * --to ISO --output DIR`: pages a venue's klines into canonical Parquet. Pages are appended to
 * a staging file beside the output as they arrive, so an interrupted download resumes after
 * the last bar it had; the Parquet is written (and the staging file removed) only at the end.
 *
 * @module
 */

import { join } from "node:path";
import { binanceFromProfile } from "../connectors/binance/mod.ts";
import { bybitFromProfile } from "../connectors/bybit/mod.ts";
import type { HistoricalData } from "../lib/broker/mod.ts";
import { type ExchangeConfig, loadTesserConfig } from "../lib/config/mod.ts";
import { candlesToBatch, writeCandleParquet, writeFailureReason } from "../lib/data/mod.ts";
import {
  type Candle,
  ConfigError,
  DataError,
  type Interval,
  intervalMicros,
  parseInterval,
  parseSymbol,
  symbolId,
  toIso,
} from "../lib/domain/mod.ts";
import { parseWindow } from "./_backtest_flags.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { startProgress } from "./progress.ts";
import { booleanFlag, type ParsedFlags, parseFlags, stringFlag } from "./usage_error.ts";

const USAGE =
  "Usage: tesser data download --exchange PROFILE --symbol VENUE:SYM --interval 1m --from ISO --to ISO --output DIR [--json]\n" +
  "       (--start/--end, the seed's names, are taken for --from/--to)";

/** What the download command needs from outside (tests pass their own). */
export interface DownloadContext {
  /** Global CLI options (config folder and env). */
  readonly global: GlobalOptions;
  /** Environment variables (`TESSER_*` overrides and secrets). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The historical-data source of a config profile. */
export function historyOf(profile: string, config: ExchangeConfig): HistoricalData {
  switch (config.driver) {
    case "bybit":
      return bybitFromProfile(profile, config).history;
    case "binance":
      return binanceFromProfile(profile, config).history;
    case "paper":
    case "bitmex":
    case "simulator":
      throw new ConfigError(
        `[exchange.${profile}] driver "${config.driver}" has no kline download`,
        {
          hint: "use a bybit or binance profile (e.g. bybit_testnet, binance_testnet)",
        },
      );
    default: {
      const never: never = config.driver;
      throw new ConfigError(`unknown driver ${String(never)}`);
    }
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new ConfigError(`tesser data download: missing --${flag}`, {
      hint: "see tesser data download --help",
    });
  }
  return value;
}

/** Reads the staging file: the bars downloaded so far (a torn last line is dropped). */
async function readStaging(path: string, symbol: string, interval: Interval): Promise<Candle[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const candles: Candle[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      break; // the write that was interrupted; everything after it is refetched
    }
    if (!Array.isArray(row) || row.length !== 6 || !row.every((v) => typeof v === "number")) {
      throw new DataError(`${path}: not a staging line: ${line.slice(0, 80)}`, {
        hint: "delete the .partial file to start the download over",
      });
    }
    const [openTime, open, high, low, close, volume] = row as number[];
    candles.push({ symbol, interval, openTime, open, high, low, close, volume });
  }
  return candles;
}

// --start/--end (the seed's) as --from/--to; both names of one bound is a slip.
function seedWindowNames(flags: ParsedFlags): ParsedFlags {
  for (const [seed, ours] of [["start", "from"], ["end", "to"]] as const) {
    if (flags.values[seed] !== undefined && flags.values[ours] !== undefined) {
      throw new ConfigError(`tesser data download: --${seed} and --${ours} are one flag; pass one`);
    }
  }
  const values = flags.values;
  return {
    positionals: flags.positionals,
    values: { ...values, from: values.from ?? values.start, to: values.to ?? values.end },
  };
}

/** Runs `tesser data download`; returns the exit code. */
export async function downloadCommand(
  args: string[],
  io: CommandIo,
  context: DownloadContext,
): Promise<number> {
  const flags = parseFlags("data download", args, {
    help: { type: "boolean", short: "h" },
    json: { type: "boolean" },
    exchange: { type: "string" },
    symbol: { type: "string" },
    interval: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    // The seed's names for --from and --to.
    start: { type: "string" },
    end: { type: "string" },
    output: { type: "string" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(USAGE);
    return 0;
  }
  const json = booleanFlag(flags, "json");
  const profile = required(stringFlag(flags, "exchange"), "exchange");
  let symbol: string;
  let interval: Interval;
  try {
    symbol = symbolId(required(stringFlag(flags, "symbol"), "symbol"));
    interval = parseInterval(stringFlag(flags, "interval") ?? "1m");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`tesser data download: ${(error as Error).message}`);
  }
  const window = parseWindow(seedWindowNames(flags));
  if (window.from === undefined || window.to === undefined) {
    throw new ConfigError("tesser data download: --from and --to are required", {
      hint: "e.g. --from 2024-01-01 --to 2024-02-01",
    });
  }
  const outputDir = required(stringFlag(flags, "output"), "output");
  const { config } = loadTesserConfig({
    configDir: context.global.configDir,
    env: context.global.env,
    environment: context.environment,
  });
  const entry = config.exchange?.[profile];
  if (entry === undefined) {
    throw new ConfigError(`--exchange: no [exchange.${profile}] in the config`, {
      hint: `known profiles: ${Object.keys(config.exchange ?? {}).join(", ")}`,
    });
  }
  const history = historyOf(profile, entry);
  const code = parseSymbol(symbol).code;
  const day = (us: number): string => toIso(us).slice(0, 10);
  const base = `${parseSymbol(symbol).venue}_${code}_${interval}_${day(window.from)}_${
    day(window.to)
  }`;
  await Deno.mkdir(outputDir, { recursive: true });
  const output = join(outputDir, `${base}.parquet`);
  const staging = `${output}.partial`;
  const step = intervalMicros(interval);
  const have = await readStaging(staging, symbol, interval);
  const resumeFrom = have.length === 0 ? window.from : (have[have.length - 1].openTime + step);
  const total = Math.ceil((window.to - window.from) / step);
  if (have.length > 0) {
    const line = `resuming after ${have.length} bars (from ${toIso(resumeFrom)})`;
    json
      ? io.stdout(JSON.stringify({ event: "resume", bars: have.length, from: toIso(resumeFrom) }))
      : io.stderr(line);
  }
  // The staging file is rewritten without a torn tail before appending to it.
  await stage(staging, have, false);
  const progress = startProgress(io, total, "download");
  let done = have.length;
  const candles = [...have];
  try {
    for await (
      const page of history.fetchCandles({ symbol, interval, from: resumeFrom, to: window.to })
    ) {
      await stage(staging, page, true);
      candles.push(...page);
      done += page.length;
      progress.update(done);
      if (json && !io.isTty) io.stdout(JSON.stringify({ event: "progress", bars: done, total }));
    }
  } finally {
    progress.stop();
  }
  if (candles.length === 0) {
    throw new DataError(`${profile} returned no ${interval} bars of ${symbol} in the window`, {
      hint: "check the symbol and the dates (Bybit has no bars before a listing)",
    });
  }
  const rows = await writeCandleParquet(output, [candlesToBatch(candles)], { symbol, interval });
  await Deno.remove(staging);
  if (json) io.stdout(JSON.stringify({ event: "done", output, rows }));
  else io.stdout(`wrote ${rows} ${symbol} ${interval} bars to ${output}`);
  return 0;
}

// A refused write of the staging file (disk full) names it: what was staged stays for a resume.
async function stage(path: string, candles: readonly Candle[], append: boolean): Promise<void> {
  try {
    await Deno.writeTextFile(path, candles.map(stagingLine).join(""), { append });
  } catch (error) {
    const failure = writeFailureReason(error);
    throw new DataError(`cannot write ${path}: ${failure}`, {
      hint: "free some space and run the same command again: it resumes from what was staged",
      cause: error,
    });
  }
}

function stagingLine(candle: Candle): string {
  return `${
    JSON.stringify([
      candle.openTime,
      candle.open,
      candle.high,
      candle.low,
      candle.close,
      candle.volume,
    ])
  }\n`;
}
