/**
 * The candle-mode backtest runner: the trading session with the simulated candle venue as its
 * port, driven by the engine's runner over the candle data loop ({@linkcode CandleLoop}), and
 * the report. The venue sits outside the engine, as an exchange does in live trading: its
 * order updates and fills enter the engine through the session's inbox as input events,
 * stamped at the simulated time they happen (inside the bar), before that bar's close is
 * delivered.
 *
 * @module
 */

import type { CandleBatch } from "../data/candle_batch.ts";
import { mergeCandleBatches } from "../data/merge.ts";
import type { JsonValue, Micros } from "../domain/mod.ts";
import type { FundingEvent } from "../events/mod.ts";
import { CandleLoop } from "./_candle_loop.ts";
import { type EquityOutput, EquityRecorder } from "./equity_recorder.ts";
import { candleResult } from "./_candle_result.ts";
import { runWithModels, strategyModels } from "./_model_run.ts";
import { type TradingOptions, TradingSession } from "../trader/mod.ts";
import { CandleVenue, type CandleVenueOptions } from "../venues/candle/candle_venue.ts";
import type { BacktestReport } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";

/** Settings of the simulated venue that the caller chooses. */
export type VenueSettings = Omit<
  CandleVenueOptions,
  "instruments" | "positionOf" | "liquidationPriceOf" | "now"
>;

/** Options of {@linkcode runCandleBacktest}. */
export interface CandleBacktestOptions extends TradingOptions {
  /** Candle sources, each sorted by time (one symbol/interval per source). */
  readonly sources: readonly (AsyncIterable<CandleBatch> | Iterable<CandleBatch>)[];
  /**
   * Funding-rate events of perpetuals, in time order (e.g. from `readFundingCsv`). Each is
   * applied at its time to the open position of its symbol, on the notional at the event's mark
   * price (or the last close); positive rates make longs pay.
   */
  readonly funding?: readonly FundingEvent[];
  /** Venue settings (latency, slippage, fees, intrabar model, …). */
  readonly venue?: VenueSettings;
  /** Skip bars that open before this time (µs). */
  readonly from?: Micros;
  /** Skip bars that open at or after this time (µs). */
  readonly to?: Micros;
  /** ATR period for volatility-aware sizing (0 or absent: not tracked). */
  readonly atrPeriod?: number;
  /**
   * Where the equity curve goes (default: kept in memory). The CLI streams it to the report's
   * `equity.parquet` (`stream`) or only summarises it (`summary`), so memory does not grow with
   * the run.
   */
  readonly equityOutput?: EquityOutput;
  /** Free-form settings recorded in the report. */
  readonly settings?: Readonly<Record<string, JsonValue>>;
  /** Called every 65,536 bars with the number processed. */
  readonly onProgress?: (bars: number) => void;
}

/** Everything a run produced. */
export interface CandleBacktestResult {
  /** The report. */
  readonly report: BacktestReport;
  /** The report plus series and tables, for {@linkcode writeReportFiles}. */
  readonly bundle: ReportBundle;
  /** Events processed by the engine. */
  readonly events: number;
}

/**
 * Runs a candle-mode backtest.
 *
 * @throws {DataError} when there is no data, the data is out of order, or a candle's symbol is
 * not one the strategy trades; {@linkcode ConfigError} when a traded symbol has no instrument
 * or the account cannot be valued.
 */
export async function runCandleBacktest(
  options: CandleBacktestOptions,
): Promise<CandleBacktestResult> {
  const instruments = new Map(options.instruments.map((i) => [i.symbol, i]));
  const session = new TradingSession({
    ...options,
    models: await strategyModels(options),
    // The buying-power check prices market orders as this venue fills them.
    slippageBps: options.venue?.slippageBps,
    takerFeeRate: options.venue?.takerFeeRate,
  }, ({ clock, inbox, portfolio }) =>
    new CandleVenue({
      ...options.venue,
      instruments,
      positionOf: (symbol) => portfolio.position(symbol).quantity,
      liquidationPriceOf: (symbol) => portfolio.liquidationPrice(symbol),
      bankruptcyPriceOf: (symbol) => portfolio.bankruptcyPrice(symbol),
      now: () => clock.now(),
    }, inbox));
  const { engine, inference } = session;
  // The first batch is asked for before the equity worker's start-up is awaited, so a data
  // worker starts (and decodes its first row group) meanwhile instead of after it: ~0.1 s of
  // a report run's thread otherwise spent waiting on one start-up, then the other.
  const batches = mergeCandleBatches(options.sources);
  const first = batches.next();
  first.catch(() => {}); // rethrown where it is awaited, unless the recorder failed first
  let recorder: EquityRecorder;
  try {
    recorder = await EquityRecorder.create(options.equityOutput);
  } catch (error) {
    await batches.return(undefined).catch(() => {});
    throw error;
  }
  const loop = new CandleLoop(session, session.venue, {
    funding: options.funding ?? [],
    from: options.from ?? Number.NEGATIVE_INFINITY,
    to: options.to ?? Number.POSITIVE_INFINITY,
    recorder,
    onProgress: options.onProgress,
    // The session's own candle handlers only read the bar; the strategy says for itself.
    reuseCandle: options.strategy.keepsCandles === false,
  });
  try {
    for (let step = await first; step.done !== true; step = await batches.next()) {
      await runWithModels(engine, loop.load(step.value), inference, false);
    }
    await runWithModels(engine, loop.tail(), inference, true);
    await recorder.finish();
  } catch (error) {
    // As a `for await` would on a throw: the data workers stop.
    await batches.return(undefined).catch(() => {});
    await recorder.abort();
    throw error;
  }
  return candleResult(session, session.venue, loop, options);
}
