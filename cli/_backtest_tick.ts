/**
 * `tesser backtest run --mode tick`: the tick-mode flags → {@linkcode runTickBacktest}, with
 * recordings among `--lob-data` decoded by their connectors (docs/recording.md).
 *
 * @module
 */

import {
  resolveTickSettings,
  runTickBacktest,
  type TickBacktestResult,
  tickFileSource,
  tickReportingCurrency,
} from "../lib/backtest/tick/mod.ts";
import { ConfigError } from "../lib/domain/mod.ts";
import { binanceRecordingCodec } from "../connectors/binance/recording.ts";
import { bitmexRecordingCodec } from "../connectors/bitmex/recording.ts";
import { bybitRecordingCodec } from "../connectors/bybit/recording.ts";
import { type RecordingCodec, splitRecordings } from "../connectors/recording/replay.ts";
import type { CommandIo } from "./io.ts";
import { feeOverrides, inferenceSettings, parseSizer, parseWindow } from "./_backtest_flags.ts";
import { maxDrawdownLimit, riskLimits, type RunInputs } from "./_run_inputs.ts";
import { booleanFlag, numberFlag, stringFlag, stringsFlag } from "./usage_error.ts";

/**
 * The connectors whose recordings `--lob-data` replays, each through its own parsers (`lib/`
 * may not import connectors, so the CLI hands them in).
 */
export const RECORDING_CODECS: readonly RecordingCodec[] = [
  bybitRecordingCodec,
  binanceRecordingCodec,
  bitmexRecordingCodec,
];

/** Runs a tick-mode backtest from the parsed flags. */
export async function runTickFromFlags(
  run: RunInputs,
  io: CommandIo,
): Promise<TickBacktestResult> {
  const { flags, strategy, params, instruments, config } = run;
  const fees = feeOverrides(flags, config.backtest.fee_bps);
  const files = stringsFlag(flags, "lob-data");
  if (files.length === 0) {
    throw new ConfigError("backtest run --mode tick: --lob-data FILE is required", {
      hint: "pass Tardis CSV or JSONL trades/quotes/books, e.g. --lob-data trades.csv.gz",
    });
  }
  // Recordings (`tesser data record`, hftbacktest captures) are decoded by their venue's
  // connector; the other files are read as Tardis CSV or JSONL.
  const recordings = await splitRecordings(files, RECORDING_CODECS);
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
  const configCurrency = config.backtest.reporting_currency;
  const currency = tickReportingCurrency(
    instruments.filter((i) => symbols.has(i.symbol)),
    configCurrency,
  );
  const initialEquity = numberFlag(flags, "initial-equity", { min: 0 }) ??
    config.backtest.initial_balances?.[currency] ?? (currency === configCurrency ? 10_000 : 1);
  if (!(initialEquity > 0)) throw new ConfigError("flag --initial-equity: must be positive");
  return await runTickBacktest({
    strategy,
    params,
    instruments,
    ...(run.execution === undefined ? {} : { execution: run.execution }),
    sources: [...recordings.others.map(tickFileSource), ...recordings.sources],
    initialBalances: { [currency]: initialEquity },
    reportingCurrency: currency,
    sizer: parseSizer(flags),
    // The config's quantity limits are in the config currency's units; contracts settling in
    // another currency (inverse) would be refused by them, so they apply only when it matches.
    // The drawdown limit is a ratio and always applies.
    risk: {
      ...(currency === configCurrency ? riskLimits(config, undefined) : {}),
      maxDrawdown: maxDrawdownLimit(flags, config),
    },
    leverage: numberFlag(flags, "leverage", { min: 1 }),
    inference: inferenceSettings(flags),
    warn: (message) => io.stderr(`warning: ${message}`),
    queueModel,
    latency,
    fees: { maker: fees.maker, taker: fees.taker },
    strict: booleanFlag(flags, "strict"),
    // The recording of a paper tick session replays on receive times, as the session matched.
    ...(recordings.venueClock === undefined ? {} : { venueClock: recordings.venueClock }),
    ...parseWindow(flags),
    settings: { ...run.settings, data: [...files] },
  });
}
