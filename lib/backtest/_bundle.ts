/**
 * Assembles the report files' bundle from a run's report, its equity series and the session's
 * tables.
 *
 * @module
 */

import type { TradingSession } from "../trader/mod.ts";
import type { EquitySeries } from "./_equity_series.ts";
import type { BacktestReport } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";

/** The report with the series and tables the report files need. */
export function reportBundle(
  session: TradingSession,
  report: BacktestReport,
  equity: EquitySeries,
): ReportBundle {
  return {
    report,
    equity: { ts: equity.ts, equity: equity.values, length: equity.length },
    ...session.tables(),
  };
}
