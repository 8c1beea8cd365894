/**
 * Assembles the report files' bundle from a run's report, its equity record and the session's
 * tables.
 *
 * @module
 */

import type { TradingSession } from "../trader/mod.ts";
import type { EquityRecord } from "./equity_recorder.ts";
import type { BacktestReport } from "./report.ts";
import type { ReportBundle } from "./report_files.ts";

/** The report with the series and tables the report files need. */
export function reportBundle(
  session: TradingSession,
  report: BacktestReport,
  equity: EquityRecord,
): ReportBundle {
  return { report, equity, ...session.tables() };
}
