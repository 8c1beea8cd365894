/**
 * The result of a finished candle run, shared by the backtest runner and any other driver of
 * the candle data loop (the asynchronous test runner).
 *
 * @module
 */

import type { TradingSession } from "../trader/mod.ts";
import type { CandleVenue } from "../venues/mod.ts";
import type { CandleLoop } from "./_candle_loop.ts";
import { reportBundle } from "./_bundle.ts";
import type { CandleBacktestOptions, CandleBacktestResult } from "./candle_backtest.ts";
import { metricsFromCurve, periodsPerYear } from "./metrics.ts";
import { buildReport } from "./report.ts";

/**
 * The result of a finished candle run: metrics, report and bundle from the session, the venue
 * that walked the bars and the loop's equity marks.
 */
export function candleResult(
  session: TradingSession,
  venue: CandleVenue,
  loop: CandleLoop,
  options: Pick<CandleBacktestOptions, "params" | "settings">,
): CandleBacktestResult {
  const { engine, portfolio } = session;
  const { equity, first, dataInterval, initialEquity } = loop;
  // tail() checked that the run saw candles.
  if (first === undefined || dataInterval === undefined || initialEquity === undefined) {
    throw new TypeError("CandleLoop.tail let a run without candles through");
  }

  const record = equity.record();
  const metrics = metricsFromCurve(record.stats, {
    initialEquity: initialEquity.toNumber(),
    periodsPerYear: periodsPerYear(dataInterval),
    roundTrips: portfolio.roundTrips(),
    tradePnls: session.tradePnls,
    barsInMarket: loop.barsInMarket,
    tradedNotional: session.tradedNotional(),
  });
  const report = buildReport({
    ...session.reportParts(),
    params: options.params,
    symbols: [...loop.symbolsSeen].sort(),
    interval: dataInterval,
    start: first,
    end: loop.lastOpen + loop.barMicros,
    initialEquity,
    ambiguousBars: venue.ambiguousBars,
    liquidations: venue.liquidations,
    settings: options.settings,
    metrics,
  });
  return { report, bundle: reportBundle(session, report, record), events: engine.processed };
}
