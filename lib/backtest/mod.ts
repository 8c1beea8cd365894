/**
 * Backtesting: the candle and tick data loops around the trading session, the markets file, performance
 * metrics and report output (JSON, CSV, self-contained HTML). It may import every other `lib/`
 * module except `live`, `research` and `testing`.
 *
 * @module
 */

export * from "./candle_backtest.ts";
export * from "./equity_buckets.ts";
export * from "./equity_recorder.ts";
export * from "./markets.ts";
export * from "./metrics.ts";
export * from "./report.ts";
export * from "./report_files.ts";
export * from "./report_html.ts";
export * from "./report_summary.ts";
export * from "./tick/mod.ts";
