/**
 * The candle-mode backtest runner: wires the one engine with the strategy host, the OMS, the
 * portfolio and the simulated candle venue, replays merged candle batches, marks equity at
 * every bar close, and assembles the report. The venue sits outside the engine, as an exchange
 * does in live trading: its order updates and fills enter the engine as input events, stamped
 * at the simulated time they happen (inside the bar), before that bar's close is delivered.
 *
 * @module
 */

import type { CandleBatch } from "../data/candle_batch.ts";
import { mergeCandleBatches, type MergedCandleBatch } from "../data/merge.ts";
import {
  DataError,
  type Decimal,
  type Interval,
  intervalMicros,
  type JsonValue,
  type Micros,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import type { Event, FundingEvent } from "../events/mod.ts";
import { Atr } from "../indicators/mod.ts";

import { EquitySeries } from "./_equity_series.ts";
import { reportBundle } from "./_bundle.ts";
import { type StrategyHost, type TradingOptions, TradingSession } from "../trader/mod.ts";
import { CandleVenue, type CandleVenueOptions } from "../venues/candle/candle_venue.ts";
import { computeMetrics, periodsPerYear } from "./metrics.ts";
import { type BacktestReport, buildReport } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";

/** Settings of the simulated venue that the caller chooses. */
export type VenueSettings = Omit<CandleVenueOptions, "instruments" | "positionOf">;

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
   * Bars the run will mark (e.g. the row count of the largest data file), so the equity curve
   * is allocated once instead of grown by doubling: less memory at the peak for long runs.
   */
  readonly expectedBars?: number;
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
  const atrs = new Map<SymbolId, Atr>();
  const atrPeriod = options.atrPeriod ?? 0;
  // The venue and the session refer to each other; each only calls the other once running.
  const venue: CandleVenue = new CandleVenue({
    ...options.venue,
    instruments: new Map(options.instruments.map((i) => [i.symbol, i])),
    positionOf: (symbol) => session.portfolio.position(symbol).quantity,
    liquidationPriceOf: (symbol) => session.portfolio.liquidationPrice(symbol),
  }, {
    orderUpdate: (order, ts) => fromVenue({ kind: "order-update", ts, tsRecv: ts, order }),
    fill: (fill, ts) => fromVenue({ kind: "fill", ts, tsRecv: ts, fill }),
  });
  // Venue reports enter the engine at once, so the portfolio (and with it the liquidation
  // price) follows every fill inside a bar; from inside a handler (a submit rejected on the
  // spot) they are emitted instead.
  const fromVenue = (event: Event): void => {
    if (session.engine.processing) session.engine.emit(event);
    else session.engine.process(event);
  };
  const session = new TradingSession({
    ...options,
    volatility: (symbol) => atrs.get(symbol)?.value,
  }, (command, now) => {
    switch (command.type) {
      case "submit":
        venue.submit(command.request, now);
        return;
      case "cancel":
        venue.cancel(command.symbol, command.clientOrderId, now);
        return;
      case "amend":
        session.oms.reject(
          "unsupported-amend",
          `${command.clientOrderId}: amend is not simulated in candle mode`,
        );
        return;
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
      }
    }
  });
  const { engine, portfolio, instruments, references } = session;
  let host: StrategyHost | undefined;
  let dataInterval: Interval | undefined;

  const bus = engine.bus;
  bus.subscribe("funding", (event) => {
    const { symbol, rate, markPrice } = event.funding;
    if (!instruments.has(symbol)) return;
    const price = markPrice ?? portfolio.lastPrice(symbol);
    // Before the first price nothing can be open; a spot symbol has no funding.
    if (!(price > 0) || instruments.get(symbol)?.kind === "spot") return;
    portfolio.applyFunding(symbol, rate, price, event.ts);
  });
  bus.subscribe("candle", (event) => {
    const candle = event.candle;
    if (references.size !== 0 && references.has(candle.symbol)) {
      host?.onCandle(candle);
      return;
    }
    portfolio.mark(candle.symbol, candle.close);
    if (atrPeriod > 0) {
      let atr = atrs.get(candle.symbol);
      if (atr === undefined) atrs.set(candle.symbol, atr = new Atr({ period: atrPeriod }));
      atr.update(candle);
    }
    host?.onCandle(candle);
  });

  const equity = new EquitySeries(Math.max(1024, Math.ceil(options.expectedBars ?? 0)));
  let bars = 0;
  let barsInMarket = 0;
  let initialEquity: Decimal | undefined;
  const symbolsSeen = new Set<SymbolId>();

  let lastClose = Number.NEGATIVE_INFINITY;
  let first: Micros | undefined;
  let lastOpen = 0;
  let barMicrosOfRun = 0;
  // Per series (symbol/interval), checked once when it first appears rather than every row.
  const checkedSeries: boolean[] = [];
  const lastOpenOfSeries: number[] = [];
  const tradedSeries: boolean[] = [];
  const checkSeries = (info: { readonly symbol: SymbolId; readonly interval: Interval }): void => {
    const symbol = info.symbol;
    if (!instruments.has(symbol) && !references.has(symbol)) {
      throw new DataError(`the data holds ${symbol}, which the strategy does not trade`, {
        hint: `the strategy trades ${[...instruments.keys()].join(", ")}; pass only their data`,
      });
    }
    if (dataInterval === undefined) {
      dataInterval = info.interval;
      barMicrosOfRun = intervalMicros(dataInterval);
      host = session.host(dataInterval);
    } else if (info.interval !== dataInterval) {
      throw new DataError(
        `mixed data intervals: ${symbol} is ${info.interval}, earlier data was ${dataInterval}`,
        {
          hint: "replay one interval (the finest) and let strategies aggregate",
        },
      );
    }
    symbolsSeen.add(symbol);
  };
  const funding = options.funding ?? [];
  let nextFunding = 0;
  const applyFundingUntil = (ts: Micros): void => {
    while (nextFunding < funding.length && funding[nextFunding].ts <= ts) {
      engine.process(funding[nextFunding++]);
    }
  };
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  for await (const batch of mergeCandleBatches(options.sources)) {
    const { ts, closeTs, open, high, low, close, volume, seriesIndex, series } = batch;
    for (let row = 0; row < batch.length; row++) {
      const openTime = ts[row];
      if (openTime < from || openTime >= to) continue;
      const index = seriesIndex[row];
      const info = series[index];
      if (checkedSeries[index] !== true) {
        checkSeries(info);
        checkedSeries[index] = true;
        tradedSeries[index] = instruments.has(info.symbol);
      }
      const symbol = info.symbol;
      const closeTime = closeTs[row];
      if (openTime === lastOpenOfSeries[index]) {
        throw new DataError(
          `the data holds two ${symbol} bars opening ${toIso(openTime)}`,
          { hint: "drop duplicate rows first (tesser data validate lists them)" },
        );
      }
      lastOpenOfSeries[index] = openTime;
      if (closeTime < lastClose) {
        throw new DataError(
          `candles are not in time order: the ${symbol} bar opening ${
            toIso(openTime)
          } comes after a bar closing ${toIso(lastClose)}`,
          {
            hint: "sort the data by time, or pass each symbol's file separately (they are merged)",
          },
        );
      }
      // A new timestamp: the previous one is complete, so mark equity for it.
      if (closeTime !== lastClose && lastClose !== Number.NEGATIVE_INFINITY) {
        recordBar(lastOpen);
      }
      lastClose = closeTime;
      lastOpen = openTime;
      if (first === undefined) {
        first = openTime;
        initialEquity = valueAtFirstOpen(batch, row);
      }
      // Funding due by this bar's open falls between the previous close and this bar's fills.
      if (nextFunding < funding.length) applyFundingUntil(openTime);
      if (tradedSeries[index]) {
        const walked = venue.onBar(
          symbol,
          openTime,
          barMicrosOfRun,
          open[row],
          high[row],
          low[row],
          close[row],
          volume[row],
        );
        // A bar the venue did not walk (no order could act) is checked against the range.
        if (!walked && portfolio.checkLiquidation(symbol, low[row], high[row]) !== undefined) {
          venue.liquidate(
            symbol,
            portfolio.liquidationPrice(symbol) ?? close[row],
            openTime,
          );
        }
      }
      engine.process({
        kind: "candle",
        ts: closeTime,
        tsRecv: closeTime,
        candle: {
          symbol,
          interval: info.interval,
          openTime,
          open: open[row],
          high: high[row],
          low: low[row],
          close: close[row],
          volume: volume[row],
        },
      });
      if ((++bars & 0xffff) === 0) options.onProgress?.(bars);
    }
  }
  if (first === undefined || dataInterval === undefined || initialEquity === undefined) {
    throw new DataError("no candles to backtest", { hint: "check --data, --from and --to" });
  }
  // Funding at or after the end of the data belongs to a period the run does not cover.
  applyFundingUntil(lastClose - 1);
  recordBar(lastOpen);
  engine.drain();

  // Equity before anything trades: every traded symbol of the first timestamp marked at its
  // open (the run's first return is then from there to the first close).
  function valueAtFirstOpen(batch: MergedCandleBatch, row: number): Decimal {
    for (let j = row; j < batch.length && batch.closeTs[j] === batch.closeTs[row]; j++) {
      const symbol = batch.series[batch.seriesIndex[j]].symbol;
      if (instruments.has(symbol)) portfolio.mark(symbol, batch.open[j]);
    }
    try {
      return portfolio.exactEquity();
    } catch (error) {
      throw unvaluable(error);
    }
  }

  // A RangeError from the portfolio here means a balance cannot be converted yet.
  function unvaluable(error: unknown): unknown {
    if (!(error instanceof RangeError)) return error;
    return new DataError(`cannot value the account: ${error.message}`, {
      hint: "give every converting symbol data from the start (or start the run later with --from)",
      cause: error,
    });
  }

  function recordBar(openTime: Micros): void {
    let value: number;
    try {
      value = portfolio.equity();
    } catch (error) {
      throw unvaluable(error);
    }
    equity.push(openTime, value);
    if (portfolio.hasOpenPositions) barsInMarket++;
    session.checkDrawdown(value);
  }

  const metrics = computeMetrics({
    ts: equity.ts,
    equity: equity.values,
    length: equity.length,
    initialEquity: initialEquity.toNumber(),
    periodsPerYear: periodsPerYear(dataInterval),
    roundTrips: portfolio.roundTrips(),
    tradePnls: session.tradePnls,
    barsInMarket,
    tradedNotional: session.tradedNotional(),
  });
  const report = buildReport({
    ...session.reportParts(),
    params: options.params,
    symbols: [...symbolsSeen].sort(),
    interval: dataInterval,
    start: first,
    end: lastOpen + barMicrosOfRun,
    initialEquity,
    ambiguousBars: venue.ambiguousBars,
    liquidations: venue.liquidations,
    settings: options.settings,
    metrics,
  });
  return { report, bundle: reportBundle(session, report, equity), events: engine.processed };
}
