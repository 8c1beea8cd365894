/**
 * `tesser data normalize|validate|resample|inspect|synth`: thin commands over `lib/data`.
 *
 * @module
 */

import {
  candleAt,
  type CandleBatch,
  expandGlobs,
  generateCandles,
  inspectParquet,
  loadEtlConfig,
  normalizeCsvCandles,
  readCandleParquet,
  resampleCandles,
  validateCandles,
  writeCandleParquet,
} from "../lib/data/mod.ts";
import {
  ConfigError,
  type Interval,
  parseInterval,
  type SymbolId,
  symbolId,
  toIso,
} from "../lib/domain/mod.ts";
import { downloadCommand } from "./data_download.ts";
import { recordCommand } from "./data_record.ts";
import type { CommandIo } from "./io.ts";
import { signalPoint } from "./interrupt.ts";
import type { GlobalOptions } from "./main.ts";
import { type Progress, startProgress } from "./progress.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";
import { counted } from "./_count.ts";

const HELP = `Usage: tesser data <command> [options]

Commands:
  normalize  CSV candles → canonical Parquet (--source GLOB... --output DIR --config ETL.toml --symbol VENUE:SYM [--interval 1m] [--skip-bad-rows])
  validate   check candle Parquet for gaps, duplicates, disorder, OHLC/price/volume problems (--data FILE...)
  resample   candles → a coarser interval (--data FILE --output FILE [--interval 1h] [--drop-partial])
  inspect    schema, rows, time span, symbols, row groups, min/max (--data FILE)
  download   a venue's klines → canonical Parquet, resumable (--exchange PROFILE --symbol VENUE:SYM --interval 1m --from ISO --to ISO --output DIR)
  record     a venue's live market stream, every frame as received → FILE.gz (--exchange PROFILE --symbol SYM --output FILE.gz [--channels book,trades] [--duration 10m])
  synth      seeded synthetic candles (--output FILE --rows N --seed S [--symbol S] [--interval 1m])

Every command takes --help and --json.`;

// The default symbol of `data synth`: one config/markets.toml has an instrument for and the
// example strategies trade, so `backtest run --data` takes the file as it is.
const SYNTH_SYMBOL = "bybit:BTCUSDT";

const COMMON = { help: { type: "boolean", short: "h" }, json: { type: "boolean" } } as const;

function interval(text: string | undefined, fallback: Interval): Interval {
  if (text === undefined) return fallback;
  try {
    return parseInterval(text);
  } catch (error) {
    throw new ConfigError(`--interval: ${(error as Error).message}`);
  }
}

function symbol(text: string | undefined): SymbolId | undefined {
  if (text === undefined) return undefined;
  try {
    return symbolId(text);
  } catch (error) {
    throw new ConfigError(`--symbol: ${(error as Error).message}`);
  }
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined) {
    throw new ConfigError(`tesser data ${command}: missing --${flag}`, {
      hint: `see tesser data ${command} --help`,
    });
  }
  return value;
}

/** Runs `tesser data …`; returns the exit code (0 ok, 1 problems found). */
export async function dataCommand(
  args: string[],
  io: CommandIo,
  global: GlobalOptions = { env: undefined, configDir: "config", verbose: false },
  environment: Readonly<Record<string, string>> = Deno.env.toObject(),
): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      io.stdout(HELP);
      return 0;
    case "normalize":
      return await normalize(rest, io);
    case "validate":
      return await validate(rest, io);
    case "resample":
      return await resample(rest, io);
    case "inspect":
      return await inspect(rest, io);
    case "synth":
      return await synth(rest, io);
    case "download":
      return await downloadCommand(rest, io, { global, environment });
    case "record":
      return await recordCommand(rest, io, { global, environment });
    default:
      throw new ConfigError(`Unknown command "tesser data ${sub}"`, {
        hint: "expected normalize, validate, resample, inspect, download, record or synth",
      });
  }
}

async function normalize(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("data normalize", args, {
    ...COMMON,
    source: { type: "string", multiple: true },
    output: { type: "string" },
    config: { type: "string" },
    symbol: { type: "string" },
    interval: { type: "string" },
    "skip-bad-rows": { type: "boolean" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(
      "Usage: tesser data normalize --source GLOB... --output DIR --config ETL.toml --symbol VENUE:SYM [--interval 1m] [--skip-bad-rows] [--json]",
    );
    return 0;
  }
  const patterns = [...stringsFlag(flags, "source"), ...flags.positionals];
  if (patterns.length === 0) throw new ConfigError("tesser data normalize: missing --source");
  const sources = await expandGlobs(patterns);
  if (sources.length === 0) {
    throw new ConfigError(`--source: no file matches ${patterns.join(" ")}`);
  }
  const config = await loadEtlConfig(required(stringFlag(flags, "config"), "config", "normalize"));
  const outputDir = required(stringFlag(flags, "output"), "output", "normalize");
  // Bytes read of (possibly gzipped) files: the one measure known before parsing.
  const sizes = io.isTty ? await Promise.all(sources.map(fileSize)) : [];
  // before[i]: bytes of the files ahead of file i (before[sizes.length] is the total).
  const before = [0];
  for (const size of sizes) before.push((before.at(-1) ?? 0) + size);
  const progress = startProgress(io, before.at(-1) ?? 0, "normalize", { unit: "bytes" });
  let result;
  try {
    result = await normalizeCsvCandles({
      sources,
      outputDir,
      config,
      symbol: symbol(stringFlag(flags, "symbol")),
      interval: interval(stringFlag(flags, "interval"), config.interval ?? "1m"),
      skipBadRows: booleanFlag(flags, "skip-bad-rows"),
      onProgress: ({ file, bytes }) => progress.update((before[file] ?? 0) + bytes),
    });
  } finally {
    progress.stop();
  }
  if (booleanFlag(flags, "json")) io.stdout(JSON.stringify({ ...result, sources }));
  else {
    io.stdout(
      `wrote ${result.rows} rows of ${result.symbol} ${result.interval} to ${result.output}`,
    );
    if (result.skipped > 0) {
      io.stderr(`skipped ${counted(result.skipped, "bad row")}; first:`);
      for (const p of result.problems) io.stderr(`  ${p.file}:${p.line}: ${p.reason}`);
    }
  }
  return 0;
}

async function validate(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("data validate", args, {
    ...COMMON,
    data: { type: "string", multiple: true },
    // The seed's name for --data.
    path: { type: "string", multiple: true },
    "max-problems": { type: "string" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(
      "Usage: tesser data validate --data FILE... (or --path FILE...) [--max-problems 20] [--json]",
    );
    return 0;
  }
  const files = await expandGlobs([...stringsFlag(flags, "data"), ...stringsFlag(flags, "path")]);
  if (files.length === 0) throw new ConfigError("tesser data validate: missing --data");
  const max = numberFlag(flags, "max-problems", { integer: true, min: 0 }) ?? 20;
  let clean = true;
  const reports = [];
  const progress = startProgress(io, io.isTty ? await totalRows(files) : 0, "validate");
  // On a terminal the report waits for the bar to finish instead of cutting through it.
  const held: string[] = [];
  const print = (line: string): void => {
    if (io.isTty) held.push(line);
    else io.stdout(line);
  };
  let done = 0;
  for (const file of files) {
    let report;
    try {
      report = await validateCandles(
        counting(readCandleParquet(file), progress, done),
        { maxIssues: max },
      );
    } catch (error) {
      progress.stop();
      throw error;
    }
    done += report.rows;
    clean &&= report.ok;
    reports.push({ file, ...report });
    if (!booleanFlag(flags, "json")) {
      const span = report.rows === 0 ? "empty" : `${toIso(report.first)} … ${toIso(report.last)}`;
      const found = Object.entries(report.counts).filter(([, n]) => n > 0)
        .map(([kind, n]) => `${n} ${kind}`).join(", ");
      print(`${file}: ${report.rows} rows, ${span}: ${report.ok ? "clean" : found}`);
      for (const issue of report.issues) {
        print(`  row ${issue.row}: ${issue.kind}: ${issue.message}`);
      }
    }
  }
  progress.stop();
  for (const line of held) io.stdout(line);
  if (booleanFlag(flags, "json")) io.stdout(JSON.stringify(reports));
  return clean ? 0 : 1;
}

async function resample(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("data resample", args, {
    ...COMMON,
    data: { type: "string" },
    // The seed's name for --data.
    input: { type: "string" },
    interval: { type: "string" },
    output: { type: "string" },
    "drop-partial": { type: "boolean" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(
      "Usage: tesser data resample --data FILE (or --input FILE) --output FILE [--interval 1h] [--drop-partial] [--json]",
    );
    return 0;
  }
  const given = stringFlag(flags, "data") ?? stringFlag(flags, "input");
  if (stringFlag(flags, "data") !== undefined && stringFlag(flags, "input") !== undefined) {
    throw new ConfigError("tesser data resample: --data and --input name the same input; pass one");
  }
  const data = required(given, "data", "resample");
  const output = required(stringFlag(flags, "output"), "output", "resample");
  // 1h unless told, as the seed's resample.
  const target = interval(stringFlag(flags, "interval"), "1h");
  const first = await readCandleParquet(data).next();
  if (first.done) throw new ConfigError(`--data: ${data} has no rows`);
  const progress = startProgress(io, io.isTty ? await totalRows([data]) : 0, "resample");
  let rows;
  try {
    rows = await writeCandleParquet(
      output,
      resampleCandles(counting(readCandleParquet(data, { checkValues: true }), progress), {
        interval: target,
        partial: booleanFlag(flags, "drop-partial") ? "drop" : "keep",
        source: data,
      }),
      { symbol: first.value.symbol, interval: target },
    );
  } finally {
    progress.stop();
  }
  if (booleanFlag(flags, "json")) io.stdout(JSON.stringify({ output, rows, interval: target }));
  else io.stdout(`wrote ${counted(rows, `${target} bar`)} to ${output}`);
  return 0;
}

async function inspect(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("data inspect", args, { ...COMMON, data: { type: "string" } });
  if (booleanFlag(flags, "help")) {
    io.stdout("Usage: tesser data inspect --data FILE [--json]");
    return 0;
  }
  const data = required(stringFlag(flags, "data") ?? flags.positionals[0], "data", "inspect");
  const info = await inspectParquet(data);
  const symbols = new Set<string>();
  let first = NaN;
  let last = NaN;
  for await (const batch of readCandleParquet(data, { defaultVenue: "unknown" })) {
    symbols.add(batch.symbol);
    if (batch.length === 0) continue;
    if (Number.isNaN(first)) first = candleAt(batch, 0).openTime;
    last = batch.ts[batch.length - 1] ?? last;
  }
  const summary = {
    ...info,
    symbols: [...symbols],
    first: Number.isNaN(first) ? null : toIso(first),
    last: Number.isNaN(last) ? null : toIso(last),
  };
  if (booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify(summary));
    return 0;
  }
  io.stdout(
    `${data}: ${info.rows} rows in ${info.rowGroups.length} row groups, ${info.bytes} bytes`,
  );
  io.stdout(
    `time: ${summary.first ?? "-"} … ${summary.last ?? "-"}; symbols: ${
      summary.symbols.join(", ")
    }`,
  );
  io.stdout(`codecs: ${info.codecs.join(", ")}; written by ${info.createdBy}`);
  for (const c of info.columns) {
    io.stdout(
      `  ${c.name}: ${c.physicalType}${c.logicalType ? ` ${c.logicalType}` : ""}${
        c.nullable ? " nullable" : ""
      } [${c.min ?? "?"} … ${c.max ?? "?"}]`,
    );
  }
  return 0;
}

async function synth(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("data synth", args, {
    ...COMMON,
    output: { type: "string" },
    rows: { type: "string" },
    seed: { type: "string" },
    symbol: { type: "string" },
    interval: { type: "string" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(
      `Usage: tesser data synth --output FILE --rows N [--seed S] [--symbol ${SYNTH_SYMBOL}] [--interval 1m] [--json]`,
    );
    return 0;
  }
  const output = required(stringFlag(flags, "output"), "output", "synth");
  // Bounded as `backtest run --rows/--seed` are.
  const rows = numberFlag(flags, "rows", { integer: true, min: 1 }) ?? 100_000;
  const seed = numberFlag(flags, "seed", { integer: true, min: 0 }) ?? 1;
  const sym = symbol(stringFlag(flags, "symbol")) ?? SYNTH_SYMBOL;
  const iv = interval(stringFlag(flags, "interval"), "1m");
  const progress = startProgress(io, rows, "synth");
  let written;
  try {
    written = await writeCandleParquet(
      output,
      counting(generateCandles({ rows, seed, symbol: sym, interval: iv }), progress),
      { symbol: sym, interval: iv },
    );
  } finally {
    progress.stop();
  }
  if (booleanFlag(flags, "json")) io.stdout(JSON.stringify({ output, rows: written, seed }));
  else {io.stdout(
      `wrote ${counted(written, `synthetic ${sym} ${iv} bar`)} (seed ${seed}) to ${output}`,
    );}
  return 0;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0; // the read reports a missing file properly
  }
}

async function totalRows(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    try {
      total += (await inspectParquet(file)).rows;
    } catch {
      return 0; // no bar; the read itself reports the bad file
    }
  }
  return total;
}

/** Passes batches through, reporting `offset` + rows seen so far to `progress`. */
async function* counting(
  batches: Iterable<CandleBatch> | AsyncIterable<CandleBatch>,
  progress: Progress,
  offset = 0,
): AsyncGenerator<CandleBatch> {
  let rows = offset;
  for await (const batch of batches) {
    // The writers write synchronously: without this, Ctrl-C would wait for the whole file.
    await signalPoint();
    rows += batch.length;
    progress.update(rows);
    yield batch;
  }
}
