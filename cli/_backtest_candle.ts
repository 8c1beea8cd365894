/**
 * `tesser backtest run` in candle mode (the default): Parquet or synthetic candles, funding files
 * and the candle-venue flags → {@linkcode runCandleBacktest}.
 *
 * @module
 */

import { type CandleBacktestResult, runCandleBacktest } from "../lib/backtest/candle_backtest.ts";
import {
  generateCandles,
  inspectParquet,
  READ_AHEAD_MIN_ROWS,
  readCandleParquet,
  readCandleParquetAhead,
  readFundingCsv,
} from "../lib/data/mod.ts";
import { ConfigError, type JsonValue, symbolId } from "../lib/domain/mod.ts";
import { DEFAULT_INFERENCE_LATENCY_MICROS } from "../lib/trader/mod.ts";
import type { FundingEvent } from "../lib/events/mod.ts";
import { inferenceSettings, parseSizer, parseWindow, venueSettings } from "./_backtest_flags.ts";
import { maxDrawdownLimit, riskLimits, type RunInputs } from "./_run_inputs.ts";
import { equityCsvMode, equityOutputFor } from "./_backtest_output.ts";
import type { CommandIo } from "./io.ts";
import { interruptible } from "./interrupt.ts";
import { startProgress } from "./progress.ts";
import { numberFlag, stringFlag, stringsFlag } from "./usage_error.ts";

/** Reads and merges funding files by time (stable: file order on ties). */
async function readFundingFiles(files: readonly string[]): Promise<readonly FundingEvent[]> {
  const all = (await Promise.all(files.map((file) => readFundingCsv(file)))).flat();
  return all.map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.ts - b.event.ts || a.order - b.order)
    .map(({ event }) => event);
}

/** Runs a candle-mode backtest from the parsed flags. */
export async function runCandleFromFlags(
  run: RunInputs,
  io: CommandIo,
): Promise<CandleBacktestResult> {
  const { flags, config, strategy, params, instruments } = run;
  const currency = config.backtest.reporting_currency;
  const initialEquity = numberFlag(flags, "initial-equity", { min: 0 }) ??
    config.backtest.initial_balances?.[currency] ?? 10_000;
  if (!(initialEquity > 0)) throw new ConfigError("flag --initial-equity: must be positive");
  const dataFiles = stringsFlag(flags, "data");
  const seed = numberFlag(flags, "seed", { integer: true, min: 0 }) ?? config.backtest.seed ?? 42;
  const rows = numberFlag(flags, "rows", { integer: true, min: 1 }) ?? 100_000;
  const symbols = [...new Set(strategy.subscriptions.map((s) => s.symbol))];
  const fileRows = (await Promise.all(dataFiles.map(inspectParquet))).map((info) => info.rows);
  // interruptible: Ctrl-C is heard between batches even when nothing awaits real I/O. A long
  // file is decoded by a worker ahead of the run (the second core); a short one here, where a
  // worker's start-up would cost more than it saves.
  const sources = dataFiles.length > 0
    ? dataFiles.map((path, i) =>
      interruptible(
        (fileRows[i] ?? 0) >= READ_AHEAD_MIN_ROWS
          ? readCandleParquetAhead(path, { checkValues: true, reuseBuffers: true })
          : readCandleParquet(path, { checkValues: true }),
      )
    )
    : symbols.map((symbol, i) =>
      interruptible(generateCandles({ rows, seed: seed + i, symbol: symbolId(symbol) }))
    );
  const maxDrawdown = maxDrawdownLimit(flags, config);
  const venue = venueSettings(flags, config.backtest);
  const settings: Record<string, JsonValue> = {
    ...run.settings,
    data: dataFiles.length > 0 ? [...dataFiles] : `synthetic rows=${rows} seed=${seed}`,
    ...JSON.parse(JSON.stringify(venue)),
    // The modelled inference latency is part of what the run assumed.
    ...((strategy.models ?? []).length === 0 ? {} : {
      inference_latency_us: inferenceSettings(flags).latencyMicros ??
        DEFAULT_INFERENCE_LATENCY_MICROS,
    }),
  };
  // The progress bar's total.
  const expectedBars = dataFiles.length > 0 ? Math.max(...fileRows) : rows;
  const progress = startProgress(io, expectedBars, "backtest");
  try {
    return await runCandleBacktest({
      strategy,
      params,
      instruments,
      ...(run.execution === undefined ? {} : { execution: run.execution }),
      sources,
      funding: await readFundingFiles(stringsFlag(flags, "funding-file")),
      initialBalances: { [currency]: initialEquity },
      reportingCurrency: currency,
      sizer: parseSizer(flags),
      risk: riskLimits(config, maxDrawdown),
      leverage: numberFlag(flags, "leverage", { min: 1 }),
      inference: inferenceSettings(flags),
      warn: (message) => io.stderr(`warning: ${message}`),
      venue,
      ...parseWindow(flags),
      atrPeriod: (stringFlag(flags, "sizer") ?? "").startsWith("risk") ? 14 : 0,
      equityOutput: await equityOutputFor(
        stringFlag(flags, "output-dir"),
        equityCsvMode(flags),
      ),
      settings,
      onProgress: (bars) => progress.update(bars),
    });
  } finally {
    progress.stop();
  }
}
